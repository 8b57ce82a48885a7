"""Every hostile or careless input of issue 9 answers with a clear 4xx problem (with
message_zh) and stores nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import csv
import io
import json
import random
import zipfile

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from conftest_db import bearer
from gongkai.store.registry import load_agencies
from gongkai.store.tables import agencies, filings, rejections
from tests import hostile
from tests.api.huaian import register_huaian

FILE_URL = f"/api/v1/agencies/{hostile.AGENCY_ID}/reports/{hostile.YEAR}"
VALIDATE_URL = "/api/v1/validate"


def _stored(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (filings, rejections, agencies)
        )


def _assert_problem(response: object, status: int, code: str) -> None:
    r = response
    assert r.status_code == status, r.get_data(as_text=True)  # type: ignore[attr-defined]
    assert r.mimetype == "application/problem+json"  # type: ignore[attr-defined]
    body = r.json  # type: ignore[attr-defined]
    assert body["code"] == code and body["status"] == status
    assert body["message_zh"] and body["detail"]


@pytest.mark.parametrize("name", sorted(hostile.DAMAGED_ZIPS))
def test_a_damaged_zip_is_a_400_when_validated_and_filed(
    name: str, client: FlaskClient, engine: Engine, admin_token: str
) -> None:
    register_huaian(engine)
    before = _stored(engine)
    data = hostile.DAMAGED_ZIPS[name]()
    _assert_problem(
        client.post(VALIDATE_URL, data=data, content_type="application/zip"), 400, "bad-zip"
    )
    r = client.post(
        FILE_URL, data=data, content_type="application/zip", headers=bearer(admin_token)
    )
    _assert_problem(r, 400, "bad-zip")
    assert _stored(engine) == before


@pytest.mark.parametrize("name", sorted(hostile.BAD_DESCRIPTORS))
def test_a_descriptor_that_is_no_descriptor_is_a_422(
    name: str, client: FlaskClient, engine: Engine, admin_token: str
) -> None:
    register_huaian(engine)
    before = _stored(engine)
    data = hostile.zip_of(hostile.BAD_DESCRIPTORS[name]())
    r = client.post(VALIDATE_URL, data=data, content_type="application/zip")
    _assert_problem(r, 422, "bad-descriptor")
    r = client.post(
        FILE_URL, data=data, content_type="application/zip", headers=bearer(admin_token)
    )
    _assert_problem(r, 422, "bad-descriptor")
    files = hostile.BAD_DESCRIPTORS[name]()
    multipart = {n: (io.BytesIO(d), n) for n, d in files.items()}
    r = client.post(VALIDATE_URL, data=multipart, content_type="multipart/form-data")
    _assert_problem(r, 422, "bad-descriptor")
    assert _stored(engine) == before


def _token(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("utf-8", "surrogatepass")).decode().rstrip("=")


@pytest.mark.parametrize(
    "token",
    [
        _token("[" * 1200 + "]" * 1200),  # past json's recursion limit, within the URL limit
        _token('["\\ud800", 2024, 1]'),
        _token('["a\\u0000b", 2024, 1]'),
        "%ff%fe",
    ],
    ids=["nested-1200-deep", "lone-surrogate", "nul", "not-base64"],
)
def test_a_hand_made_page_token_is_a_400(token: str, client: FlaskClient) -> None:
    _assert_problem(client.get(f"/api/v1/agencies?next={token}"), 400, "bad-argument")
    _assert_problem(
        client.get(f"/api/v1/tables/reviews?year=2024&next={token}"), 400, "bad-argument"
    )


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/agencies/abc%00def",
        "/api/v1/agencies?name=a%00b",
        "/api/v1/agencies/abc%00def/reports/2024",
        "/api/v1/tables/reviews?agency_id=a%00b",
        "/agencies?name=a%00b",
    ],
)
def test_a_nul_byte_in_path_or_query_is_a_400(url: str, client: FlaskClient) -> None:
    _assert_problem(client.get(url), 400, "nul-character")


def test_an_admin_filing_for_an_over_long_agency_id_stores_nothing(
    client: FlaskClient, engine: Engine, admin_token: str
) -> None:
    long_id = "320800-" + "-".join(["abcdefghij"] * 7) + "x" * 4  # 87 characters
    assert len(long_id) == 87
    files = hostile.package_files()
    for name in ("reports.csv", "proactive.csv", "applications.csv", "reviews.csv"):
        files[name] = files[name].replace(hostile.AGENCY_ID.encode(), long_id.encode())
    url = f"/api/v1/agencies/{long_id}/reports/{hostile.YEAR}"
    before = _stored(engine)
    r = client.post(
        url, data=hostile.zip_of(files), content_type="application/zip", headers=bearer(admin_token)
    )
    _assert_problem(r, 422, "invalid-package")
    assert {(i["code"], i["field"]) for i in r.json["issues"] if i["severity"] == "error"} >= {
        ("constraint-error", "agency_id")
    }
    assert r.json["message_zh"]
    assert _stored(engine) == before


def test_a_page_token_of_another_shape_is_a_400(client: FlaskClient) -> None:
    """JSON, but not the keyset position of this query."""
    r = client.get(f"/api/v1/agencies?next={_token(json.dumps([[[[1]]]]))}")
    _assert_problem(r, 400, "bad-argument")


def _post_workbook(client: FlaskClient, data: bytes) -> TestResponse:
    """A multipart upload encoded in memory (the test client spools a large one to a
    temporary file it never closes)."""
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), "report.xlsx")})
    return client.post(
        VALIDATE_URL, data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


@pytest.mark.parametrize("name", ["styled-blank-cells", "huge-dimension"])
def test_a_workbook_too_large_to_read_is_refused_before_parsing(
    name: str, client: FlaskClient, engine: Engine, admin_token: str
) -> None:
    register_huaian(engine)
    before = _stored(engine)
    data = hostile.HOSTILE_WORKBOOKS[name]()
    r = _post_workbook(client, data)
    _assert_problem(r, 422, "unreadable-workbook")
    assert "not read" in r.json["detail"]
    r = client.post(
        FILE_URL,
        data=data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=bearer(admin_token),
    )
    _assert_problem(r, 422, "unreadable-workbook")
    assert _stored(engine) == before


def test_a_workbook_naming_a_missing_style_is_read(client: FlaskClient) -> None:
    """Read-only mode never looks the style up: the figures are read and validated."""
    data = hostile.workbook_with_a_missing_style()
    r = _post_workbook(client, data)
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert r.json["valid"] is False  # a blank template: nothing reported


def test_a_filing_of_many_reports_is_refused_before_validation(
    client: FlaskClient, engine: Engine, admin_token: str
) -> None:
    register_huaian(engine)
    before = _stored(engine)
    data = hostile.zip_of(hostile.package_of_many_reports(25_000))
    r = client.post(
        FILE_URL, data=data, content_type="application/zip", headers=bearer(admin_token)
    )
    _assert_problem(r, 422, "several-reports")
    assert "25000 report rows" in r.json["detail"]
    assert _stored(engine) == before
    two = hostile.zip_of(hostile.package_of_many_reports(2))
    r = client.post(FILE_URL, data=two, content_type="application/zip", headers=bearer(admin_token))
    _assert_problem(r, 422, "several-reports")
    one = hostile.zip_of(hostile.package_of_many_reports(1))
    r = client.post(FILE_URL, data=one, content_type="application/zip", headers=bearer(admin_token))
    assert r.status_code == 201, r.json


def _post_chunked(client: FlaskClient, url: str, body: bytes, token: str) -> TestResponse:
    """A body without Content-Length, as gunicorn hands a chunked one to the app: the stream
    is said to be terminated by the server (wsgi.input_terminated)."""
    return client.post(
        url,
        input_stream=io.BytesIO(body),
        content_type="application/zip",
        headers={**bearer(token), "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_chunked_body_over_the_limit_is_a_413_never_cut(
    client: FlaskClient, engine: Engine, admin_token: str
) -> None:
    register_huaian(engine)
    before = _stored(engine)
    package = hostile.zip_of(hostile.package_files(), zipfile.ZIP_STORED)
    # a valid package with a stored member that takes it past the app's 2 MB limit: cut at
    # the limit, the zip would lose its central directory; read whole, it is too large
    padding = random.Random(9).randbytes(2_100_000)
    padded = hostile.zip_of({**hostile.package_files(), "padding.bin": padding}, zipfile.ZIP_STORED)
    r = _post_chunked(client, FILE_URL, padded, admin_token)
    _assert_problem(r, 413, "too-large")
    assert _stored(engine) == before
    r = _post_chunked(client, FILE_URL, package, admin_token)
    assert r.status_code == 201, r.json


def _edited(**changes: str) -> bytes:
    """The package with reports.csv's cells changed."""
    files = hostile.package_files()
    lines = files["reports.csv"].decode("utf-8").splitlines()
    header, row = lines[0].split(","), next(csv.reader([lines[1]]))
    for name, value in changes.items():
        row[header.index(name)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, row])
    files["reports.csv"] = out.getvalue().encode("utf-8")
    return hostile.zip_of(files)


