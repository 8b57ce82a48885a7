"""Parquet beside CSV: /tables/{table}.parquet and /export?format=parquet hold exactly what
the CSV of the same slice holds, typed by the schema (both databases).

Frictionless reads Parquet only with pyarrow, which gongkai does not install: the exported
descriptor is checked by Frictionless, the data by DuckDB against the CSV export."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from frictionless import Package
from sqlalchemy import Engine

from gongkai.standard import TABLE_NAMES
from slices import AGENCIES, YEAR, assert_same_cells, file_slice, parquet_rows, parquet_types

EXPECTED_TYPES = {
    "agency_id": ("BYTE_ARRAY", "UTF8"),
    "year": ("INT64", "INT_64"),
    "published_on": ("INT32", "DATE"),
    "fees_amount": ("INT64", "DECIMAL"),
    "total": ("INT64", "INT_64"),
}


@pytest.fixture
def filed(engine: Engine, tmp_path: Path) -> None:
    file_slice(engine, tmp_path / "packages")


def _parquet(client: FlaskClient, url: str, tmp_path: Path) -> Path:
    r = client.get(url, buffered=True)  # the body read whole: the file it came from closed
    assert r.status_code == 200, r.data[:300]
    assert r.mimetype == "application/vnd.apache.parquet"
    assert r.content_length == len(r.data)
    path = tmp_path / "answer.parquet"
    path.write_bytes(r.data)
    return path


QUERIES = [
    f"year={YEAR}",
    f"year={YEAR}&region=320800",
    f"year={YEAR}&level=city&scope=agency",
    f"year={YEAR}&agency_id=320813-pq-transport,321300-pq-health",
]


@pytest.mark.parametrize("table", TABLE_NAMES)
def test_a_table_as_parquet_is_its_csv_cell_for_cell(
    client: FlaskClient, filed: None, tmp_path: Path, table: str
) -> None:
    for query in QUERIES:
        path = _parquet(client, f"/api/v1/tables/{table}.parquet?{query}", tmp_path)
        csv_text = client.get(f"/api/v1/tables/{table}.csv?{query}").get_data(as_text=True)
        assert assert_same_cells(path, csv_text) == csv_text.count("\n") - 1, query
    everything = _parquet(client, f"/api/v1/tables/{table}?format=parquet&year={YEAR}", tmp_path)
    assert len(parquet_rows(everything)[1]) == len(AGENCIES) * (
        25 if table == "applications" else 1
    )


def test_parquet_columns_are_typed_by_the_schema(
    client: FlaskClient, filed: None, tmp_path: Path
) -> None:
    types = {}
    for table in ("reports", "proactive", "applications"):
        path = _parquet(client, f"/api/v1/tables/{table}.parquet?year={YEAR}", tmp_path)
        types.update(parquet_types(path))
    assert {name: types[name] for name in EXPECTED_TYPES} == EXPECTED_TYPES
    assert types["fees_amount"] == ("INT64", "DECIMAL")
    path = _parquet(client, f"/api/v1/tables/proactive.parquet?year={YEAR}", tmp_path)
    columns, rows = parquet_rows(path)
    fees = {row[0]: row[columns.index("fees_amount")] for row in rows}
    # exact decimals at both ends of the range, and a blank that stays NULL (not 0)
    assert {a: fees[a] for a, *_ in AGENCIES} == {a: f for a, *_, f in AGENCIES}


def test_selected_items_and_fields_as_parquet(
    client: FlaskClient, filed: None, tmp_path: Path
) -> None:
    query = f"year={YEAR}&item=new_received,granted&fields=total"
    path = _parquet(client, f"/api/v1/tables/applications.parquet?{query}", tmp_path)
    columns, rows = parquet_rows(path)
    assert columns == ["agency_id", "year", "item", "total"]
    assert {row[2] for row in rows} == {"new_received", "granted"}
    csv_text = client.get(f"/api/v1/tables/applications.csv?{query}").get_data(as_text=True)
    assert assert_same_cells(path, csv_text) == 2 * len(AGENCIES)


def test_an_empty_slice_is_an_empty_typed_file(
    client: FlaskClient, filed: None, tmp_path: Path
) -> None:
    path = _parquet(client, "/api/v1/tables/proactive.parquet?year=2023", tmp_path)
    columns, rows = parquet_rows(path)
    assert rows == [] and columns[:2] == ["agency_id", "year"]
    assert parquet_types(path)["fees_amount"] == ("INT64", "DECIMAL")


def test_parquet_refuses_pages_and_labels(client: FlaskClient, filed: None) -> None:
    for argument, value in (("limit", "5"), ("next", "WyJ4IiwyMDI0XQ"), ("labels", "zh")):
        r = client.get(f"/api/v1/tables/reviews.parquet?year={YEAR}&{argument}={value}")
        assert r.status_code == 400 and r.mimetype == "application/problem+json"
        assert r.json["argument"] == argument and r.json["message_zh"]
    r = client.get("/api/v1/tables/budget.parquet")
    assert (r.status_code, r.json["code"]) == (404, "unknown-table")


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def test_an_export_as_parquet_is_the_csv_export_typed(
    client: FlaskClient, filed: None, tmp_path: Path
) -> None:
    query = f"year={YEAR}&region=320800"
    as_csv = client.get(f"/api/v1/export?{query}")
    as_parquet = client.get(f"/api/v1/export?{query}&format=parquet")
    assert as_parquet.status_code == 200 and as_parquet.mimetype == "application/zip"
    assert (
        as_parquet.headers["Content-Disposition"]
        == (
            as_csv.headers["Content-Disposition"]  # attachment; filename="gongkai-2024-320800.zip"
        )
    )
    csv_members, parquet_members = _members(as_csv.data), _members(as_parquet.data)
    assert sorted(parquet_members) == sorted(
        ["datapackage.json", *(f"{t}.parquet" for t in TABLE_NAMES)]
    )
    csv_meta = json.loads(csv_members["datapackage.json"])
    parquet_meta = json.loads(parquet_members["datapackage.json"])
    # the same package but for its files: schemas, licence, name, title
    assert {k: v for k, v in parquet_meta.items() if k != "resources"} == {
        k: v for k, v in csv_meta.items() if k != "resources"
    }
    for csv_resource, resource in zip(
        csv_meta["resources"], parquet_meta["resources"], strict=True
    ):
        assert resource == {
            "name": csv_resource["name"],
            "type": "table",
            "path": f"{csv_resource['name']}.parquet",
            "format": "parquet",
            "mediatype": "application/vnd.apache.parquet",
            "schema": csv_resource["schema"],
        }
    report = Package.validate_descriptor(parquet_meta)
    assert report.valid, report.flatten(["type", "note"])
    rows = 0
    for table in TABLE_NAMES:
        path = tmp_path / f"{table}.parquet"
        path.write_bytes(parquet_members[f"{table}.parquet"])
        rows += assert_same_cells(path, csv_members[f"{table}.csv"].decode("utf-8"))
    assert rows == 4 * (1 + 1 + 25 + 1)  # the four reports under 320800


def test_export_filters_and_refusals(client: FlaskClient, filed: None) -> None:
    r = client.get(f"/api/v1/export?year={YEAR}&agency_id=320813-pq-education&format=parquet")
    assert r.status_code == 200
    with zipfile.ZipFile(io.BytesIO(r.data)) as archive:
        assert archive.getinfo("applications.parquet").compress_type == zipfile.ZIP_STORED
    r = client.get("/api/v1/export?year=2019&format=parquet")
    assert (r.status_code, r.json["code"]) == (404, "no-report")
    r = client.get(f"/api/v1/export?year={YEAR}&format=xlsx")
    assert (r.status_code, r.json["argument"]) == (400, "format")
