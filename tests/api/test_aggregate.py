"""Aggregates against sums computed here from the packages' CSV files; coverage; export."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine

from conftest_db import bearer, csv_files, registry_row, report_tables
from gongkai.package import package_from_zip
from gongkai.store.registry import load_agencies
from gongkai.validation import validate

# (agency_id, region_code, level, scope, blank proactive cells)
AGENCIES = [
    ("320813-agg-education", "320813", "county", "agency", ()),
    ("320813-agg-transport", "320813", "county", "agency", ("fees_amount",)),
    ("320803-agg-police", "320803", "county", "agency", ("fees_amount", "penalty_decisions")),
    ("320800-agg-finance-bureau", "320800", "city", "agency", ()),
    ("320800-agg-government", "320800", "city", "government", ()),
    ("321300-agg-health", "321300", "city", "agency", ()),
]
NOT_FILED = [("320813-agg-silent", "320813", "county", "agency")]


@pytest.fixture
def filed(client: FlaskClient, engine: Engine, admin_token: str) -> dict[str, dict[str, bytes]]:
    """Files the packages above over HTTP (one twice: only the correction counts)."""
    files = {}
    load_agencies(
        engine,
        [
            {"agency_id": a, "agency_name": a, "region_code": r, "level": lv, "scope": s}
            for a, r, lv, s in NOT_FILED
        ],
    )
    for agency_id, region, level, scope, blanks in AGENCIES:
        for seed in (0, 1) if agency_id.endswith("finance-bureau") else (0,):
            tables = report_tables(
                agency_id,
                2023,
                region_code=region,
                level=level,
                scope=scope,
                blank_proactive=blanks,
                seed=seed,
            )
            load_agencies(engine, [registry_row(tables)])
            files[agency_id] = csv_files(tables)
            r = client.post(
                f"/api/v1/agencies/{agency_id}/reports/2023",
                data={n: (io.BytesIO(d), n) for n, d in files[agency_id].items()},
                headers=bearer(admin_token),
            )
            assert r.status_code == 201, r.json
    return files


def _expected(files: dict[str, dict[str, bytes]], table: str, key_of, scope: str = "agency"):
    """Per group and item: {column: (sum or None, reported, blank)} straight from the CSVs."""
    out: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(lambda: [None, 0, 0])))
    for agency_id, region, level, agency_scope, _ in AGENCIES:
        if agency_scope != scope:
            continue
        rows = csv.DictReader(io.StringIO(files[agency_id][f"{table}.csv"].decode()))
        for row in rows:
            item = row.get("item", "")
            for column, text in row.items():
                if column in ("agency_id", "year", "item"):
                    continue
                cell = out[key_of(region, level)][item][column]
                if text == "":
                    cell[2] += 1
                else:
                    cell[0] = (cell[0] or 0) + Decimal(text)
                    cell[1] += 1
    return out


@pytest.mark.parametrize(
    ("by", "key_of"),
    [
        ("province", lambda r, lv: r[:2] + "0000"),
        ("city", lambda r, lv: r[:4] + "00"),
        ("county", lambda r, lv: r),
        ("level", lambda r, lv: lv),
    ],
)
@pytest.mark.parametrize("table", ["proactive", "applications", "reviews"])
def test_sums_and_counts_match_the_csv_files(
    client: FlaskClient, filed: dict, by: str, key_of, table: str
) -> None:
    body = client.get(f"/api/v1/aggregate/{table}?year=2023&by={by}").json
    expected = _expected(filed, table, key_of)
    got = {}
    for group in body["items"]:
        for row in group["rows"]:
            got.setdefault(group["group"], {})[row.get("item", "")] = {
                c: [row["sums"][c], row["reported"][c], row["blank"][c]] for c in row["sums"]
            }
    want = {
        g: {
            i: {
                c: [None if s is None else float(s) if s % 1 else int(s), n, b]
                for c, (s, n, b) in cols.items()
            }
            for i, cols in items.items()
        }
        for g, items in expected.items()
    }
    assert got == want


def test_blank_is_counted_not_summed_as_zero(client: FlaskClient, filed: dict) -> None:
    body = client.get("/api/v1/aggregate/proactive?year=2023&by=county&region=320800").json
    group = next(g for g in body["items"] if g["group"] == "320803")
    row = group["rows"][0]
    assert row["sums"]["fees_amount"] is None  # its only report left it blank
    assert (row["reported"]["fees_amount"], row["blank"]["fees_amount"]) == (0, 1)


def test_coverage_in_aggregate_and_scope_default(client: FlaskClient, filed: dict) -> None:
    body = client.get("/api/v1/aggregate/reviews?year=2023&by=county&region=320813").json
    (group,) = body["items"]
    assert group["group"] == "320813" and group["reports"] == 2
    cov = group["coverage"]
    assert (cov["expected"], cov["filed"], cov["valid"]) == (3, 2, 2)
    # the group's coverage counts; its agencies are a page of /coverage away
    assert (cov["missing"], cov["refused"], cov["late"]) == (1, 0, 2)
    listed = client.get(cov["agencies"] + "&status=missing").json
    assert [a["agency_id"] for a in listed["items"]] == ["320813-agg-silent"]
    assert listed["total"] == 1 and listed["missing"] == 1
    gov = client.get("/api/v1/aggregate/reviews?year=2023&by=city&scope=government").json
    assert [(g["group"], g["reports"]) for g in gov["items"]] == [("320800", 1)]


def test_aggregate_csv_has_group_then_value_columns(client: FlaskClient, filed: dict) -> None:
    text = client.get("/api/v1/aggregate/applications.csv?year=2023&by=province").text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "group",
        "group_name",
        "scope",
        "item",
        "natural_person",
        "commercial",
        "research",
        "nonprofit",
        "legal_services",
        "other_org",
        "total",
    ]
    assert {(r[0], r[1], r[2]) for r in rows[1:]} == {("320000", "江苏省", "agency")}
    assert len(rows) == 1 + 25


def test_coverage_endpoint_late_and_missing(
    client: FlaskClient, engine: Engine, filed: dict
) -> None:
    body = client.get("/api/v1/coverage?year=2023&region=320800").json
    assert (body["expected"], body["filed"], body["valid"]) == (6, 5, 5)
    # filed today, long after 31 January / 31 March 2024: all late
    statuses = {r["agency_id"]: r["status"] for r in body["items"]}
    assert body["total"] == len(statuses) == 6 and body["next"] is None
    # filed today, long after 31 January / 31 March 2024: all late
    assert body["late"] == 5 and list(statuses.values()).count("late") == 5
    assert [a for a, status in statuses.items() if status == "missing"] == ["320813-agg-silent"]
    text = client.get("/api/v1/coverage.csv?year=2023&region=320813").text
    statuses = {r["agency_id"]: r["status"] for r in csv.DictReader(io.StringIO(text))}
    assert statuses == {
        "320813-agg-education": "late",
        "320813-agg-transport": "late",
        "320813-agg-silent": "missing",
    }


def test_published_on_decides_lateness(
    client: FlaskClient, engine: Engine, admin_token: str
) -> None:
    for agency_id, published, scope in [
        ("320813-ontime", "2024-01-20", "agency"),
        ("320813-late", "2024-02-01", "agency"),
        ("320813-gov-ontime", "2024-03-31", "government"),
    ]:
        tables = report_tables(
            agency_id, 2023, region_code="320813", scope=scope, published_on=published
        )
        load_agencies(engine, [registry_row(tables)])
        r = client.post(
            f"/api/v1/agencies/{agency_id}/reports/2023",
            data={n: (io.BytesIO(d), n) for n, d in csv_files(tables).items()},
            headers=bearer(admin_token),
        )
        assert r.status_code == 201, r.json
    body = client.get("/api/v1/coverage?year=2023").json
    assert {r["agency_id"]: r["status"] for r in body["items"]} == {
        "320813-ontime": "filed",
        "320813-late": "late",
        "320813-gov-ontime": "filed",
    }


def test_export_is_one_valid_package(client: FlaskClient, filed: dict) -> None:
    r = client.get("/api/v1/export?year=2023&region=320800")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    result = validate(package_from_zip(r.data, "export"))
    assert result.valid, [i.to_dict("en") for i in result.errors]
    assert sorted(row["agency_id"] for row in result.tables["reports"]) == sorted(
        a for a, r, *_ in AGENCIES if r.startswith("3208")
    )
    assert len(result.tables["applications"]) == 5 * 25


def test_export_of_an_empty_slice_is_404_said_so(client: FlaskClient, filed: dict) -> None:
    for query in ("year=2023&region=110000", "year=2019"):
        r = client.get(f"/api/v1/export?{query}")
        assert r.status_code == 404
        assert r.mimetype == "application/problem+json"
        assert r.json["code"] == "no-report" and r.json["message_zh"]
