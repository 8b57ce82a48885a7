"""机关 pages under Flask's test client: the registry list, an agency, a report in the official
layout with its downloads, two versions compared, and 404 pages in Chinese."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine

from gongkai.store.registry import load_agencies
from tests.paths import DATA
from tests.web.agency_data import HUAIAN, WUTONGQIAO, file_dataset, load_registry

REPORT = f"/agencies/{HUAIAN}/2024"


@pytest.fixture
def huaian(engine: Engine) -> list[str]:
    """淮安市 2024 filed twice: version 2 changes 表二 B4 (1 → 2) and blanks B11."""
    load_registry(engine)
    first = file_dataset(engine, "huaian-city-2024")
    second = file_dataset(
        engine,
        "huaian-city-2024",
        {"proactive": {"regulations_issued": "2", "penalty_decisions": ""}},
    )
    assert (first.version, second.version) == (1, 2)
    return [first.sha256, second.sha256]


def _page(client: FlaskClient, url: str, status: int = 200) -> str:
    r = client.get(url)
    assert r.status_code == status, url
    assert r.mimetype == "text/html"
    return r.get_data(as_text=True)


def _cell(page: str, cell_id: str) -> re.Match[str]:
    found = re.search(rf'<td id="{cell_id}"[^>]*class="([^"]*)"[^>]*>(.*?)</td>', page, re.S)
    assert found, cell_id
    return found


def _marked(page: str, kind: str) -> set[str]:
    return set(re.findall(rf'<td id="(cell-[^"]+)"[^>]*class="[^"]*marked {kind}"', page))


def test_the_agency_page_has_the_registry_and_every_version(
    client: FlaskClient, huaian: list[str]
) -> None:
    page = _page(client, f"/agencies/{HUAIAN}")
    assert "<h1>淮安市人民政府</h1>" in page
    for fact in ("320800", "市级", "本级政府", HUAIAN):
        assert fact in page
    assert "<dt>上级机关</dt><dd>无</dd>" in page
    assert "2024 年度报告" in page
    # newest first, each with its sha256, the current one marked
    versions = re.findall(r'<th scope="row">第 (\d) 版( <span class="badge">现行</span>)?', page)
    assert versions == [("2", ' <span class="badge">现行</span>'), ("1", "")]
    assert page.index(huaian[1]) < page.index(huaian[0])
    assert f'href="/agencies/{HUAIAN}/2024/diff?from=1&amp;to=2"' in page
    assert f'href="/api/v1/agencies/{HUAIAN}/reports"' in page


def test_a_child_agency_links_its_parent(client: FlaskClient, engine: Engine) -> None:
    load_registry(engine)
    page = _page(client, "/agencies/320800-huaian-education-bureau")
    assert f'<a href="/agencies/{HUAIAN}">淮安市人民政府</a>' in page
    assert "该机关尚未报送年度报告。" in page


def test_the_report_page_draws_the_three_tables(client: FlaskClient, huaian: list[str]) -> None:
    page = _page(client, REPORT)
    assert '<html lang="zh-CN">' in page
    assert "淮安市人民政府 · 2024 年度报告" in page
    assert page.count('<table class="report-table') == 3
    assert len(re.findall(r'<td id="cell-applications-', page)) == 25 * 7
    assert _cell(page, "cell-applications-new_received-total").group(2) == "3119"
    assert _cell(page, "cell-proactive-regulations_issued").group(2) == "2"
    penalty = _cell(page, "cell-proactive-penalty_decisions")
    assert "blank" in penalty.group(1).split()  # version 2 left it blank: drawn blank, not 0
    assert re.sub(r"<[^>]+>", "", penalty.group(2)).strip() == "空白（未填报）"
    assert huaian[1] in page and "现行" in page
    assert "不是现行版本" not in page


def test_an_older_version_says_it_is_not_current(client: FlaskClient, huaian: list[str]) -> None:
    page = _page(client, REPORT + "?version=1")
    assert "这是第 1 版，不是现行版本（现行为第 2 版）。" in page
    assert _cell(page, "cell-proactive-regulations_issued").group(2) == "1"
    assert _cell(page, "cell-proactive-penalty_decisions").group(2) == "3985758"
    assert huaian[0] in page


def test_every_download_is_served_by_the_api_url_shown(
    client: FlaskClient, huaian: list[str]
) -> None:
    page = _page(client, REPORT + "?version=1")
    rows = re.findall(
        r'<th scope="row"><a href="([^"]+)" download>[^<]+</a></th>\s*<td>(\w+)</td>\s*'
        r"<td><code>http://localhost([^<]+)</code></td>",
        page,
    )
    base = f"/api/v1/agencies/{HUAIAN}/reports/2024"
    expected = [
        *(f"{base}/{t}.csv?version=1" for t in ("reports", "proactive", "applications", "reviews")),
        f"{base}?version=1",
        f"{base}/datapackage.zip?version=1",
    ]
    assert [href for href, _, _ in rows] == expected
    assert [shown for _, _, shown in rows] == [e.replace("&", "&amp;") for e in expected]
    kinds = {"CSV": "text/csv", "JSON": "application/json", "ZIP": "application/zip"}
    for href, kind, _ in rows:
        r = client.get(href)
        assert r.status_code == 200 and r.mimetype == kinds[kind], href
    proactive = client.get(f"{base}/proactive.csv?version=1").get_data(as_text=True)
    assert ",3985758," in proactive  # version 1's figures, not the current ones


def test_the_diff_marks_exactly_the_changed_cells(client: FlaskClient, huaian: list[str]) -> None:
    page = _page(client, REPORT + "/diff?from=1&to=2")
    assert "2024 年度报告：第 1 版与第 2 版比较" in page
    assert "共有 2 处不同。" in page
    assert _marked(page, "changed") == {
        "cell-proactive-regulations_issued",
        "cell-proactive-penalty_decisions",
    }
    changed = _cell(page, "cell-proactive-regulations_issued").group(2)
    assert changed == '<del class="value">1</del> → <ins class="value">2</ins>'
    blanked = _cell(page, "cell-proactive-penalty_decisions").group(2)
    assert blanked == '<del class="value">3985758</del> → <ins class="blank-value">空白</ins>'
    # an unchanged cell shows its figure, unmarked
    same = _cell(page, "cell-applications-new_received-total")
    assert same.group(2) == "3119" and "marked" not in same.group(1)
    # the list of changes names the template's cell and the item
    assert '<a href="#cell-proactive-regulations_issued">表二 B4</a>' in page
    assert "行政处罚·本年处理决定数量" in page


def test_the_diff_defaults_to_the_current_against_the_one_before(
    client: FlaskClient, huaian: list[str]
) -> None:
    page = _page(client, REPORT + "/diff")
    assert "第 1 版与第 2 版比较" in page and "共有 2 处不同。" in page
    same = _page(client, REPORT + "/diff?from=2&to=2")
    assert "两个版本的数据相同。" in same and not _marked(same, "changed")


def test_blank_to_zero_is_a_change(client: FlaskClient, engine: Engine) -> None:
    load_registry(engine)
    file_dataset(engine, "wutongqiao-transport-2022")
    file_dataset(engine, "wutongqiao-transport-2022", {"proactive": {"regulations_issued": "0"}})
    page = _page(client, f"/agencies/{WUTONGQIAO}/2022/diff?from=1&to=2")
    assert "共有 1 处不同。" in page
    assert _marked(page, "changed") == {"cell-proactive-regulations_issued"}
    cell = _cell(page, "cell-proactive-regulations_issued").group(2)
    assert cell == '<del class="blank-value">空白</del> → <ins class="value">0</ins>'
    # the cells still blank in both stay drawn blank
    still = _cell(page, "cell-proactive-regulations_repealed")
    assert "blank" in still.group(1).split() and "marked" not in still.group(1)


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/agencies/320800-nowhere", 404, "名录中没有机关“320800-nowhere”。"),
        (f"/agencies/{HUAIAN}/2019", 404, f"机关“{HUAIAN}”没有报送 2019 年度报告。"),
        ("/agencies/320800-nowhere/2024", 404, "名录中没有机关“320800-nowhere”。"),
        (f"/agencies/{HUAIAN}/20x4", 404, "“20x4”不是可查询的年度（2008—2100）。"),
        (f"/agencies/{HUAIAN}/1999", 404, "“1999”不是可查询的年度（2008—2100）。"),
        (REPORT + "?version=3", 404, "该年度报告没有第 3 版。"),
        (REPORT + "?version=二", 400, "版本号应为正整数，收到“二”。"),
        (REPORT + "?version=²", 400, "版本号应为正整数，收到“²”。"),
        (f"/agencies/{HUAIAN}/²０２４", 404, "“²０２４”不是可查询的年度（2008—2100）。"),
        (REPORT + "/diff?from=7", 404, "该年度报告没有第 7 版。"),
        (REPORT + "/diff?to=-1", 400, "版本号应为正整数，收到“-1”。"),
        (f"/agencies/{HUAIAN}/2019/diff", 404, f"机关“{HUAIAN}”没有报送 2019 年度报告。"),
    ],
)
def test_what_is_not_there_is_a_page_in_chinese(
    client: FlaskClient, huaian: list[str], url: str, status: int, message: str
) -> None:
    page = _page(client, url, status)
    assert '<html lang="zh-CN">' in page and "<h1>出错了</h1>" in page
    assert f'<p class="notice error">{message}</p>' in page
    assert "Traceback" not in page


def test_the_pages_speak_english_when_asked(client: FlaskClient, huaian: list[str]) -> None:
    page = _page(client, REPORT + "?lang=en")
    assert '<html lang="en">' in page
    assert "Report on 2024" in page and "Downloads" in page and "UTC+8" in page
    missing = _page(client, "/agencies/320800-nowhere?lang=en", 404)
    assert "No agency “320800-nowhere” in the registry." in missing


def test_received_times_are_beijing_time(client: FlaskClient, huaian: list[str]) -> None:
    page = _page(client, REPORT)
    assert re.search(r"<dd>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d 北京时间</dd>", page)


def test_warnings_given_at_filing_are_listed_and_mark_their_cells(
    client: FlaskClient, engine: Engine
) -> None:
    load_registry(engine)
    file_dataset(engine, "wutongqiao-transport-2022")  # a report left mostly blank
    page = _page(client, f"/agencies/{WUTONGQIAO}/2022")
    listed = re.search(r'<details class="warnings">\s*<summary><h2>报送时的提示（(\d+) 条）', page)
    assert listed, "many warnings: listed folded (no open attribute)"
    assert page.count('<li class="warning">') == int(listed.group(1)) > 5
    assert "规则 t3-row-total 无法检查" in page
    assert '<a class="place" href="#cell-applications-carried_over-total">查看单元格</a>' in page
    marked = _marked(page, "warning")
    assert "cell-applications-carried_over-total" in marked
    assert "cell-applications-new_received-natural_person" not in marked
    english = _page(client, f"/agencies/{WUTONGQIAO}/2022?lang=en")
    assert "Warnings given when filed" in english and "t3-row-total" in english
    assert "无法检查" not in english  # the messages in English too, not only the frame
    # the tables kept for Chinese are not served to English readers
    assert "Cells marked red have errors" in english


def test_a_2019_format_report_draws_its_own_rows(client: FlaskClient, engine: Engine) -> None:
    load_registry(engine)
    file_dataset(engine, DATA / "format-2019-valid")
    page = _page(client, f"/agencies/{HUAIAN}/2020")
    assert "2019 年版统计表" in page
    assert len(re.findall(r'<td id="cell-applications-', page)) == 23 * 7
    assert 'id="cell-proactive-procurement_amount"' in page
    assert f'href="/api/v1/agencies/{HUAIAN}/reports/2020/applications.csv?version=1"' in page


# --- the list ---------------------------------------------------------------------------


def _names(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/agencies/[^"]+">([^<]+)</a></th>', page)


def test_the_list_filters_by_region_level_and_name(client: FlaskClient, engine: Engine) -> None:
    load_registry(engine)
    everyone = _names(_page(client, "/agencies"))
    assert len(everyone) == 18
    huaian = _names(_page(client, "/agencies?region=320800"))
    assert huaian and all(n.startswith("淮安市") for n in huaian)
    cities = _names(_page(client, "/agencies?level=city&region=320000"))
    assert "淮安市人民政府" in cities and "宿迁市人民政府" in cities
    assert not [n for n in cities if "区" in n]
    assert _names(_page(client, "/agencies?name=五通桥")) == [
        "乐山市五通桥区人民政府",
        "乐山市五通桥区交通运输局",
    ]
    empty = _page(client, "/agencies?name=不存在的机关")
    assert "没有符合条件的机关。" in empty


def test_the_list_pages_keep_the_filters(client: FlaskClient, engine: Engine) -> None:
    rows = [
        {
            "agency_id": f"320813-page-{i:03d}",
            "agency_name": f"测试机关{i:03d}",
            "region_code": "320813",
            "level": "county",
            "scope": "agency",
        }
        for i in range(120)
    ]
    load_agencies(engine, rows)
    seen: list[str] = []
    url: str | None = "/agencies?region=320813"
    while url:
        page = _page(client, url)
        seen += _names(page)
        found = re.search(r'<a rel="next" href="([^"]+)"', page)
        url = found.group(1).replace("&amp;", "&") if found else None
        if url:
            assert "region=320813" in url
    assert seen == [r["agency_name"] for r in rows]


def test_a_bad_filter_is_said_in_chinese(client: FlaskClient, engine: Engine) -> None:
    page = _page(client, "/agencies?region=3208", 400)
    assert "行政区划代码应为 6 位数字，收到“3208”。" in page
    page = _page(client, "/agencies?region=３２０８００", 400)
    assert "行政区划代码应为 6 位数字，收到“３２０８００”。" in page
    page = _page(client, "/agencies?level=galaxy", 400)
    assert "没有“galaxy”这个层级。" in page