def _rejections(engine: Engine) -> list[dict[str, object]]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(rejections))]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("agency_name", '=HYPERLINK("http://example.com/x","淮安市人民政府")'),
        ("agency_name", "+淮安市人民政府"),
        ("agency_name", "@淮安市人民政府"),
        ("agency_name", "\t淮安市人民政府"),
        ("agency_name", "淮安市\x00人民政府"),
        ("agency_name", "淮安市\x1b[31m人民政府"),
        ("source_url", "javascript:alert(1)"),
        ("source_url", "file:///etc/passwd"),
    ],
)
def test_unsafe_text_is_refused_and_stored_once(
    field: str, value: str, client: FlaskClient, engine: Engine, admin_token: str
) -> None:
    register_huaian(engine)
    data = _edited(**{field: value})
    for _ in range(3):
        r = client.post(
            FILE_URL, data=data, content_type="application/zip", headers=bearer(admin_token)
        )
        _assert_problem(r, 422, "invalid-package")
        assert [(i["code"], i["field"]) for i in r.json["issues"] if i["severity"] == "error"] == [
            ("constraint-error", field)
        ]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(filings)).scalar_one() == 0
    stored = _rejections(engine)
    assert len(stored) == 1  # the same refused package three times: one record
    assert "\x00" not in json.dumps(stored[0]["issues"])


