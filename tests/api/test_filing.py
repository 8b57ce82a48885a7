"""Filing over HTTP: receipts, versions, idempotency, registry and path checks, bad input."""

from __future__ import annotations

import csv
import io
import zipfile

from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select

from conftest_db import DATASETS, bearer, csv_files, registry_row, report_tables, zip_folder
from gongkai.package import package_from_zip
from gongkai.store.registry import create_token, load_agencies, revoke_token
from gongkai.store.tables import filings, rejections
from gongkai.validation import validate
from tests.api.huaian import HUAIAN, register_huaian

URL = f"/api/v1/agencies/{HUAIAN}/reports/2024"


def _multipart(files: dict[str, bytes]) -> dict[str, tuple[io.BytesIO, str]]:
    return {name: (io.BytesIO(data), name) for name, data in files.items()}


def test_file_zip_then_read_back_json_csv_and_package(client: FlaskClient, engine: Engine) -> None:
    register_huaian(engine)
    token = create_token(engine, "agency", HUAIAN)[1]
    body = zip_folder(DATASETS / "huaian-city-2024")
    r = client.post(URL, data=body, content_type="application/zip", headers=bearer(token))
    assert r.status_code == 201, r.json
    receipt = r.json
    assert receipt["version"] == 1 and receipt["created"] is True
    assert receipt["sha256"] == package_from_zip(body, "x").sha256
    assert r.headers["Location"] == receipt["url"]

    report = client.get(URL).json
    assert report["version"] == 1 and report["format"] == "2021"
    assert report["tables"]["proactive"][0]["fees_amount"] == 96171.6
    total = {r["item"]: r["total"] for r in report["tables"]["applications"]}
    assert (total["new_received"], total["results_total"], total["carried_forward"]) == (
        3119,
        3050,
        103,
    )

    # a table's CSV is exactly the CSV that was filed (same columns, same cells)
    filed = (DATASETS / "huaian-city-2024" / "applications.csv").read_text(encoding="utf-8")
    for url in (URL + "/applications.csv", URL + "/applications?format=csv"):
        got = client.get(url)
        assert got.status_code == 200 and got.mimetype == "text/csv"
        assert list(csv.reader(io.StringIO(got.text))) == list(csv.reader(io.StringIO(filed)))
    bom = client.get(URL + "/applications.csv?bom=1")
    assert (
        bom.data.startswith("\ufeff".encode())
        and bom.data[3:] == client.get(URL + "/applications.csv").data
    )

    package = client.get(URL + "/datapackage.zip")
    assert package.status_code == 200 and package.mimetype == "application/zip"
    result = validate(package_from_zip(package.data, "served"))
    assert result.valid, [i.to_dict("en") for i in result.errors]
    assert result.package.sha256 == receipt["sha256"]


def test_multipart_identical_is_idempotent_correction_is_version(
    client: FlaskClient, engine: Engine
) -> None:
    first = report_tables("320813-multi-test", 2023, region_code="320813", seed=1)
    load_agencies(engine, [registry_row(first)])
    token = create_token(engine, "region", "320800")[1]  # a city office files for its county
    url = "/api/v1/agencies/320813-multi-test/reports/2023"
    r1 = client.post(url, data=_multipart(csv_files(first)), headers=bearer(token))
    assert r1.status_code == 201, r1.json
    again = client.post(url, data=_multipart(csv_files(first)), headers=bearer(token))
    assert again.status_code == 200
    assert (again.json["version"], again.json["created"]) == (1, False)
    second = report_tables("320813-multi-test", 2023, region_code="320813", seed=2)
    r2 = client.post(url, data=_multipart(csv_files(second)), headers=bearer(token))
    assert (r2.status_code, r2.json["version"]) == (201, 2)

    versions = client.get("/api/v1/agencies/320813-multi-test/reports").json["items"]
    assert [(v["version"], v["current"]) for v in versions] == [(1, False), (2, True)]
    old = client.get(url + "/reviews?version=1").json["items"]
    new = client.get(url + "/reviews").json["items"]
    assert old == first["reviews"] and new == second["reviews"]


