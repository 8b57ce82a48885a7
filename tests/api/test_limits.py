"""Rate limits on filing and validation, statement time limits, and the proxy's headers."""

from __future__ import annotations

import csv
import io
import os
import re
import socket
import uuid
import zipfile
from dataclasses import replace

import pytest
from flask import Flask, Response
from flask.testing import FlaskClient
from sqlalchemy import Engine, text

from conftest_db import DATASETS, bearer, zip_folder
from gongkai.api import create_app
from gongkai.api.context import engine as app_engine
from gongkai.settings import Settings
from gongkai.store.db import make_engine
from gongkai.store.registry import create_token, load_agencies
from tests.paths import ROOT

SECRET = "test-secret-for-limits"
FILE_URL = "/api/v1/agencies/320800-huaian-government/reports/2024"
# counts every integer up to a billion: far longer than a one-second limit on any machine
ENDLESS = (
    "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000000000) "
    "SELECT count(*) FROM c"
)


def _app(engine: Engine, **changes: object) -> Flask:
    settings = Settings(database_url=str(engine.url), secret_key=SECRET)
    app = create_app(replace(settings, **changes), engine)  # type: ignore[arg-type]
    app.testing = False
    return app


def _assert_too_many(r: Response) -> int:
    assert r.status_code == 429
    assert r.mimetype == "application/problem+json"
    body = r.json
    assert body is not None and body["code"] == "too-many-requests"
    seconds = int(r.headers["Retry-After"])
    assert 1 <= seconds <= 60 and body["retry_after"] == seconds
    assert "秒后再试" in body["message_zh"]
    return seconds


def test_validation_is_limited_per_address_api_and_page_together(engine: Engine) -> None:
    client = _app(engine, ratelimit_validation="3 per minute").test_client()
    package = zip_folder(DATASETS / "huaian-city-2024")
    for _ in range(2):
        r = client.post("/api/v1/validate", data=package, content_type="application/zip")
        assert r.status_code == 200 and r.json["valid"] is True
    page = client.get("/validate").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token
    form = {"csrf_token": token.group(1), "files": (io.BytesIO(package), "p.zip")}
    r = client.post("/validate", data=form, content_type="multipart/form-data")
    assert r.status_code == 200  # the third of this address
    _assert_too_many(client.post("/api/v1/validate", data=package, content_type="application/zip"))
    form = {"csrf_token": token.group(1), "files": (io.BytesIO(package), "p.zip")}
    r = client.post("/validate", data=form, content_type="multipart/form-data")
    assert r.status_code == 429 and r.mimetype == "text/html"
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert "提交过于频繁" in r.get_data(as_text=True)
    other = client.post(
        "/api/v1/validate",
        data=package,
        content_type="application/zip",
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert other.status_code == 200  # another address has its own count


def test_filing_is_limited_per_token(engine: Engine) -> None:
    with (ROOT / "examples" / "agencies.csv").open(encoding="utf-8") as f:
        load_agencies(engine, csv.DictReader(f))
    first = bearer(create_token(engine, "agency", "320800-huaian-government")[1])
    second = bearer(create_token(engine, "agency", "320800-huaian-government")[1])
    client = _app(engine, ratelimit_filing="2 per minute").test_client()
    package = zip_folder(DATASETS / "huaian-city-2024")
    sends = [client.post(FILE_URL, data=package, content_type="application/zip", headers=first)]
    sends.append(client.post(FILE_URL, data=package, content_type="application/zip", headers=first))
    assert [r.status_code for r in sends] == [201, 200]
    _assert_too_many(
        client.post(FILE_URL, data=package, content_type="application/zip", headers=first)
    )
    r = client.post(FILE_URL, data=package, content_type="application/zip", headers=second)
    assert r.status_code == 200  # the other token files on


def test_a_bad_rate_limit_setting_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match="GONGKAI_RATELIMIT_FILING must be rate limits"):
        Settings.from_env({"GONGKAI_RATELIMIT_FILING": "lots"})
    with pytest.raises(ValueError, match="GONGKAI_RATELIMIT_STORAGE_URI must be a storage URI"):
        Settings.from_env({"GONGKAI_RATELIMIT_STORAGE_URI": "127.0.0.1:6379"})


