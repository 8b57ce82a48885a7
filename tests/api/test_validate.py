"""POST /validate: the verdict and every issue for a zip, CSV files or a filled workbook;
nothing stored, no refusal recorded, no token needed."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select

from conftest_db import DATASETS, registry_row, zip_folder
from gongkai.package import read_package
from gongkai.store.filings import file_report, new_filing
from gongkai.store.registry import load_agencies
from gongkai.store.tables import filings, rejections
from gongkai.template import SHEETS
from gongkai.validation import validate
from tests.paths import DATA

URL = "/api/v1/validate"
HONGZE_2023 = DATA / "hongze-2023-as-printed"


def _count(engine: Engine, table: object) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()  # type: ignore[arg-type]


def test_an_invalid_zip_is_a_200_with_every_issue_and_nothing_stored(
    client: FlaskClient, engine: Engine
) -> None:
    load_agencies(engine, [registry_row(validate(read_package(HONGZE_2023)).tables)])
    r = client.post(URL, data=zip_folder(HONGZE_2023), content_type="application/zip")
    assert r.status_code == 200 and r.mimetype == "application/json"
    body = r.json
    assert body["valid"] is False and body["format"] == "2021" and body["input"] == "zip"
    assert body["errors"] == 2 and body["warnings"] == 0
    assert body["report"] == {
        "agency_id": "320813-hongze-government",
        "year": 2023,
        "agency_name": "洪泽区人民政府",
        "region_code": "320813",
        "level": "county",
        "scope": "government",
    }
    assert [(i["code"], i["field"], i["expected"], i["found"]) for i in body["issues"]] == [
        ("t4-total", "review_total", 11, 0),
        ("t4-total", "suit_after_review_total", 5, 0),
    ]
    first = body["issues"][0]
    assert first["message"].endswith("总计为 0，但结果维持、结果纠正、其他结果、尚未审结之和为 11")
    assert first["message_en"].endswith("total is 0 but upheld + corrected + other + pending is 11")
    assert _count(engine, filings) == 0 and _count(engine, rejections) == 0


def test_valid_csv_files_as_multipart(client: FlaskClient, engine: Engine) -> None:
    folder = DATASETS / "huaian-city-2024"
    data = {p.stem: (io.BytesIO(p.read_bytes()), p.name) for p in folder.glob("*.csv")}
    r = client.post(URL, data=data, content_type="multipart/form-data")
    assert r.status_code == 200
    assert r.json["valid"] is True and r.json["input"] == "csv" and r.json["errors"] == 0
    assert r.json["sha256"] == read_package(folder).sha256
    assert _count(engine, filings) == 0


def test_continuity_with_the_stored_previous_year(client: FlaskClient, engine: Engine) -> None:
    before = validate(read_package(DATASETS / "suqian-city-2023"))
    load_agencies(engine, [registry_row(before.tables)])
    file_report(engine, new_filing(before))
    # 2024 with carried_over changed: the stored 2023 says otherwise (a warning)
    folder = DATASETS / "suqian-city-2024"
    files = {p.name: p.read_bytes() for p in folder.glob("*.csv")}
    lines = files["applications.csv"].decode().splitlines()
    row = next(n for n, line in enumerate(lines) if ",carried_over," in line)
    cells = lines[row].split(",")
    cells[3], cells[-1] = str(int(cells[3]) + 1), str(int(cells[-1]) + 1)
    lines[row] = ",".join(cells)
    files["applications.csv"] = ("\n".join(lines) + "\n").encode()
    data = {name.removesuffix(".csv"): (io.BytesIO(b), name) for name, b in files.items()}
    r = client.post(URL, data=data, content_type="multipart/form-data")
    codes = {i["code"] for i in r.json["issues"]}
    assert "carryover-continuity" in codes
    assert _count(engine, filings) == 1


def workbook_with_details(tmp_path: Path, change: dict[str, object] | None = None) -> bytes:
    """The template filled in with 淮安市 2024, its 报告信息 sheet too (no URL says who)."""
    from tests.api.test_filing_workbook import _huaian_workbook

    wb = openpyxl.load_workbook(io.BytesIO(_huaian_workbook(tmp_path, change)))
    details = wb["报告信息"]
    for row, value in (
        (2, "淮安市人民政府"),
        (3, "320800-huaian-government"),
        (4, "320800"),
        (5, "地市级（city）"),
        (6, "本级政府（government）"),
        (7, 2024),
    ):
        details.cell(row, 2, value)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_a_filled_workbook_reads_its_details_sheet(client: FlaskClient, tmp_path: Path) -> None:
    data = workbook_with_details(tmp_path, {f"{SHEETS['reviews']}!E5": 350})
    r = client.post(
        URL,
        data={"file": (io.BytesIO(data), "report.xlsx")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 200, r.json
    assert r.json["input"] == "xlsx" and r.json["report"]["agency_id"] == "320800-huaian-government"
    errors = [i for i in r.json["issues"] if i["severity"] == "error"]
    assert [(i["code"], i["field"], i["found"]) for i in errors] == [
        ("t4-total", "review_total", 350)
    ]


def test_unreadable_input_is_a_problem(client: FlaskClient, engine: Engine) -> None:
    r = client.post(URL, data=b"not a zip", content_type="application/zip")
    assert r.status_code == 400 and r.mimetype == "application/problem+json"
    assert r.json["code"] == "bad-zip" and "message_zh" in r.json
    r = client.post(URL, data="a,b\n", content_type="text/csv")
    assert r.status_code == 415 and r.json["code"] == "unsupported-media-type"
    assert r.json["message_zh"].startswith("请以 zip")
    r = client.post(URL, data={"note": "no file"}, content_type="multipart/form-data")
    assert r.status_code == 400 and r.json["code"] == "no-files"
    r = client.post(
        URL,
        data={"file": (io.BytesIO(b"PK\x03\x04broken"), "report.xlsx")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422 and r.json["code"] == "unreadable-workbook"
    assert _count(engine, rejections) == 0