def test_invalid_package_is_422_with_every_issue_and_nothing_stored(
    client: FlaskClient, engine: Engine
) -> None:
    tables = report_tables("320813-bad-test", 2023, region_code="320813")
    tables["reviews"][0]["review_total"] += 1  # t4-total broken
    tables["applications"][0]["total"] += 1  # t3-row-total broken
    load_agencies(engine, [registry_row(tables)])
    token = create_token(engine, "agency", "320813-bad-test")[1]
    r = client.post(
        "/api/v1/agencies/320813-bad-test/reports/2023",
        data=_multipart(csv_files(tables)),
        headers=bearer(token),
    )
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    codes = {i["code"] for i in r.json["issues"] if i["severity"] == "error"}
    assert {"t4-total", "t3-row-total"} <= codes
    assert all(i["message"] and i["message_en"] for i in r.json["issues"])
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(filings)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(rejections)).scalar() == 1


def test_path_must_match_reports_csv(client: FlaskClient, engine: Engine) -> None:
    tables = report_tables("320813-path-test", 2023, region_code="320813")
    load_agencies(engine, [registry_row(tables)])
    token = create_token(engine, "admin")[1]
    r = client.post(
        "/api/v1/agencies/320813-path-test/reports/2022",
        data=_multipart(csv_files(tables)),
        headers=bearer(token),
    )
    assert r.status_code == 422 and r.json["code"] == "path-mismatch"


def test_unregistered_agency_needs_admin_which_registers_it(
    client: FlaskClient, engine: Engine
) -> None:
    tables = report_tables("511112-new-test", 2022, region_code="511112", agency_name="新机关")
    url = "/api/v1/agencies/511112-new-test/reports/2022"
    region = create_token(engine, "region", "510000")[1]
    refused = client.post(url, data=_multipart(csv_files(tables)), headers=bearer(region))
    assert refused.status_code == 404 and refused.json["code"] == "unknown-agency"
    admin = create_token(engine, "admin")[1]
    r = client.post(url, data=_multipart(csv_files(tables)), headers=bearer(admin))
    assert r.status_code == 201
    agency = client.get("/api/v1/agencies/511112-new-test").json
    assert agency == {
        "agency_id": "511112-new-test",
        "agency_name": "新机关",
        "region_code": "511112",
        "level": "county",
        "scope": "agency",
        "parent_id": None,
    }


def test_auth_refusals(client: FlaskClient, engine: Engine) -> None:
    tables = report_tables("320813-auth-test", 2023, region_code="320813")
    load_agencies(engine, [registry_row(tables)])
    url = "/api/v1/agencies/320813-auth-test/reports/2023"
    data = csv_files(tables)

    def post(headers: dict[str, str]) -> tuple[int, str, str]:
        r = client.post(url, data=_multipart(data), headers=headers)
        return r.status_code, r.json["code"], r.headers.get("WWW-Authenticate", "")

    assert post({}) == (401, "unauthorized", 'Bearer realm="gongkai"')
    assert post(bearer("gk_not-a-token"))[:2] == (401, "invalid-token")
    other_agency = create_token(engine, "agency", "320813-someone-else")[1]
    assert post(bearer(other_agency))[:2] == (403, "forbidden")
    outside = create_token(engine, "region", "321300")[1]  # 宿迁, not 淮安/洪泽
    assert post(bearer(outside))[:2] == (403, "forbidden")
    token_id, own = create_token(engine, "agency", "320813-auth-test")
    assert revoke_token(engine, str(token_id))
    assert post(bearer(own))[:2] == (401, "invalid-token")
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(filings)).scalar() == 0


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_bad_inputs_over_http(client: FlaskClient, engine: Engine, admin_token: str) -> None:
    tables = report_tables("320813-input-test", 2023, region_code="320813")
    load_agencies(engine, [registry_row(tables)])
    url = "/api/v1/agencies/320813-input-test/reports/2023"
    good = csv_files(tables)
    auth = bearer(admin_token)

    def post(data: bytes, content_type: str = "application/zip") -> tuple[int, str]:
        r = client.post(url, data=data, content_type=content_type, headers=auth)
        assert r.mimetype == "application/problem+json"
        return r.status_code, r.json["code"]

    assert post(b"not a zip at all") == (400, "bad-zip")
    assert post(b"a,b\n1,2\n", "text/csv") == (415, "unsupported-media-type")
    assert post(_zip({"../reports.csv": good["reports.csv"]})) == (422, "unsafe-path")
    assert post(_zip({"notes.txt": b"hello"})) == (415, "not-a-package")
    bomb = _zip({"reports.csv": good["reports.csv"], "proactive.csv": b"0" * 30_000_000})
    assert post(bomb)[0] == 413
    assert post(b"x" * 2_100_000) == (413, "too-large")  # over the app's 2 MB request limit
    broken_csv = {**good, "reviews.csv": b"agency_id,year\n\xff\xfe\x00garbage"}
    r = client.post(url, data=_multipart(broken_csv), headers=auth)
    assert r.status_code == 422 and r.json["issues"]
    missing = {k: v for k, v in good.items() if k != "applications.csv"}
    r = client.post(url, data=_multipart(missing), headers=auth)
    assert r.status_code == 422 and "table-shape" in {i["code"] for i in r.json["issues"]}


