"""Filing the filled Excel template: the same figures as the CSV package, the same engine."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
from flask.testing import FlaskClient
from sqlalchemy import Engine

from conftest_db import DATASETS, bearer, registry_row
from gongkai.package import read_package
from gongkai.standard import load_standard
from gongkai.store.registry import create_token, load_agencies
from gongkai.template import SHEETS, write_template
from gongkai.validation import validate
from tests.template_cells import data_cells

HUAIAN = "320800-huaian-government"
URL = f"/api/v1/agencies/{HUAIAN}/reports/2024"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _huaian_workbook(tmp_path: Path, change: dict[str, object] | None = None) -> bytes:
    """The template filled in with 淮安市 2024 as printed (details sheet left blank)."""
    tables = validate(read_package(DATASETS / "huaian-city-2024")).tables
    fmt = load_standard().format("2021")
    path = write_template(tmp_path / "huaian.xlsx", "2021")
    wb = openpyxl.load_workbook(path)
    for table, sheet in SHEETS.items():
        names = [f.name for f in fmt.table(table).value_fields]
        values = [row[name] for row in tables[table] for name in names]
        cells = data_cells(wb[sheet])
        assert len(cells) == len(values)
        for cell, value in zip(cells, values, strict=True):
            cell.value = float(value) if isinstance(value, Decimal) else value
    for coordinate, value in (change or {}).items():
        sheet, _, cell = coordinate.partition("!")
        wb[sheet][cell] = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _register(engine: Engine) -> str:
    load_agencies(
        engine, [registry_row(validate(read_package(DATASETS / "huaian-city-2024")).tables)]
    )
    return create_token(engine, "agency", HUAIAN)[1]


def test_filled_template_files_the_same_figures_as_the_csv_package(
    client: FlaskClient, engine: Engine, tmp_path: Path
) -> None:
    token = _register(engine)
    body = _huaian_workbook(tmp_path)
    r = client.post(URL, data=body, content_type=XLSX, headers=bearer(token))
    assert r.status_code == 201, r.json
    stored = client.get(URL).json["tables"]
    expected = validate(read_package(DATASETS / "huaian-city-2024")).tables
    assert stored["applications"] == [dict(row) for row in expected["applications"]]
    assert stored["reviews"] == [dict(row) for row in expected["reviews"]]
    assert stored["proactive"][0]["fees_amount"] == 96171.6
    assert stored["reports"][0]["agency_name"] == "淮安市人民政府"  # from the registry
    # the same workbook again, as a multipart upload: the same package, the earlier receipt
    again = client.post(
        URL,
        data={"file": (io.BytesIO(body), "淮安2024.xlsx")},
        content_type="multipart/form-data",
        headers=bearer(token),
    )
    assert again.status_code == 200 and again.json["version"] == 1


def test_workbook_with_broken_sums_is_refused_with_its_issues(
    client: FlaskClient, engine: Engine, tmp_path: Path
) -> None:
    token = _register(engine)
    sheet = SHEETS["reviews"]
    wb = openpyxl.load_workbook(io.BytesIO(_huaian_workbook(tmp_path)))
    total = data_cells(wb[sheet])[4]  # review_total
    body = _huaian_workbook(tmp_path, {f"{sheet}!{total.coordinate}": 350})
    r = client.post(URL, data=body, content_type=XLSX, headers=bearer(token))
    assert r.status_code == 422
    assert r.headers["Content-Type"] == "application/problem+json"
    assert [(i["code"], i["field"], i["expected"], i["found"]) for i in r.json["issues"]] == [
        ("t4-total", "review_total", 351, 350)
    ]


def test_a_file_that_is_no_workbook_is_a_clear_problem(client: FlaskClient, engine: Engine) -> None:
    token = _register(engine)
    r = client.post(URL, data=b"PK\x03\x04 not really", content_type=XLSX, headers=bearer(token))
    assert r.status_code == 422
    assert r.json["code"] == "unreadable-workbook"
    assert r.json["message_zh"]
