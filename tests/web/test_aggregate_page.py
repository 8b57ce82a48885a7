"""汇总 page under Flask's test client: the form, sums with reported and blank counts (a blank
is never 0), coverage with names, the CSV of exactly the table shown, the embedded chart data,
and bad arguments answered in Chinese on the page."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from sqlalchemy import Engine

from conftest_db import report_tables
from gongkai.store.filings import NewFiling, file_report, record_rejection
from tests.web.sample_data import load_samples

YEAR = 2024
# agency-scope reports of 2024 filed on top of the sample data:
# (agency_id, region, level, blank 表二 columns, published_on: lateness is judged on it)
FILED = [
    ("320800-huaian-education-bureau", "320800", "city", (), "2025-03-01"),  # late
    ("320813-hongze-education-bureau", "320813", "county", ("fees_amount",), "2025-01-20"),
    (
        "320813-hongze-civil-affairs-bureau",
        "320813",
        "county",
        ("fees_amount", "penalty_decisions"),
        "2025-01-31",
    ),
]
REFUSED = "320813-hongze-gaoliangjian-subdistrict"
SLICE = f"year={YEAR}&region=320800&by=county"


@pytest.fixture
def filed(engine: Engine) -> dict[str, dict[str, list[dict[str, Any]]]]:
    load_samples(engine)
    tables = {}
    for agency_id, region, level, blanks, published_on in FILED:
        tables[agency_id] = report_tables(
            agency_id,
            YEAR,
            region_code=region,
            level=level,
            blank_proactive=blanks,
        )
        tables[agency_id]["reports"][0]["published_on"] = date.fromisoformat(published_on)
        sha256 = agency_id.ljust(64, "0")
        file_report(engine, NewFiling(agency_id, YEAR, "2021", sha256, {}, tables[agency_id]))
    record_rejection(engine, REFUSED, YEAR, "f" * 64, [])
    return tables


def _page(client: FlaskClient, query: str, status: int = 200) -> BeautifulSoup:
    r = client.get(f"/aggregate?{query}")
    assert r.status_code == status, r.get_data(as_text=True)[:2000]
    assert r.mimetype == "text/html"
    return BeautifulSoup(r.get_data(as_text=True), "html.parser")


def _shown_rows(doc: BeautifulSoup, table_id: str = "aggregate-table") -> list[dict[str, Any]]:
    """A table as read off the page: per row, the group (or item), reports and each cell."""
    rows = []
    for tr in doc.select(f"#{table_id} tbody tr, #{table_id} tfoot tr"):
        row: dict[str, Any] = {
            "group": tr.get("data-group"),
            "group_label": tr.select("th")[0].get_text().strip(),
            "reports": int(tr.select("td.reports")[0].get_text()),
        }
        for td in tr.select("td[data-column]"):
            sums = td.select(".sum")
            row[td.get("data-column")] = {
                "sum": sums[0].get_text() if sums else "",
                "text": td.get_text().strip(),
                "reported": int(td.get("data-reported")),
                "blank": int(td.get("data-blank")),
            }
        rows.append(row)
    return rows


def test_the_page_speaks_chinese_and_offers_the_registry_regions(
    client: FlaskClient, filed: dict
) -> None:
    doc = _page(client, "")
    assert doc.html is not None and doc.html.get("lang") == "zh-CN"
    assert doc.select("h1")[0].get_text() == "汇总"
    regions = [o.get_text().strip() for o in doc.select("#f-region option")]
    assert regions[0] == "全部地区"
    # provinces are named from GB/T 2260, cities and counties from their governments
    for label in ("320000 江苏省", "320800 淮安市", "320813 淮安市洪泽区", "510000 四川省"):
        assert label in regions
    tables = [o.get_text() for o in doc.select("#f-table option")]
    assert tables == ["表二", "表三", "表四"]
    # no year asked: the latest year with filings
    assert doc.select("#f-year")[0].get("value") == str(YEAR)


def test_sums_per_group_and_blanks_shown_blank_and_counted(
    client: FlaskClient, filed: dict
) -> None:
    rows = {r["group"]: r for r in _shown_rows(_page(client, SLICE + "&table=proactive"))}
    assert set(rows) == {"320800", "320813", "total"}
    hongze = rows["320813"]
    assert hongze["group_label"] == "淮安市洪泽区（320813）" and hongze["reports"] == 2
    # both reports left the fees blank: shown as "—" with the count, never 0
    fees = hongze["fees_amount"]
    assert fees == {"sum": "", "text": "—2 个空白", "reported": 0, "blank": 2}
    # one left the penalties blank: the sum of the other and "1 个空白"
    civil, education = (filed[FILED[i][0]]["proactive"][0] for i in (2, 1))
    assert civil["penalty_decisions"] is None
    penalty = hongze["penalty_decisions"]
    assert penalty["sum"] == str(education["penalty_decisions"])
    assert penalty["text"] == f"{education['penalty_decisions']}1 个空白"
    assert (penalty["reported"], penalty["blank"]) == (1, 1)
    licensing = hongze["licensing_decisions"]
    assert licensing["sum"] == str(civil["licensing_decisions"] + education["licensing_decisions"])
    assert (licensing["reported"], licensing["blank"]) == (2, 0)
    # the total over the groups: the city's one report added, blanks still counted
    city = filed[FILED[0][0]]["proactive"][0]
    total = rows["total"]
    assert total["reports"] == 3
    assert Decimal(total["fees_amount"]["sum"]) == city["fees_amount"]
    assert (total["fees_amount"]["reported"], total["fees_amount"]["blank"]) == (1, 2)


def test_table_three_in_full_sums_every_row_of_the_slice(client: FlaskClient, filed: dict) -> None:
    doc = _page(client, SLICE + "&table=applications&item=granted")
    rows = _shown_rows(doc, "whole-table")
    items = [r["group"] for r in rows]
    assert len(items) == 25 and items[0] == "new_received" and items[-1] == "carried_forward"
    for row in rows:
        for column in ("natural_person", "total"):
            expected = sum(
                next(r for r in tables["applications"] if r["item"] == row["group"])[column]
                for tables in filed.values()
            )
            assert row[column]["sum"] == str(expected)
            assert (row[column]["reported"], row[column]["blank"]) == (3, 0)
    # the chosen row is marked; every row's name chooses it
    current = doc.select("#whole-table tr.current th a")[0]
    assert current.get_text() == "三、本年度办理结果（一）予以公开"
    link = doc.select('#whole-table tr[data-group="withheld_security"] th a')[0].get("href")
    assert "item=withheld_security" in link and "table=applications" in link


def test_table_three_shows_the_chosen_row_for_every_applicant_column(
    client: FlaskClient, filed: dict
) -> None:
    doc = _page(client, SLICE + "&table=applications&item=granted")
    rows = {r["group"]: r for r in _shown_rows(doc)}
    expected = {
        column: sum(
            next(r for r in filed[a]["applications"] if r["item"] == "granted")[column]
            for a, region, *_ in FILED
            if region == "320813"
        )
        for column in ("natural_person", "commercial", "total")
    }
    for column, value in expected.items():
        assert rows["320813"][column]["sum"] == str(value)
    caption = doc.select("#aggregate-table caption")[0].get_text()
    assert "表三" in caption and "予以公开" in caption


def test_coverage_beside_with_the_agencies_names(client: FlaskClient, filed: dict) -> None:
    doc = _page(client, SLICE)
    counts = {k: doc.select(f"#cov-{k}")[0].get_text() for k in (
        "expected", "filed", "valid", "late", "missing", "refused"
    )}  # fmt: skip
    # agency scope under 320800: 5 city and 4 county agencies in examples/agencies.csv
    assert counts == {
        "expected": "9",
        "filed": "4",
        "valid": "3",
        "late": "1",
        "missing": "5",
        "refused": "1",
    }

    def names(list_id: str) -> list[tuple[str, str]]:
        return [(a.get_text(), a.get("href")) for a in doc.select(f"#{list_id} a")]

    assert names("list-late") == [("淮安市教育局", "/agencies/320800-huaian-education-bureau")]
    assert names("list-refused") == [
        ("淮安市洪泽区高良涧街道办事处", "/agencies/320813-hongze-gaoliangjian-subdistrict")
    ]
    missing = [name for name, _ in names("list-missing")]
    assert "淮安市洪泽区交通运输局" in missing and "淮安市公安局" in missing
    assert len(missing) == 5
    assert len(names("list-filed")) == 3


@pytest.mark.parametrize(
    ("table", "part", "table_id", "key"),
    [
        ("proactive", "groups", "aggregate-table", "group"),
        ("applications", "groups", "aggregate-table", "group"),
        ("applications", "items", "whole-table", "item"),
        ("reviews", "groups", "aggregate-table", "group"),
    ],
)
def test_the_csv_holds_exactly_the_rows_of_the_table(
    client: FlaskClient, filed: dict, table: str, part: str, table_id: str, key: str
) -> None:
    query = f"{SLICE}&table={table}"
    doc = _page(client, query)
    shown = _shown_rows(doc, table_id)
    buttons = [a["href"] for a in doc.select(".downloads a[download]")]
    href = next(h for h in buttons if ("part=items" in h) == (part == "items"))
    r = client.get(href)
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    lines = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [line[key] for line in lines] == [row["group"] for row in shown]
    for line, row in zip(lines, shown, strict=True):
        assert line[f"{key}_label"] == row["group_label"]
        assert int(line["reports"]) == row["reports"]
        columns = [c for c in row if isinstance(row[c], dict)]
        assert columns, "the table shows figures"
        for column in columns:
            cell = row[column]
            assert line[column] == cell["sum"]  # blank stays empty, not 0
            assert int(line[f"{column}_reported"]) == cell["reported"]
            assert int(line[f"{column}_blank"]) == cell["blank"]
        assert set(line) - {key, f"{key}_label", "reports", "item"} == {
            f"{c}{suffix}" for c in columns for suffix in ("", "_reported", "_blank")
        }


def test_the_page_links_the_csv_and_the_api_that_gives_the_same_sums(
    client: FlaskClient, filed: dict
) -> None:
    doc = _page(client, SLICE + "&table=reviews")
    links = [a.get("href") for a in doc.select(".downloads a")]
    assert links[0].startswith("/aggregate.csv?") and "table=reviews" in links[0]
    api = next(link for link in links if link.startswith("/api/v1/aggregate/reviews?"))
    assert doc.select(".api-links code")[0].get_text() == api
    body = client.get(api).json
    shown = {r["group"]: r for r in _shown_rows(doc)}
    for group in body["items"]:
        for column, value in group["rows"][0]["sums"].items():
            cell = shown[group["group"]][column]
            assert cell["sum"] == ("" if value is None else str(value))
            assert cell["blank"] == group["rows"][0]["blank"][column]


def test_chart_data_is_embedded_as_json_with_blanks_as_null(
    client: FlaskClient, filed: dict
) -> None:
    doc = _page(client, SLICE + "&table=proactive&field=fees_amount")
    (script,) = doc.select('script#aggregate-data[type="application/json"]')
    data = json.loads(script.string)
    assert data["bar"]["labels"] == ["淮安市", "淮安市洪泽区"]  # the table adds the codes
    assert data["bar"]["reports"] == [1, 2]
    city_fees = filed[FILED[0][0]]["proactive"][0]["fees_amount"]
    assert data["bar"]["values"] == [float(city_fees), None]  # all blank: a gap, not 0
    assert data["bar"]["blank"] == [0, 2]
    # the line: the same slice in every year with data (only 2024 under 320800)
    assert data["line"]["labels"] == ["2024"]
    assert data["titles"]["cell"] == "行政事业性收费 · 本年收费金额（万元）"
    scripts = [s.get("src") for s in doc.select("script[src]")]
    assert scripts == ["/static/vendor/echarts/echarts.min.js", "/static/aggregate.js"]


def test_the_line_covers_every_year_of_the_slice(client: FlaskClient, filed: dict) -> None:
    doc = _page(client, "year=2024&region=321300&scope=government&table=reviews")
    data = json.loads(doc.select("script#aggregate-data")[0].string)
    assert data["line"]["labels"] == ["2023", "2024"]  # 宿迁市 filed both years
    years = [th.get_text() for th in doc.select("#years-table tbody th")]
    assert years == ["2023", "2024"]
    assert all(v is not None for v in data["line"]["values"])


def test_an_empty_agency_slice_points_to_the_governments_reports(
    client: FlaskClient, engine: Engine
) -> None:
    load_samples(engine)  # the sample reports are all 本级政府 reports
    doc = _page(client, "year=2024&region=320000")
    notice = doc.select("#empty-slice")[0]
    assert "没有已报送的报告" in notice.get_text()
    link = notice.select("a")[0].get("href")
    assert "scope=government" in link and "region=320000" in link
    rows = {r["group"]: r for r in _shown_rows(_page(client, link.split("?", 1)[1]))}
    assert rows["320800"]["reports"] == 2 and rows["321300"]["reports"] == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=abc", "年度应为 2008 至 2100 之间的整数，而不是“abc”"),
        ("year=1999", "年度应为 2008 至 2100 之间的整数，而不是“1999”"),
        ("region=32", "地区应为 6 位行政区划代码（如 320000），而不是“32”"),
        ("table=table5", "表格应为 proactive（表二）、applications（表三）或 reviews（表四）"),
        ("by=town", "分组应为 province（省）、city（市）、county（县）或 level（层级）"),
        ("scope=mine", "范围应为 agency（部门报告）、government（本级政府报告）或 all"),
        ("level=village", "层级应为 national、province、city、county、township 之一"),
        ("table=applications&item=granted_x", "表三（2021 格式）没有“granted_x”这一行"),
        ("table=reviews&field=totals", "表四（2021 格式）没有“totals”这一栏"),
    ],
)
def test_bad_arguments_are_told_in_chinese_on_the_page(
    client: FlaskClient, filed: dict, query: str, message: str
) -> None:
    doc = _page(client, query, status=400)
    alert = doc.select('.notice.error[role="alert"]')[0].get_text()
    assert message in alert
    assert doc.select("form.aggregate-form")  # the form stays, to correct
    (field,) = doc.select('[aria-invalid="true"]')  # the field in question, marked
    assert message in doc.select("#" + field["aria-describedby"])[0].get_text()
    assert not doc.select("#aggregate-table")
    r = client.get(f"/aggregate.csv?{query}")
    assert r.status_code == 400 and message in r.get_data(as_text=True)


def test_a_column_of_the_table_chosen_before_falls_back_to_the_default(
    client: FlaskClient, filed: dict
) -> None:
    # the form still holds 表四's column when the table is switched to 表三
    doc = _page(client, SLICE + "&table=applications&field=review_total")
    data = json.loads(doc.select("script#aggregate-data")[0].string)
    assert data["titles"]["field"] == "total"
    selected = doc.select("#f-field option[selected]")[0]
    assert selected["value"] == "total"


def test_bad_arguments_in_english_when_asked(client: FlaskClient, filed: dict) -> None:
    doc = _page(client, "year=abc&lang=en", status=400)
    alert = doc.select(".notice.error")[0].get_text()
    assert "year must be a whole number from 2008 to 2100, not 'abc'" in alert


def test_the_chart_library_is_served_from_the_package(client: FlaskClient) -> None:
    with client.get("/static/vendor/echarts/echarts.min.js") as r:
        assert r.status_code == 200 and b"echarts" in r.data[:5000]
    with client.get("/static/vendor/echarts/LICENSE") as r:
        assert r.status_code == 200 and b"Apache License" in r.data
    with client.get("/static/aggregate.js") as r:
        assert r.status_code == 200 and b"echarts.init" in r.data


def test_long_name_lists_end_with_a_link_to_the_coverage_csv(
    client: FlaskClient, filed: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongkai.web import aggregate

    monkeypatch.setattr(aggregate, "NAMES_SHOWN", 2)
    doc = _page(client, SLICE)
    assert len(doc.select("#list-missing li")) == 2
    more = doc.select("#list-missing + .more a")[0]
    assert more.get_text() == "另有 3 个机关，完整名单见报送情况 CSV"
    # the CSV of that list: the missing agencies, all of them and only them
    assert more.get("href") == (
        "/api/v1/coverage.csv?year=2024&region=320800&scope=agency&status=missing"
    )
    csv_text = client.get(more.get("href")).get_data(as_text=True)
    assert csv_text.count(",missing,") == 5 == len(csv_text.splitlines()) - 1


def test_a_bad_csv_part_is_told_in_chinese(client: FlaskClient, filed: dict) -> None:
    r = client.get(f"/aggregate.csv?{SLICE}&table=applications&part=rows")
    assert r.status_code == 400
    assert "part 应为 groups（按分组的表）或 items（表三全表），而不是“rows”" in r.text
    r = client.get(f"/aggregate.csv?{SLICE}&table=reviews&part=items")
    assert r.status_code == 400 and "只有表三（applications）有全表 CSV" in r.text