def _redis_or_skip() -> str:
    url = os.environ.get("GONGKAI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=5):
            pass
    except OSError:
        if os.environ.get("CI") == "true" and "GONGKAI_TEST_REDIS_URL" in os.environ:
            pytest.fail(f"Redis not reachable at {url}")
        pytest.skip(f"Redis not reachable at {url}")
    return url


def test_with_redis_every_worker_shares_the_count(engine: Engine) -> None:
    """Two apps stand for two worker processes: with memory:// each counts on its own, with
    Redis they count together."""
    url = _redis_or_skip()
    apps = [
        _app(engine, ratelimit_validation="2 per minute", ratelimit_storage_uri=url)
        for _ in range(2)
    ]
    address = {"REMOTE_ADDR": f"test-{uuid.uuid4().hex}"}  # a count of its own in Redis
    package = zip_folder(DATASETS / "huaian-city-2024")
    codes = [
        app.test_client()
        .post(
            "/api/v1/validate", data=package, content_type="application/zip", environ_base=address
        )
        .status_code
        for app in (apps[0], apps[1], apps[0])
    ]
    assert codes[:2] == [200, 200] and codes[2] == 429
    separate = [_app(engine, ratelimit_validation="2 per minute") for _ in range(2)]
    codes = [
        app.test_client()
        .post("/api/v1/validate", data=package, content_type="application/zip")
        .status_code
        for app in (separate[0], separate[1], separate[0])
    ]
    assert codes == [200, 200, 200]  # memory:// counts per worker


def test_a_statement_past_the_time_limit_is_a_503_problem(engine: Engine) -> None:
    bounded = make_engine(engine.info_url, statement_timeout=1)  # type: ignore[attr-defined]
    app = create_app(Settings(database_url=str(engine.url), secret_key=SECRET), bounded)
    app.testing = False

    @app.get("/api/v1/endless")
    def endless() -> str:
        with app_engine().connect() as conn:
            return str(conn.execute(text(ENDLESS)).scalar())

    try:
        r = app.test_client().get("/api/v1/endless")
        assert r.status_code == 503 and r.mimetype == "application/problem+json"
        assert r.json["code"] == "statement-timeout" and "数据库" in r.json["message_zh"]
        assert r.headers["Retry-After"] == "30"
        # the connection goes on answering
        assert app.test_client().get("/api/v1/agencies").status_code == 200
    finally:
        bounded.dispose()


def test_behind_a_proxy_the_urls_are_the_public_ones(engine: Engine) -> None:
    with (ROOT / "examples" / "agencies.csv").open(encoding="utf-8") as f:
        load_agencies(engine, csv.DictReader(f))
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "gongkai.example.org"}
    behind: FlaskClient = _app(engine, proxy_hops=1).test_client()
    body = behind.get("/api/v1/agencies?limit=1", headers=forwarded).json
    assert body["next"].startswith("https://gongkai.example.org/api/v1/agencies?")
    direct: FlaskClient = _app(engine).test_client()  # no proxy: the headers are not believed
    body = direct.get("/api/v1/agencies?limit=1", headers=forwarded).json
    assert body["next"].startswith("http://localhost/api/v1/agencies?")


def test_an_export_is_streamed_as_it_is_written(engine: Engine) -> None:
    from gongkai.package import read_package
    from gongkai.store.filings import file_report, new_filing
    from gongkai.validation import validate

    with (ROOT / "examples" / "agencies.csv").open(encoding="utf-8") as f:
        load_agencies(engine, csv.DictReader(f))
    for folder in sorted(DATASETS.iterdir()):
        file_report(engine, new_filing(validate(read_package(folder))))
    r = _app(engine).test_client().get("/api/v1/export?year=2024", buffered=False)
    assert r.status_code == 200 and r.is_streamed and "Content-Length" not in r.headers
    chunks = iter(r.response)
    first = next(chunks)  # the descriptor leaves before any table is read
    assert first.startswith(b"PK\x03\x04") and b"datapackage.json" in first
    archive = zipfile.ZipFile(io.BytesIO(first + b"".join(chunks)))
    r.close()
    assert archive.testzip() is None
    assert archive.namelist() == [
        "datapackage.json",
        "reports.csv",
        "proactive.csv",
        "applications.csv",
        "reviews.csv",
    ]
    reports = archive.read("reports.csv").decode().splitlines()
    assert len(reports) == 1 + 3  # the header and the three 2024 reports of datasets/


def test_the_filing_page_shares_the_tokens_count(engine: Engine) -> None:
    """A token signed in on the 报送 page and the same token on the API count together; over
    the limit the page answers 429 in Chinese with Retry-After."""
    with (ROOT / "examples" / "agencies.csv").open(encoding="utf-8") as f:
        load_agencies(engine, csv.DictReader(f))
    token = create_token(engine, "agency", "320800-huaian-government")[1]
    client = _app(engine, ratelimit_filing="2 per minute").test_client()

    def csrf() -> str:
        found = re.search(
            r'name="csrf_token" type="hidden" value="([^"]+)"',
            client.get("/file").get_data(as_text=True),
        )
        assert found
        return found.group(1)

    signed_in = client.post("/file/sign-in", data={"csrf_token": csrf(), "token": token})
    assert signed_in.status_code == 303
    package = zip_folder(DATASETS / "huaian-city-2024")

    def file_on_the_page() -> Response:
        form = {
            "csrf_token": csrf(),
            "agency_id": "320800-huaian-government",
            "year": "2024",
            "files": (io.BytesIO(package), "huaian.zip"),
        }
        return client.post("/file", data=form, content_type="multipart/form-data")

    assert file_on_the_page().status_code == 201
    api = client.post(FILE_URL, data=package, content_type="application/zip", headers=bearer(token))
    assert api.status_code == 200  # the same content again: the second filing of this token
    refused = file_on_the_page()
    assert refused.status_code == 429 and refused.mimetype == "text/html"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "提交过于频繁" in refused.get_data(as_text=True)