def test_multipart_field_names_name_the_tables(client: FlaskClient, engine: Engine) -> None:
    tables = report_tables("320813-field-test", 2023, region_code="320813")
    load_agencies(engine, [registry_row(tables)])
    token = create_token(engine, "agency", "320813-field-test")[1]
    data = {
        name.removesuffix(".csv"): (io.BytesIO(content), f"export-{i}.csv")
        for i, (name, content) in enumerate(csv_files(tables).items())
    }
    r = client.post(
        "/api/v1/agencies/320813-field-test/reports/2023", data=data, headers=bearer(token)
    )
    assert r.status_code == 201, r.json


def test_last_years_filing_feeds_the_continuity_rules(client: FlaskClient, engine: Engine) -> None:
    url = "/api/v1/agencies/320813-cont-test/reports/{}"
    last = report_tables("320813-cont-test", 2022, region_code="320813", seed=1)
    this = report_tables("320813-cont-test", 2023, region_code="320813", seed=2)
    load_agencies(engine, [registry_row(this)])
    token = create_token(engine, "agency", "320813-cont-test")[1]
    alone = client.post(url.format(2023), data=_multipart(csv_files(this)), headers=bearer(token))
    assert "carryover-continuity" not in {w["code"] for w in alone.json["warnings"]}
    r = client.post(url.format(2022), data=_multipart(csv_files(last)), headers=bearer(token))
    assert r.status_code == 201
    this["reports"][0]["source_url"] = "https://example.org/2023"  # a correction
    r = client.post(url.format(2023), data=_multipart(csv_files(this)), headers=bearer(token))
    assert r.status_code == 201 and r.json["version"] == 2
    assert "carryover-continuity" in {w["code"] for w in r.json["warnings"]}


def test_package_may_not_move_its_agency_to_another_region(
    client: FlaskClient, engine: Engine
) -> None:
    register_huaian(engine)
    token = create_token(engine, "region", "320800")[1]
    tables = report_tables(
        HUAIAN,
        2024,
        region_code="110101",
        level="city",
        scope="government",
        agency_name="淮安市人民政府",
    )
    r = client.post(
        URL,
        data=_multipart(csv_files(tables)),
        content_type="multipart/form-data",
        headers=bearer(token),
    )
    assert r.status_code == 422
    assert (r.json["code"], r.json["fields"]) == ("registry-mismatch", ["region_code"])
    assert client.get(URL).status_code == 404


def test_going_back_to_an_earlier_version_is_a_new_version(
    client: FlaskClient, engine: Engine
) -> None:
    register_huaian(engine)
    token = create_token(engine, "agency", HUAIAN)[1]
    first = zip_folder(DATASETS / "huaian-city-2024")
    corrected = report_tables(
        HUAIAN,
        2024,
        region_code="320800",
        level="city",
        scope="government",
        agency_name="淮安市人民政府",
    )
    sends = [
        (first, "application/zip"),
        (_multipart(csv_files(corrected)), "multipart/form-data"),
        (first, "application/zip"),
    ]
    versions = []
    for body, content_type in sends:
        r = client.post(URL, data=body, content_type=content_type, headers=bearer(token))
        assert r.status_code == 201, r.json
        versions.append(r.json["version"])
    assert versions == [1, 2, 3]
    assert client.get(URL).json["sha256"] == client.get(f"{URL}?version=1").json["sha256"]
