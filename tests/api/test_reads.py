"""Public reads: keyset pages, full CSV streams, ETag/304, cache headers, CORS, OpenAPI."""

from __future__ import annotations

import base64
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine

from conftest_db import bearer, csv_files, registry_row, report_tables
from gongkai.store.registry import load_agencies

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def seven(client: FlaskClient, engine: Engine, admin_token: str) -> list[str]:
    ids = [f"320813-read-{i}" for i in range(7)]
    for agency_id in ids:
        tables = report_tables(agency_id, 2023, region_code="320813")
        load_agencies(engine, [registry_row(tables)])
        r = client.post(
            f"/api/v1/agencies/{agency_id}/reports/2023",
            data={n: (io.BytesIO(d), n) for n, d in csv_files(tables).items()},
            headers=bearer(admin_token),
        )
        assert r.status_code == 201
    return ids


def test_keyset_pages_cover_every_row_once(client: FlaskClient, seven: list[str]) -> None:
    seen = []
    url = "/api/v1/tables/applications?year=2023&limit=40"
    while url:
        r = client.get(url)
        body = r.json
        assert body["total"] == 7 * 25
        seen += [(row["agency_id"], row["item"]) for row in body["items"]]
        url = body["next"] or ""
        assert r.headers.get("Link") == (f'<{url}>; rel="next"' if url else None)
        assert not url or url.startswith("http://localhost/api/v1/tables/applications?")
    assert len(seen) == len(set(seen)) == 7 * 25
    assert [a for a, _ in seen[::25]] == seven


def test_full_csv_stream_has_schema_columns(client: FlaskClient, seven: list[str]) -> None:
    r = client.get("/api/v1/tables/reviews.csv?region=320800&bom=1")
    assert r.is_streamed and r.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["agency_id", "year", "review_upheld"] and len(rows[0]) == 17
    assert [row[0] for row in rows[1:]] == seven
    assert client.get("/api/v1/tables/reviews.csv?region=321300").text.count("\n") == 1


