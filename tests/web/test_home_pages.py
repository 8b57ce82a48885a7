"""首页 and search under Flask's test client."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import Engine

from tests.web.agency_data import HUAIAN, file_dataset, load_registry


def _page(client: FlaskClient, url: str, status: int = 200) -> str:
    r = client.get(url)
    assert r.status_code == status, url
    return r.get_data(as_text=True)


def test_home_says_what_gongkai_is_and_links_the_api_and_the_standard(
    client: FlaskClient,
) -> None:
    page = _page(client, "/")
    assert '<html lang="zh-CN">' in page
    assert "政府信息公开工作年度报告" in page and "空白表示未填报，始终与 0 区分" in page
    assert '<form class="search-box" method="get" action="/search" role="search">' in page
    assert '<input type="search" id="q" name="q"' in page
    assert '<li class="link"><a href="/api/v1/docs">API 文档</a>' in page
    assert '<li class="link"><a href="/standard">标准</a>' in page
    assert "尚无报送的报告。" in page  # an empty store says so
    english = _page(client, "/?lang=en")
    assert "Every government agency in China publishes" in english


def test_home_lists_the_latest_filings_newest_first(client: FlaskClient, engine: Engine) -> None:
    load_registry(engine)
    file_dataset(engine, "suqian-city-2023")
    file_dataset(engine, "huaian-city-2024")
    file_dataset(engine, "huaian-city-2024", {"proactive": {"regulations_issued": "2"}})
    page = _page(client, "/")
    latest = re.findall(
        r'<th scope="row"><a href="([^"]+)">([^<]+)</a></th>\s*<td>(\d+)</td>\s*<td>([^<]+)</td>',
        page,
    )
    assert [(name, year, version) for _, name, year, version in latest] == [
        ("淮安市人民政府", "2024", "第 2 版"),
        ("淮安市人民政府", "2024", "第 1 版"),
        ("宿迁市人民政府", "2023", "第 1 版"),
    ]
    assert latest[0][0] == f"/agencies/{HUAIAN}/2024?version=2"
    linked = _page(client, latest[0][0])
    assert linked.count('<table class="report-table') == 3


def test_home_shows_the_coverage_of_the_latest_year(client: FlaskClient, engine: Engine) -> None:
    registry = load_registry(engine)
    file_dataset(engine, "suqian-city-2023")
    file_dataset(engine, "huaian-city-2024")
    file_dataset(engine, "suqian-city-2024")
    page = _page(client, "/")
    assert "2024 年度报告，按应报告机关名录统计：" in page
    counts = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", page))
    # both city reports were stored without a token (a bulk load) and carry no publication
    # date: whether they were late cannot be told, and they are not called late
    assert counts == {
        "应报送": str(registry),
        "已报送": "2",
        "其中逾期": "0",
        "是否逾期不详": "2",
        "未报送": str(registry - 2),
        "被退回": "0",
    }
    assert '<a class="button secondary" href="/aggregate?year=2024">' in page


def test_search_by_name_and_by_region_code(client: FlaskClient, engine: Engine) -> None:
    load_registry(engine)
    names = re.compile(r'<th scope="row"><a href="/agencies/[^"]+">([^<]+)</a></th>')
    by_name = _page(client, "/search?q=淮安")
    assert "与“淮安”相符的机关：" in by_name
    found = names.findall(by_name)
    assert "淮安市人民政府" in found and all("淮安" in n for n in found)
    by_region = names.findall(_page(client, "/search?q=511112"))
    assert by_region == ["乐山市五通桥区人民政府", "乐山市五通桥区交通运输局"]
    # a province code holds its cities and counties
    jiangsu = names.findall(_page(client, "/search?q=320000"))
    assert "淮安市人民政府" in jiangsu and "宿迁市人民政府" in jiangsu
    assert "乐山市五通桥区人民政府" not in jiangsu
    by_id = names.findall(_page(client, "/search?q=511112-wutongqiao-transport-bureau"))
    assert by_id == ["乐山市五通桥区交通运输局"]
    none = _page(client, "/search?q=火星")
    assert "没有与“火星”相符的机关。" in none and not names.findall(none)


def test_an_empty_search_shows_the_form_only(client: FlaskClient, engine: Engine) -> None:
    load_registry(engine)
    page = _page(client, "/search?q=%20")
    assert 'name="q" value=""' in page
    assert "相符" not in page
    assert "<h1>查找机关</h1>" in page
