"""The frame every page shares: language, navigation, assets, the three-table macro."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup
from flask import Flask, render_template_string
from flask.testing import FlaskClient

from conftest_db import DATASETS
from gongkai.package import read_package
from gongkai.validation import validate
from gongkai.web.layout import report_layout
from gongkai.web.report_view import table_values

NAV = ["/", "/validate", "/file", "/aggregate", "/api/v1/docs", "/standard"]


def test_home_is_chinese_with_the_navigation(client: FlaskClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.mimetype == "text/html"
    page = r.get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert "公开 gongkai" in page
    assert re.findall(r'<li><a href="([^"]+)"', page) == NAV
    for label in ("首页", "在线校验", "报送", "汇总", "API 文档", "标准"):
        assert f">{label}</a>" in page
    assert 'href="/static/gongkai.css"' in page


def test_english_is_chosen_by_query_and_kept_in_a_cookie(client: FlaskClient) -> None:
    r = client.get("/?lang=en")
    assert '<html lang="en">' in r.get_data(as_text=True)
    assert ">Validate</a>" in r.get_data(as_text=True)
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith("gongkai_lang=en;") and "SameSite=Lax" in cookie
    again = client.get("/")  # the cookie remembers
    assert '<html lang="en">' in again.get_data(as_text=True)
    back = client.get("/?lang=zh")
    assert '<html lang="zh-CN">' in back.get_data(as_text=True)
    assert ">在线校验</a>" in back.get_data(as_text=True)


def test_an_unknown_language_falls_back_to_chinese(client: FlaskClient) -> None:
    r = client.get("/?lang=fr")
    assert '<html lang="zh-CN">' in r.get_data(as_text=True)
    assert "Set-Cookie" not in r.headers


def test_the_stylesheet_is_served_from_the_package(client: FlaskClient) -> None:
    with client.get("/static/gongkai.css") as r:
        assert r.status_code == 200 and r.mimetype == "text/css"
        assert b"Noto Sans CJK SC" in r.data


def _draw(app: Flask, fmt: str, tables: dict, marks: dict | None = None) -> str:
    with app.test_request_context("/"):
        return render_template_string(
            '{% from "_report_tables.html" import report_tables %}'
            "{{ report_tables(layouts, values, marks) }}",
            layouts=report_layout(fmt),
            values=table_values(fmt, tables),
            marks=marks or {},
        )


def test_the_three_tables_in_the_official_layout(app: Flask) -> None:
    tables = validate(read_package(DATASETS / "huaian-city-2024")).tables
    html = _draw(app, "2021", tables)
    assert html.count("<table") == 3
    assert "<caption>表三 · 收到和处理政府信息公开申请情况</caption>" in html
    # 表三: 25 rows of 7 figures, the group labels merged as printed
    assert len(re.findall(r'id="cell-applications-[a-z_]+-[a-z_]+"', html)) == 25 * 7
    assert '<th scope="rowgroup" rowspan="22">三、本年度办理结果</th>' in html
    assert '<th scope="rowgroup" rowspan="8">（三）不予公开</th>' in html
    assert '<th scope="colgroup" colspan="5">法人或其他组织</th>' in html
    cell = re.search(r'<td id="cell-applications-new_received-total"[^>]*>([^<]*)</td>', html)
    assert cell and cell.group(1) == "3119"
    assert 'data-cell="表三 J5"' in html
    # 表四 figures as printed in 淮安市 2024
    total = re.search(r'<td id="cell-reviews-review_total"[^>]*>([^<]*)</td>', html)
    assert total and total.group(1) == "351"
    assert re.search(r'<td id="cell-proactive-fees_amount"[^>]*>96171.6</td>', html)


def test_a_blank_cell_is_drawn_blank_never_zero(app: Flask) -> None:
    package = read_package(DATASETS / "wutongqiao-transport-2022")
    result = validate(package)
    html = _draw(app, result.format, result.tables)
    blanks = re.findall(r'<td id="(cell-[^"]+)"[^>]*class="num blank"[^>]*>(.*?)</td>', html, re.S)
    assert blanks, "the 五通桥 package leaves figures blank"
    for _, content in blanks:
        assert re.sub(r"<[^>]+>", "", content) == "空白（未填报）"  # for screen readers only


def test_marked_cells_carry_the_message(app: Flask) -> None:
    tables = validate(read_package(DATASETS / "huaian-city-2024")).tables
    marks = {"cell-reviews-review_total": [("error", "总计为 0，但……之和为 11")]}
    html = _draw(app, "2021", tables, marks)
    found = re.search(r'<td id="cell-reviews-review_total"[^>]*>', html)
    assert found and "marked error" in found.group(0)
    assert 'title="总计为 0，但……之和为 11"' in found.group(0)


def test_2019_format_draws_its_own_rows(app: Flask) -> None:
    from tests.paths import DATA

    result = validate(read_package(DATA / "format-2019-valid"))
    html = _draw(app, "2019", result.tables)
    assert len(re.findall(r'id="cell-applications-[a-z_]+-[a-z_]+"', html)) == 23 * 7
    assert 'id="cell-applications-other-total"' in html
    assert 'id="cell-proactive-procurement_amount"' in html


def test_errors_in_pages_are_pages(app: Flask, client: FlaskClient) -> None:
    r = client.get("/file/template-2020.xlsx")
    assert r.status_code == 404 and r.mimetype == "text/html"
    assert "没有这个页面。" in r.get_data(as_text=True)
    r = client.get("/api/v1/agencies/nobody")  # the API keeps its problem bodies
    assert r.mimetype == "application/problem+json"


def test_every_page_string_is_in_both_languages() -> None:
    from gongkai.web.catalogue import STRINGS

    templates = Path(__file__).resolve().parents[2] / "src" / "gongkai" / "web" / "templates"
    sources = "".join(p.read_text(encoding="utf-8") for p in templates.glob("*.html"))
    sources += "".join(p.read_text(encoding="utf-8") for p in templates.parent.glob("*.py"))
    used = set(re.findall(r"""\bt(?:ext)?\(\s*["']([a-z_.0-9]+)["']""", sources))
    assert {key for key in used if not key.endswith(".")} - set(STRINGS) == set()
    # keys built in templates: "severity." ~ …, "grant." ~ …, "upload.table." ~ …
    for prefix, names in (
        ("severity.", ("error", "warning", "info")),
        ("grant.", ("agency", "region", "admin")),
        ("upload.table.", ("reports", "proactive", "applications", "reviews")),
    ):
        assert {prefix + n for n in names} <= set(STRINGS)
    for key, (zh, en) in STRINGS.items():
        assert zh and en, key
        # the same placeholders; their order follows each language's word order
        assert sorted(re.findall(r"\{(\w+)\}", zh)) == sorted(re.findall(r"\{(\w+)\}", en)), key


def test_the_standard_page_is_the_document_written_from_the_schemas(client: FlaskClient) -> None:
    from gongkai.standard_doc import render_standard

    r = client.get("/standard")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    doc = BeautifulSoup(html, "html.parser")
    body = doc.select_one(".document")
    assert body is not None
    # every rule id of the generated document is on the page, its tables drawn as tables
    rule_ids = set(re.findall(r"`(t[2-4]-[a-z0-9-]+)`", render_standard()))
    assert rule_ids and all(rule_id in body.get_text() for rule_id in rule_ids)
    assert len(body.select("table")) >= 4 and body.select("table th")
    assert "<script" not in str(body)
