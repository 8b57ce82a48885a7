"""What analysts use: the index and docs page, the list envelope, /tables filters, Chinese
CSVs, region names and the scope aggregates counted."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine

from conftest_db import bearer, csv_files, registry_row, report_tables
from gongkai.standard import load_standard
from gongkai.store.registry import load_agencies

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "src" / "gongkai" / "api" / "static"

# (agency_id, name, region_code, level, scope): two departments of 洪泽区, its government, and
# the government of 淮安市 (which names the city group)
FILERS = [
    ("320813-an-education", "淮安市洪泽区教育局", "320813", "county", "agency"),
    ("320813-an-transport", "淮安市洪泽区交通运输局", "320813", "county", "agency"),
    ("320813-an-government", "淮安市洪泽区人民政府", "320813", "county", "government"),
    ("320800-an-government", "淮安市人民政府", "320800", "city", "government"),
]


@pytest.fixture
def filed(client: FlaskClient, engine: Engine, admin_token: str) -> list[str]:
    for agency_id, name, region, level, scope in FILERS:
        tables = report_tables(
            agency_id, 2023, region_code=region, level=level, scope=scope, agency_name=name
        )
        load_agencies(engine, [registry_row(tables)])
        r = client.post(
            f"/api/v1/agencies/{agency_id}/reports/2023",
            data={n: (io.BytesIO(d), n) for n, d in csv_files(tables).items()},
            headers=bearer(admin_token),
        )
        assert r.status_code == 201, r.json
    return [a for a, *_ in FILERS]


def test_index_lists_every_operation_of_the_document(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").json
    r = client.get("/api/v1/")
    assert r.status_code == 200 and r.mimetype == "application/json"
    body = r.json
    operations = {
        (method.upper(), "/api/v1" + path, operation["operationId"])
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    }
    listed = {(e["method"], e["path"], e["operation_id"]) for e in body["items"]}
    assert listed == operations and body["total"] == len(operations) and body["next"] is None
    assert ("GET", "/api/v1/tables/{table}", "listTableRows") in listed
    files = next(e for e in body["items"] if e["operation_id"] == "fileReport")
    assert files["docs"] == "http://localhost/api/v1/docs#/filing/fileReport"
    assert body["openapi"] == "http://localhost/api/v1/openapi.json"


def test_docs_page_is_served_from_the_package(client: FlaskClient) -> None:
    moved = client.get("/docs")
    assert (moved.status_code, moved.headers["Location"]) == (301, "/api/v1/docs")
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert 'data-openapi="/api/v1/openapi.json"' in html
    assert "//" not in html.replace("<!doctype html>", "")  # no CDN: every URL is ours
    for asset in ("swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-ui.css", "docs.js"):
        assert f"/api/v1/docs/static/{asset}" in html
        r = client.get(f"/api/v1/docs/static/{asset}")
        assert r.status_code == 200 and r.data == (STATIC / asset).read_bytes()
        r.close()
    readme = (STATIC / "swagger-ui" / "README.md").read_text(encoding="utf-8")
    assert "`swagger-ui-dist` 5.35.0" in readme
    assert "swagger-ui-dist 5.35.0" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_every_operation_has_an_id_and_problem_allows_extensions(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").json
    ids = [op["operationId"] for methods in spec["paths"].values() for op in methods.values()]
    assert len(ids) == len(set(ids)) == 17  # 17 operations, each named once
    problem = spec["components"]["schemas"]["Problem"]
    assert problem["additionalProperties"] is True
    assert {"errors", "message_zh", "issues", "argument", "code"} <= set(problem["properties"])
    for path in ("/agencies.csv", "/coverage.csv"):
        assert list(spec["paths"][path]["get"]["responses"]["200"]["content"]) == ["text/csv"]
    for methods in spec["paths"].values():
        for operation in methods.values():
            assert {"405", "414", "500"} <= set(operation["responses"])


def test_lists_share_one_envelope(client: FlaskClient, filed: list[str]) -> None:
    lists = {
        "/api/v1/agencies": 4,
        "/api/v1/agencies/320813-an-education/reports": 1,
        "/api/v1/agencies/320813-an-education/reports/2023/reviews": 1,
        "/api/v1/tables/reviews": 4,
        "/api/v1/aggregate/reviews?year=2023&by=city": 1,
        "/api/v1/coverage?year=2023": 4,
    }
    for url, total in lists.items():
        body = client.get(url).json
        assert list(body)[-3:] == ["items", "total", "next"], url
        assert (len(body["items"]), body["total"], body["next"]) == (total, total, None), url


def test_next_is_a_full_url_with_a_link_header_and_limit_is_capped(
    client: FlaskClient, filed: list[str]
) -> None:
    r = client.get("/api/v1/tables/reviews?limit=3&scope=agency&agency_id=320813-an-education")
    assert r.json["next"] is None and "Link" not in r.headers
    r = client.get("/api/v1/tables/applications?limit=30&year=2023")
    body = r.json
    assert body["total"] == 4 * 25 and len(body["items"]) == 30
    assert body["next"].startswith("http://localhost/api/v1/tables/applications?")
    assert r.headers["Link"] == f'<{body["next"]}>; rel="next"'
    later = client.get(body["next"]).json
    assert later["total"] == 100 and len(later["items"]) == 30  # counted once, on page one
    capped = client.get("/api/v1/tables/applications?limit=500&year=2023").json  # page_max 50
    assert len(capped["items"]) == 50 and capped["total"] == 100


def test_the_total_is_counted_on_the_first_page_and_carried(
    client: FlaskClient, engine: Engine, filed: list[str]
) -> None:
    first = client.get("/api/v1/agencies?limit=3").json
    assert first["total"] == 4
    load_agencies(
        engine,
        [
            {
                "agency_id": "320813-an-new",
                "agency_name": "新",
                "region_code": "320813",
                "level": "county",
                "scope": "agency",
            }
        ],
    )
    assert client.get(first["next"]).json["total"] == 4  # the walk's count
    assert client.get("/api/v1/agencies?limit=3").json["total"] == 5  # a new walk counts


def test_tables_filter_by_agency_item_and_fields(client: FlaskClient, filed: list[str]) -> None:
    two = ["320813-an-education", "320800-an-government"]
    repeated = client.get(f"/api/v1/tables/reviews?agency_id={two[0]}&agency_id={two[1]}").json
    commas = client.get(f"/api/v1/tables/reviews?agency_id={','.join(two)}").json
    assert repeated == commas
    assert [r["agency_id"] for r in commas["items"]] == sorted(two) and commas["total"] == 2
    body = client.get(
        "/api/v1/tables/applications?item=granted,new_received&fields=total,natural_person"
    ).json
    assert body["total"] == 8
    assert {r["item"] for r in body["items"]} == {"granted", "new_received"}
    assert list(body["items"][0]) == ["agency_id", "year", "item", "natural_person", "total"]
    text = client.get("/api/v1/tables/reviews.csv?fields=review_total&agency_id=" + two[0]).text
    assert text.splitlines()[0] == "agency_id,year,review_total"


@pytest.mark.parametrize(
    ("query", "argument", "allowed"),
    [
        ("applications?item=granted,grantd", "item", "items of applications"),
        ("reviews?item=granted", "item", []),
        ("reviews?fields=review_totl", "fields", "fields of reviews"),
    ],
)
def test_unknown_names_are_400_with_the_allowed_values(
    client: FlaskClient, query: str, argument: str, allowed: object
) -> None:
    r = client.get(f"/api/v1/tables/{query}")
    assert r.status_code == 400 and r.mimetype == "application/problem+json"
    assert r.json["argument"] == argument
    table = load_standard().formats["2021"].tables[query.split("?")[0]]
    want = {
        "items of applications": table.item_codes,
        "fields of reviews": table.field_names,
    }.get(str(allowed), allowed)
    assert r.json["allowed"] == want


def test_chinese_csv_on_request_machine_csv_by_default(
    client: FlaskClient, filed: list[str]
) -> None:
    url = "/api/v1/tables/applications.csv?agency_id=320813-an-education&item=granted"
    machine = list(csv.reader(io.StringIO(client.get(url).text)))
    people = list(csv.reader(io.StringIO(client.get(url + "&labels=zh").text)))
    table = load_standard().formats["2021"].tables["applications"]
    assert machine[0] == table.field_names and machine[1][2] == "granted"
    assert people[0] == [f.title for f in table.fields]
    assert people[0][:3] == ["机关标识", "统计年度", "事项"]
    assert people[1][2] == table.item("granted").label  # type: ignore[union-attr]
    assert people[1][3:] == machine[1][3:]  # the figures are the same
    one = client.get(
        "/api/v1/agencies/320813-an-education/reports/2023/applications.csv?labels=zh"
    ).text
    assert one.splitlines()[0].startswith("机关标识,统计年度,事项,自然人")
    registry = client.get("/api/v1/agencies.csv?labels=zh").text.splitlines()[0]
    assert registry == "机关标识,机关名称,行政区划代码,层级,报告范围,上级机关标识"
    cov = client.get("/api/v1/coverage.csv?year=2023&labels=zh").text.splitlines()[0]
    assert cov.startswith("机关标识,机关名称,行政区划代码,行政区划名称,报送状态")


def test_region_names_beside_codes(client: FlaskClient, filed: list[str]) -> None:
    names = {
        by: {
            g["group"]: g["name"]
            for g in client.get(f"/api/v1/aggregate/reviews?year=2023&by={by}&scope=all").json[
                "items"
            ]
        }
        for by in ("province", "city", "county", "level")
    }
    assert names["province"] == {"320000": "江苏省"}  # GB/T 2260 provinces
    assert names["city"] == {"320800": "淮安市"}  # its government in the registry
    assert names["county"] == {"320800": "淮安市", "320813": "淮安市洪泽区"}
    assert names["level"] == {"city": None, "county": None}
    rows = client.get("/api/v1/aggregate/reviews.csv?year=2023&by=county&scope=all").text
    assert rows.splitlines()[1].startswith("320800,淮安市,all,")
    coverage = client.get("/api/v1/coverage?year=2023").json["items"]
    assert {c["region_code"]: c["region_name"] for c in coverage} == names["county"]


def test_aggregates_state_their_scope(client: FlaskClient, filed: list[str]) -> None:
    city = client.get("/api/v1/aggregate/reviews?year=2023&region=320800&by=city").json
    assert city["scope"] == "agency"
    assert [g["reports"] for g in city["items"]] == [2]  # the two departments
    assert "2 government report(s)" in city["note"] and "scope=all" in city["note"]
    only_gov = client.get("/api/v1/aggregate/reviews?year=2023&region=320800&level=city").json
    assert only_gov["items"] == [] and only_gov["scope"] == "agency"
    assert only_gov["note"].startswith("scope=agency counted no report: this slice has only")
    everything = client.get("/api/v1/aggregate/reviews?year=2023&by=city&scope=all").json
    assert (everything["scope"], everything["note"]) == ("all", None)
    assert [g["reports"] for g in everything["items"]] == [4]
    gov_csv = client.get("/api/v1/aggregate/reviews.csv?year=2023&by=city&scope=government")
    rows = list(csv.DictReader(io.StringIO(gov_csv.text)))
    assert [(r["group"], r["scope"]) for r in rows] == [("320800", "government")]
    assert client.get("/api/v1/coverage?year=2023").json["scope"] == "all"
    assert client.get("/api/v1/coverage?year=2023&scope=agency").json["scope"] == "agency"