def test_a_name_other_than_the_registrys_is_refused(
    client: FlaskClient, engine: Engine, admin_token: str
) -> None:
    register_huaian(engine)
    r = client.post(
        FILE_URL,
        data=_edited(agency_name="淮安市政府"),
        content_type="application/zip",
        headers=bearer(admin_token),
    )
    _assert_problem(r, 422, "registry-mismatch")
    assert r.json["fields"] == ["agency_name"]
    assert "淮安市人民政府" in r.json["message_zh"]
    assert _stored(engine)[0] == 0


def test_an_all_blank_report_is_refused_with_its_reason(
    client: FlaskClient, engine: Engine, admin_token: str
) -> None:
    register_huaian(engine)
    files = hostile.package_files()
    for table in ("proactive", "applications", "reviews"):
        lines = files[f"{table}.csv"].decode("utf-8").splitlines()
        header = lines[0].split(",")
        keys = [i for i, name in enumerate(header) if name in ("agency_id", "year", "item")]
        blank = [
            ",".join(c if i in keys else "" for i, c in enumerate(line.split(",")))
            for line in lines[1:]
        ]
        files[f"{table}.csv"] = "\n".join([lines[0], *blank, ""]).encode("utf-8")
    r = client.post(
        FILE_URL,
        data=hostile.zip_of(files),
        content_type="application/zip",
        headers=bearer(admin_token),
    )
    _assert_problem(r, 422, "invalid-package")
    errors = [i for i in r.json["issues"] if i["severity"] == "error"]
    assert [(i["code"], i["resource"]) for i in errors] == [("nothing-reported", "reports")]
    assert "空白表示未填报" in errors[0]["message"] and "reports nothing" in errors[0]["message_en"]
    assert _stored(engine)[0] == 0


def test_a_refusal_keeps_a_bounded_list_of_issues(
    client: FlaskClient, engine: Engine, admin_token: str
) -> None:
    register_huaian(engine)
    files = hostile.package_files()
    lines = files["applications.csv"].decode("utf-8").splitlines()
    header = lines[0].split(",")
    text_cells = [
        ",".join(
            c if name in ("agency_id", "year", "item") else "x" * 5000
            for c, name in zip(line.split(","), header, strict=True)
        )
        for line in lines[1:]
    ]
    files["applications.csv"] = "\n".join([lines[0], *text_cells, ""]).encode("utf-8")
    r = client.post(
        FILE_URL,
        data=hostile.zip_of(files),
        content_type="application/zip",
        headers=bearer(admin_token),
    )
    _assert_problem(r, 422, "invalid-package")
    assert len(r.json["issues"]) > 150  # the answer has them all
    (stored,) = _rejections(engine)
    issues = stored["issues"]
    assert isinstance(issues, list) and len(issues) == 101
    assert issues[-1] == {"code": "issues-left-out", "count": len(r.json["issues"]) - 100}
    assert len(json.dumps(issues, ensure_ascii=False)) < 200_000


def test_csv_downloads_never_serve_a_formula(client: FlaskClient, engine: Engine) -> None:
    """A registry row written before names were checked (the store takes it as given): the
    CSV downloads serve its name inert, Excel's ?bom=1 too."""
    load_agencies(
        engine,
        [
            {
                "agency_id": "320800-formula",
                "agency_name": '=HYPERLINK("http://example.com","点击")',
                "region_code": "320800",
                "level": "city",
                "scope": "agency",
            }
        ],
    )
    for url in ("/api/v1/agencies?format=csv", "/api/v1/agencies?format=csv&bom=1"):
        r = client.get(url)
        assert r.status_code == 200 and r.mimetype == "text/csv", r.get_data(as_text=True)
        rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
        names = [row["agency_name"] for row in rows if row["agency_id"] == "320800-formula"]
        assert names == ['\'=HYPERLINK("http://example.com","点击")']
