"""On PostgreSQL a report's current version is kept in each process: a correction filed through
the API is read on the very next request, in the same process and on any worker of gunicorn.

Waits below are for a state (listeners connected), bounded generously; what they check does
not depend on how long anything takes."""

from __future__ import annotations

import io
import json
import os
import signal
import time
import urllib.request
import zipfile
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, text

from conftest_db import bearer, csv_files, registry_row, report_tables
from gongkai.store.current import current_filings
from gongkai.store.heads_listener import MISSING
from gongkai.store.registry import create_token, load_agencies
from tests.servers import free_port, start_serve, wait_until_ready

AGENCY = "320813-cached-test"
URL = f"/api/v1/agencies/{AGENCY}/reports/2023"
READ_TIMEOUT = 120  # seconds; a bound for a busy machine, never a measure of speed


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never {what}")
        time.sleep(0.02)


@pytest.fixture
def pg(engine: Engine) -> Engine:
    if engine.dialect.name != "postgresql":
        pytest.skip("the cache is PostgreSQL's (SQLite: tests/api/test_report_reads.py)")
    load_agencies(engine, [registry_row(report_tables(AGENCY, 2023, region_code="320813"))])
    return engine


def _package(seed: int) -> dict[str, bytes]:
    return csv_files(report_tables(AGENCY, 2023, region_code="320813", seed=seed))


def test_a_correction_through_the_api_is_read_from_a_kept_version(
    client: FlaskClient, pg: Engine
) -> None:
    token = create_token(pg, "agency", AGENCY)[1]
    probes = current_filings(pg)
    probes.find(AGENCY, 2023)
    _wait_for(lambda: probes.known is not None and probes.known.on, "listening")
    assert probes.known is not None

    def post(seed: int) -> dict:
        files = {n: (io.BytesIO(d), n) for n, d in _package(seed).items()}
        r = client.post(URL, data=files, headers=bearer(token))
        assert r.status_code == 201, r.json
        return r.json

    post(seed=1)
    assert client.get(URL).json["version"] == 1
    kept = probes.known.lookup(AGENCY, 2023, None)[0]
    assert kept is not MISSING and kept.current_version == 1
    _unannounced(pg, "UPDATE heads SET version = 8")
    assert client.get(URL).json["current_version"] == 1  # the kept version: no database read
    _unannounced(pg, "UPDATE heads SET version = 1")

    second = post(seed=2)
    read = client.get(URL).json
    assert (read["version"], read["current_version"], read["sha256"]) == (2, 2, second["sha256"])
    assert probes.known.lookup(AGENCY, 2023, None)[0] is not MISSING  # kept again


def _unannounced(pg: Engine, sql: str) -> None:
    """SQL run with the triggers of `heads` off: a change the cache is not told of."""
    with pg.begin() as conn:
        conn.execute(text("ALTER TABLE heads DISABLE TRIGGER USER"))
        conn.execute(text(sql))
        conn.execute(text("ALTER TABLE heads ENABLE TRIGGER USER"))


def _listeners(pg: Engine, application_name: str) -> int:
    with pg.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE query = 'LISTEN gongkai_heads' AND application_name = :name"
                ),
                {"name": application_name},
            ).scalar_one()
        )


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(f"package/{name}", content)
    return buffer.getvalue()


@pytest.mark.slow
def test_a_correction_is_read_on_every_worker_of_gunicorn(pg: Engine) -> None:
    token = create_token(pg, "agency", AGENCY)[1]
    name = f"gk_cache_test_{os.getpid()}"  # the server's sessions
    database = f"{pg.info_url}&application_name={name}"  # type: ignore[attr-defined]
    port = free_port()
    env = {"GONGKAI_DATABASE_URL": database, "GONGKAI_WORKERS": "2"}
    proc = start_serve(port, env)
    base = f"http://127.0.0.1:{port}"
    url = base + URL

    def post(seed: int) -> dict:
        request = urllib.request.Request(
            url,
            data=_zip(_package(seed)),
            method="POST",
            headers={"Content-Type": "application/zip", **bearer(token)},
        )
        with urllib.request.urlopen(request, timeout=READ_TIMEOUT) as r:
            assert r.status == 201
            return json.load(r)

    def read() -> dict:  # a new connection each time: either worker answers
        with urllib.request.urlopen(url, timeout=READ_TIMEOUT) as r:
            return json.load(r)

    try:
        wait_until_ready(base + "/healthz", proc)
        assert post(seed=1)["version"] == 1
        # every worker reads (and starts listening) until both listen
        _wait_for(lambda: read()["version"] == 1 and _listeners(pg, name) == 2, "listening")
        reads = [read() for _ in range(20)]  # kept in both workers now
        assert {r["version"] for r in reads} == {1}

        second = post(seed=2)
        reads = [read() for _ in range(40)]
        assert {(r["version"], r["sha256"]) for r in reads} == {(2, second["sha256"])}
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        output = proc.communicate(timeout=READ_TIMEOUT)[0].decode()
        print(output)  # shown when the test fails
