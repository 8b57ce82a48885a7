"""/coverage: counts of the slice (and per group), the agencies a page at a time with their
status, narrowed by status; the CSV streams every agency."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine

from conftest_db import report_tables
from gongkai.store.filings import NewFiling, file_report, record_rejection
from gongkai.store.registry import load_agencies

# agency -> (region, what it did in 2023): a publication date, "loaded" (no date), "refused"
# (only a refused package) or None (nothing)
AGENCIES = {
    "320803-cov-a": ("320803", "2024-01-20"),
    "320803-cov-b": ("320803", "2024-02-10"),
    "320803-cov-c": ("320803", "loaded"),
    "320803-cov-d": ("320803", "refused"),
    "320803-cov-e": ("320803", None),
    "320813-cov-f": ("320813", "2024-01-02"),
    "320813-cov-g": ("320813", "2024-03-01"),
    "320813-cov-h": ("320813", None),
    "321300-cov-i": ("321300", "loaded"),
    "321300-cov-j": ("321300", "refused"),
    "321300-cov-k": ("321300", None),
    "321300-cov-l": ("321300", "2024-01-31"),
}


def _status(did: str | None) -> str:
    if did is None:
        return "missing"
    if did in ("loaded", "refused"):
        return {"loaded": "unknown", "refused": "refused"}[did]
    return "late" if date.fromisoformat(did) > date(2024, 1, 31) else "filed"


EXPECTED = {agency_id: _status(did) for agency_id, (_, did) in AGENCIES.items()}


@pytest.fixture
def year_2023(engine: Engine) -> None:
    for agency_id, (region, did) in AGENCIES.items():
        tables = report_tables(agency_id, 2023, region_code=region)
        load_agencies(engine, [tables["reports"][0]])
        if did == "refused":
            record_rejection(engine, agency_id, 2023, "r".ljust(64, "0"), [{"code": "x"}])
        elif did is not None:
            if did != "loaded":
                tables["reports"][0]["published_on"] = date.fromisoformat(did)
            sha = agency_id.ljust(64, "0")
            file_report(engine, NewFiling(agency_id, 2023, "2021", sha, {}, tables))


def _counts(statuses: list[str]) -> dict[str, int]:
    valid = sum(s in ("filed", "late", "unknown") for s in statuses)
    refused = statuses.count("refused")
    return {
        "expected": len(statuses),
        "filed": valid + refused,
        "valid": valid,
        "late": statuses.count("late"),
        "unknown": statuses.count("unknown"),
        "refused": refused,
        "missing": statuses.count("missing"),
    }


def test_pages_walk_every_agency_once_with_its_status(client: FlaskClient, year_2023: None) -> None:
    url = "/api/v1/coverage?year=2023&limit=5"
    seen: dict[str, str] = {}
    pages = 0
    while url:
        r = client.get(url)
        assert r.status_code == 200, r.json
        body = r.json
        assert {k: body[k] for k in _counts([])} == _counts(list(EXPECTED.values()))
        assert body["total"] == 12 and len(body["items"]) <= 5
        for item in body["items"]:
            assert item["agency_id"] not in seen
            seen[item["agency_id"]] = item["status"]
        url = body["next"]
        assert (r.headers.get("Link") is None) == (url is None)
        pages += 1
    assert pages == 3
    assert list(seen) == sorted(EXPECTED) and seen == EXPECTED


@pytest.mark.parametrize("status", ["filed", "late", "unknown", "refused", "missing", "valid"])
def test_a_status_narrows_the_list_and_its_total(
    client: FlaskClient, year_2023: None, status: str
) -> None:
    body = client.get(f"/api/v1/coverage?year=2023&status={status}").json
    valid = ("filed", "late", "unknown")
    want = sorted(
        a for a, s in EXPECTED.items() if s == status or (status == "valid" and s in valid)
    )
    assert [item["agency_id"] for item in body["items"]] == want
    assert body["total"] == len(want) and body["status"] == status


def test_counts_per_group(client: FlaskClient, year_2023: None) -> None:
    body = client.get("/api/v1/coverage?year=2023&by=city&limit=1").json
    by_city: dict[str, list[str]] = {}
    for agency_id, (region, _) in AGENCIES.items():
        by_city.setdefault(region[:4] + "00", []).append(EXPECTED[agency_id])
    got = {g["group"]: {k: g[k] for k in _counts([])} for g in body["groups"]}
    assert got == {city: _counts(statuses) for city, statuses in by_city.items()}
    county = client.get("/api/v1/coverage?year=2023&region=320813").json
    assert county["expected"] == 3 and county["late"] == 1 and county["missing"] == 1


def test_the_csv_streams_every_agency(client: FlaskClient, year_2023: None) -> None:
    r = client.get("/api/v1/coverage.csv?year=2023")
    assert r.status_code == 200 and r.is_streamed
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert {row["agency_id"]: row["status"] for row in rows} == EXPECTED
    refused = client.get("/api/v1/coverage.csv?year=2023&status=refused").get_data(as_text=True)
    assert [row["agency_id"] for row in csv.DictReader(io.StringIO(refused))] == [
        "320803-cov-d",
        "321300-cov-j",
    ]


def test_an_unknown_status_is_a_400_naming_it(client: FlaskClient, year_2023: None) -> None:
    r = client.get("/api/v1/coverage?year=2023&status=late-ish")
    assert r.status_code == 400 and r.mimetype == "application/problem+json"
    assert "status" in r.get_data(as_text=True)
