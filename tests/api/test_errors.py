"""Every error is one problem+json shape (RFC 9457), whatever path produced it."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from conftest_db import bearer, csv_files, registry_row, report_tables
from gongkai.store.registry import create_token, load_agencies

PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}


def test_every_error_path_has_the_problem_shape(
    app: Flask, client: FlaskClient, engine: Engine
) -> None:
    tables = report_tables("320813-err-test", 2023, region_code="320813")
    tables["reviews"][0]["review_total"] += 1
    load_agencies(engine, [registry_row(tables)])
    admin = bearer(create_token(engine, "admin")[1])
    other = bearer(create_token(engine, "agency", "320813-other")[1])
    url = "/api/v1/agencies/320813-err-test/reports/2023"
    multipart = {n: (io.BytesIO(d), n) for n, d in csv_files(tables).items()}

    @app.get("/api/v1/boom")
    def boom() -> str:
        raise RuntimeError("a bug")

    responses = {
        400: client.get("/api/v1/tables/reviews?year=abc"),
        401: client.post(url, data=b"", content_type="application/zip"),
        403: client.post(url, data=b"", content_type="application/zip", headers=other),
        404: client.get("/api/v1/agencies/320813-nobody"),
        405: client.delete(url),
        413: client.post(url, data=b"0" * 2_100_000, content_type="application/zip", headers=admin),
        415: client.post(url, data=b"{}", content_type="application/json", headers=admin),
        422: client.post(url, data=multipart, headers=admin),
        500: client.get("/api/v1/boom"),
    }
    for status, r in responses.items():
        assert r.status_code == status, (status, r.data)
        assert r.mimetype == "application/problem+json", status
        body = r.json
        assert set(body) >= PROBLEM_KEYS, status
        assert body["status"] == status
        assert body["type"] == f"urn:gongkai:problem:{body['code']}"
        assert isinstance(body["title"], str) and isinstance(body["detail"], str)
        assert isinstance(body["message_zh"], str) and body["message_zh"], status
    assert responses[400].json["argument"] == "year"
    assert responses[401].headers["WWW-Authenticate"].startswith("Bearer")
    assert "GET" in responses[405].headers["Allow"]
    assert any(i["code"] == "t4-total" for i in responses[422].json["issues"])
    assert "a bug" not in responses[500].get_data(as_text=True)


def test_bad_arguments_name_the_argument(client: FlaskClient) -> None:
    cases = {
        "/api/v1/tables/reviews?yaer=2023": "yaer",
        "/api/v1/tables/reviews?year=2023&year=2024": "year",
        "/api/v1/tables/reviews?region=32": "region",
        "/api/v1/tables/reviews?limit=0": "limit",
        "/api/v1/tables/reviews?next=%%%": "next",
        "/api/v1/aggregate/reviews?year=2023&by=street": "by",
        "/api/v1/aggregate/reviews?by=city": "year",
        "/api/v1/coverage": "year",
        "/api/v1/export?year=2023&format=xlsx": "format",
        "/api/v1/agencies?level=village": "level",
    }
    for url, argument in cases.items():
        r = client.get(url)
        assert (r.status_code, r.json["argument"]) == (400, argument), url


def test_unknown_table_is_404(client: FlaskClient) -> None:
    r = client.get("/api/v1/tables/budget")
    assert (r.status_code, r.json["code"]) == (404, "unknown-table")