def test_etag_and_cache_headers(client: FlaskClient, seven: list[str]) -> None:
    url = f"/api/v1/agencies/{seven[0]}/reports/2023"
    current = client.get(url)
    assert current.headers["Cache-Control"] == "public, no-cache"
    pinned = client.get(url + "?version=1")
    assert "immutable" in pinned.headers["Cache-Control"]
    again = client.get(url + "?version=1", headers={"If-None-Match": pinned.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    csv_tag = client.get(url + "/reviews.csv?version=1").headers["ETag"]
    assert csv_tag != pinned.headers["ETag"]


def test_cors_for_reads(client: FlaskClient, seven: list[str]) -> None:
    r = client.get("/api/v1/agencies", headers={"Origin": "https://example.org"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_agencies_filters_and_pages(client: FlaskClient, seven: list[str]) -> None:
    body = client.get("/api/v1/agencies?region=320800&limit=5").json
    assert [a["agency_id"] for a in body["items"]] == seven[:5] and body["total"] == 7
    assert "region=320800" in body["next"] and "limit=5" in body["next"]
    rest = client.get(body["next"]).json
    assert [a["agency_id"] for a in rest["items"]] == seven[5:] and rest["next"] is None
    token = body["next"].split("next=")[1]  # a bare token is still accepted
    assert client.get(f"/api/v1/agencies?region=320800&limit=5&next={token}").json == rest
    none = client.get("/api/v1/agencies?region=510000")
    assert none.json == {"items": [], "total": 0, "next": None}
    text = client.get("/api/v1/agencies.csv?name=read-3").text
    assert text.splitlines()[0] == "agency_id,agency_name,region_code,level,scope,parent_id"
    assert len(text.splitlines()) == 2


def test_missing_report_is_404(client: FlaskClient, seven: list[str]) -> None:
    assert client.get(f"/api/v1/agencies/{seven[0]}/reports/2022").status_code == 404
    assert client.get(f"/api/v1/agencies/{seven[0]}/reports/2023?version=9").status_code == 404


def test_openapi_served_equals_checked_in(client: FlaskClient) -> None:
    served = client.get("/api/v1/openapi.json")
    checked_in = (ROOT / "api" / "openapi.json").read_text(encoding="utf-8")
    printed = subprocess.run(
        [sys.executable, "-m", "gongkai.api"], capture_output=True, text=True, check=True
    ).stdout
    assert served.get_data(as_text=True) == checked_in == printed
    spec = json.loads(checked_in)
    assert spec["openapi"] == "3.0.3"
    assert "/agencies/{agency_id}/reports/{year}" in spec["paths"]


def test_2019_format_across_agencies(client: FlaskClient, admin_token: str) -> None:
    folder = ROOT / "tests" / "data" / "format-2019-valid"
    rows = list(csv.DictReader(io.StringIO((folder / "reports.csv").read_text(encoding="utf-8"))))
    agency_id, year = rows[0]["agency_id"], rows[0]["year"]
    files = {p.name: (io.BytesIO(p.read_bytes()), p.name) for p in folder.glob("*.csv")}
    r = client.post(
        f"/api/v1/agencies/{agency_id}/reports/{year}", data=files, headers=bearer(admin_token)
    )
    assert r.status_code == 201, r.json
    body = client.get(f"/api/v1/tables/proactive?year={year}").json
    assert body["format"] == "2019" and "procurement_amount" in body["items"][0]
    header = client.get(f"/api/v1/tables/proactive.csv?year={year}").text.splitlines()[0]
    assert header == (folder / "proactive.csv").read_text(encoding="utf-8").splitlines()[0]
    assert (
        client.get(f"/api/v1/tables/proactive?year={year}&report_format=2021").json["items"] == []
    )
    agg = client.get(f"/api/v1/aggregate/applications?year={year}&by=province&scope=all").json
    items = [row["item"] for row in agg["items"][0]["rows"]]
    assert "other" in items and "other_other" not in items and len(items) == 23


def test_pages_step_through_years_of_one_agency(
    client: FlaskClient, engine: Engine, admin_token: str
) -> None:
    for agency_id in ("320813-page-a", "320813-page-b"):
        for year in (2022, 2023):
            tables = report_tables(agency_id, year, region_code="320813")
            load_agencies(engine, [registry_row(tables)])
            r = client.post(
                f"/api/v1/agencies/{agency_id}/reports/{year}",
                data={n: (io.BytesIO(d), n) for n, d in csv_files(tables).items()},
                headers=bearer(admin_token),
            )
            assert r.status_code == 201
    seen, url = [], "/api/v1/tables/reviews?limit=1"
    while url:
        body = client.get(url).json
        seen += [(row["agency_id"], row["year"]) for row in body["items"]]
        url = body["next"] or ""
    assert seen == [
        ("320813-page-a", 2022),
        ("320813-page-a", 2023),
        ("320813-page-b", 2022),
        ("320813-page-b", 2023),
    ]


def test_csv_page_link_keeps_the_query(client: FlaskClient, seven: list[str]) -> None:
    url = "/api/v1/tables/reviews.csv?year=2023&region=320813&limit=3"
    seen: list[str] = []
    while url:
        r = client.get(url)
        seen += [row["agency_id"] for row in csv.DictReader(io.StringIO(r.text))]
        link = r.headers.get("Link", "")
        assert not link or ("year=2023" in link and "region=320813" in link)
        url = link[1 : link.index(">")] if link else ""
    assert seen == seven


@pytest.mark.parametrize(
    "token",
    [[None, None], ["a", 10**22], ["a", "b"], ["a", True], ["a" * 300, 2023]],
)
def test_hand_made_page_tokens_are_400(
    client: FlaskClient, seven: list[str], token: list[object]
) -> None:
    raw = base64.urlsafe_b64encode(json.dumps(token).encode()).decode()
    r = client.get(f"/api/v1/tables/reviews?year=2023&next={raw}")
    assert r.status_code == 400
    assert r.json["argument"] == "next"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/agencies/320813-read-0/reports/99999999999999999999",
        "/api/v1/agencies/320813-read-0/reports/99999999999",
        "/api/v1/agencies/320813-read-0/reports/2023?version=99999999999",
    ],
)
def test_numbers_out_of_range_are_refused_not_500(
    client: FlaskClient, seven: list[str], path: str
) -> None:
    assert client.get(path).status_code in (400, 404)


def test_weak_if_none_match_gives_304(client: FlaskClient, seven: list[str]) -> None:
    url = f"/api/v1/agencies/{seven[0]}/reports/2023"
    etag = client.get(url).headers["ETag"]
    weak = etag if etag.startswith("W/") else f"W/{etag}"
    assert client.get(url, headers={"If-None-Match": weak}).status_code == 304
