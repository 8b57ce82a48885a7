"""One report's JSON, served from the body rendered once per filing: a correction is read on
the very next request, whoever filed it, and the ETag follows the version served."""

from __future__ import annotations

import io

from flask.testing import FlaskClient
from sqlalchemy import Engine

from conftest_db import bearer, csv_files, registry_row, report_tables
from gongkai.store.filings import NewFiling, file_report
from gongkai.store.registry import create_token, load_agencies

AGENCY = "320813-correct-test"
URL = f"/api/v1/agencies/{AGENCY}/reports/2023"


def _post(client: FlaskClient, token: str, seed: int) -> dict:
    tables = report_tables(AGENCY, 2023, region_code="320813", seed=seed)
    files = {n: (io.BytesIO(d), n) for n, d in csv_files(tables).items()}
    r = client.post(URL, data=files, headers=bearer(token))
    assert r.status_code == 201, r.json
    return r.json


def test_a_correction_is_read_on_the_next_request(client: FlaskClient, engine: Engine) -> None:
    load_agencies(engine, [registry_row(report_tables(AGENCY, 2023, region_code="320813"))])
    token = create_token(engine, "agency", AGENCY)[1]
    first = _post(client, token, seed=1)
    v1 = client.get(URL)
    assert (v1.json["version"], v1.json["current_version"]) == (1, 1)
    assert v1.json["sha256"] == first["sha256"]
    assert client.get(URL).data == v1.data  # the kept body

    second = _post(client, token, seed=2)
    v2 = client.get(URL)
    assert (v2.json["version"], v2.json["current_version"]) == (2, 2)
    assert v2.json["sha256"] == second["sha256"]
    expected = report_tables(AGENCY, 2023, region_code="320813", seed=2)
    assert v2.json["tables"]["reviews"] == expected["reviews"]
    assert v2.headers["ETag"] != v1.headers["ETag"]
    # the client holding version 1 gets version 2, not a 304
    again = client.get(URL, headers={"If-None-Match": v1.headers["ETag"]})
    assert again.status_code == 200 and again.json["version"] == 2
    assert client.get(URL, headers={"If-None-Match": v2.headers["ETag"]}).status_code == 304

    pinned = client.get(URL + "?version=1")
    assert (pinned.json["version"], pinned.json["current_version"]) == (1, 2)
    assert pinned.json["sha256"] == first["sha256"]
    assert "immutable" in pinned.headers["Cache-Control"]


def test_a_correction_filed_elsewhere_is_read_on_the_next_request(
    client: FlaskClient, engine: Engine
) -> None:
    """Filed by another process (gongkai load, another worker): this app learns nothing of
    it but what the database says."""
    load_agencies(engine, [registry_row(report_tables(AGENCY, 2023, region_code="320813"))])
    token = create_token(engine, "agency", AGENCY)[1]
    _post(client, token, seed=1)
    assert client.get(URL).json["version"] == 1
    corrected = report_tables(AGENCY, 2023, region_code="320813", seed=3)
    file_report(engine, NewFiling(AGENCY, 2023, "2021", "c" * 64, {"x.csv": b"x"}, corrected))
    current = client.get(URL).json
    assert (current["version"], current["sha256"]) == (2, "c" * 64)
    assert current["tables"]["applications"] == corrected["applications"]
    assert client.get(URL + "?version=1").json["current_version"] == 2


def test_a_version_never_filed_is_404(client: FlaskClient, engine: Engine) -> None:
    load_agencies(engine, [registry_row(report_tables(AGENCY, 2023, region_code="320813"))])
    _post(client, create_token(engine, "agency", AGENCY)[1], seed=1)
    r = client.get(URL + "?version=2")
    assert r.status_code == 404 and r.mimetype == "application/problem+json"
    assert r.json["code"] == "no-report" and "version 2" in r.json["detail"]
    assert client.get(f"/api/v1/agencies/{AGENCY}/reports/2022").status_code == 404
