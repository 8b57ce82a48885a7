"""Every defect fixture of tests/data sent over HTTP: refused with the same issues the CLI
finds, or (the valid ones, UTF-8 with BOM, GB18030, 2019 format) stored and read back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine

from conftest_db import bearer
from gongkai.package import ReportPackage, read_package
from gongkai.validation import validate

DATA = Path(__file__).resolve().parents[1] / "data"
FIXTURES = sorted(p.name for p in DATA.iterdir() if p.is_dir() and p.name != "importers")


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_over_http(
    client: FlaskClient, engine: Engine, admin_token: str, name: str
) -> None:
    folder = DATA / name
    package = read_package(folder)
    expected = validate(package)
    rows = list(csv.DictReader(io.StringIO(package.files.get("reports", b"").decode())))
    agency_id = (rows[0].get("agency_id") if rows else None) or "320813-fixture-agency"
    year = rows[0].get("year") if rows else "2023"
    sent = [*folder.glob("*.csv"), *folder.glob("datapackage.json")]  # as the CLI reads it
    files = {p.name: (io.BytesIO(p.read_bytes()), p.name) for p in sent}
    r = client.post(
        f"/api/v1/agencies/{agency_id}/reports/{year}", data=files, headers=bearer(admin_token)
    )
    if not expected.valid:
        assert r.status_code == 422, r.json
        assert sorted(i["code"] for i in r.json["issues"]) == sorted(
            i.code for i in expected.issues
        )
        return
    assert r.status_code == 201, r.json
    assert sorted(w["code"] for w in r.json["warnings"]) == sorted(
        i.code for i in expected.warnings
    )
    body = client.get(f"/api/v1/agencies/{agency_id}/reports/{year}").json
    assert body["format"] == expected.format
    for table, typed in expected.tables.items():
        got = client.get(f"/api/v1/agencies/{agency_id}/reports/{year}/{table}.csv").text
        served = validate(read_package_from_csv(table, got, package.files))
        assert served.tables[table] == typed, table


def read_package_from_csv(table: str, text: str, files: dict[str, bytes]) -> ReportPackage:
    return ReportPackage(source="served", files={**files, table: text.encode()})
