"""The cache of current versions on PostgreSQL: it answers without the database while nothing
changed, forgets what any writer changes (another session, another process, a bulk statement),
is off while its LISTEN session is lost and empty when it is back; SQLite has none.

Waits below are for a state (the listener connected or gone), bounded generously; what they
check does not depend on how long anything takes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, text

from conftest_db import POSTGRES_URL, report_tables
from gongkai.store.current import CurrentFilings, Head, current_filings
from gongkai.store.db import downgrade, upgrade
from gongkai.store.filings import NewFiling, file_report
from gongkai.store.heads_listener import CHANNEL, KEEPALIVE, MISSING, keep_alive
from gongkai.store.registry import load_agencies

AGENCY = "320813-cache-test"
ROOT = Path(__file__).resolve().parents[2]


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never {what}")
        time.sleep(0.01)


def _file(engine: Engine, seed: int, agency: str = AGENCY) -> Head:
    tables = report_tables(agency, 2023, region_code="320813", seed=seed)
    load_agencies(engine, [tables["reports"][0]])
    sha = f"{seed:064d}"
    receipt = file_report(engine, NewFiling(agency, 2023, "2021", sha, {"x.csv": b"x"}, tables))
    return Head(receipt.filing_id, receipt.version)


@pytest.fixture
def pg(engine: Engine) -> Engine:
    if engine.dialect.name != "postgresql":
        pytest.skip("the cache is PostgreSQL's")
    return engine


@pytest.fixture
def probes(pg: Engine) -> CurrentFilings:
    """The probes of the database, their listener connected."""
    found = current_filings(pg)
    assert found.known is not None
    found.find(AGENCY, 2023)  # starts the listener
    _wait_for(lambda: found.known is not None and found.known.on, "listening")
    return found


def _cached(probes: CurrentFilings, agency: str = AGENCY) -> object:
    assert probes.known is not None
    return probes.known.lookup(agency, 2023, None)[0]


@pytest.fixture
def unannounced(pg: Engine) -> Iterator[Callable[[str], None]]:
    """SQL run with the triggers of `heads` off: a change the cache is not told of."""

    def run(sql: str) -> None:
        with pg.begin() as conn:
            conn.execute(text("ALTER TABLE heads DISABLE TRIGGER USER"))
            conn.execute(text(sql))
            conn.execute(text("ALTER TABLE heads ENABLE TRIGGER USER"))

    yield run


def test_sqlite_keeps_no_cache(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's behaviour")
    probes = current_filings(engine)
    assert probes.known is None
    first = _file(engine, seed=1)
    assert probes.find(AGENCY, 2023) == first
    with engine.begin() as conn:  # a change by SQL is read at once, as before
        conn.execute(text("UPDATE heads SET version = 7"))
    assert probes.find(AGENCY, 2023) == Head(first.filing_id, 7)


def test_a_read_is_kept_while_nothing_changes(
    probes: CurrentFilings, pg: Engine, unannounced: Callable[[str], None]
) -> None:
    first = _file(pg, seed=1)
    assert probes.find(AGENCY, 2023) == first
    assert _cached(probes) == first
    assert probes.find(AGENCY, 2023, version=1) == first
    assert probes.find("320813-never-filed", 2023) is None
    unannounced("UPDATE heads SET version = 7")
    # served from the cache: the database was not asked
    assert probes.find(AGENCY, 2023) == first
    assert probes.find(AGENCY, 2023, version=1) == first


def test_a_change_from_another_session_is_forgotten(
    probes: CurrentFilings, pg: Engine, unannounced: Callable[[str], None]
) -> None:
    first = _file(pg, seed=1)
    assert probes.find(AGENCY, 2023) == first
    with pg.begin() as conn:  # any SQL, as a manual correction would be
        conn.execute(text("UPDATE heads SET version = 5 WHERE agency_id = :a"), {"a": AGENCY})
    probes.settle()  # the notification has arrived (it precedes the marker)
    assert _cached(probes) is MISSING
    assert probes.find(AGENCY, 2023) == Head(first.filing_id, 5)
    assert probes.find(AGENCY, 2023, version=1) == Head(first.filing_id, 5)


def test_a_filing_by_another_process_is_forgotten(probes: CurrentFilings, pg: Engine) -> None:
    first = _file(pg, seed=1)
    assert probes.find(AGENCY, 2023) == first
    other = _other_process(
        pg,
        f"""
from conftest_db import report_tables
from gongkai.store.filings import NewFiling, file_report
tables = report_tables({AGENCY!r}, 2023, region_code="320813", seed=2)
print(file_report(engine, NewFiling({AGENCY!r}, 2023, "2021", "2" * 64, {{}}, tables)).version)
""",
    )
    assert other == "2"
    probes.settle()
    head = probes.find(AGENCY, 2023)
    assert head is not None and head.current_version == 2


def test_a_writer_of_the_same_host_is_seen_at_once(
    probes: CurrentFilings, pg: Engine, unannounced: Callable[[str], None]
) -> None:
    """A change with no notification at all, whose writer changed the host's stamp: the next
    read asks the database."""
    first = _file(pg, seed=1)
    assert probes.find(AGENCY, 2023) == first
    unannounced("UPDATE heads SET version = 9")
    assert probes.find(AGENCY, 2023) == first  # kept
    assert _other_process(pg, "current_filings(engine).settle(); print('settled')") == "settled"
    assert probes.find(AGENCY, 2023) == Head(first.filing_id, 9)


def _other_process(pg: Engine, code: str) -> str:
    script = (
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT / 'tests')!r})\n"
        "from gongkai.store.db import make_engine\n"
        "from gongkai.store.current import current_filings\n"
        f"engine = make_engine({pg.info_url!r})\n" + code  # type: ignore[attr-defined]
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_bulk_statements_send_one_flush(probes: CurrentFilings, pg: Engine) -> None:
    """Many heads in one statement: one notification that says "forget everything"; a few:
    their keys; keys that would not fit in a payload: forget everything."""
    first = _file(pg, seed=1)
    assert probes.find(AGENCY, 2023) == first
    with _listening(pg) as (listener, schema):
        with pg.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO agencies (agency_id, agency_name, region_code, level, scope) "
                    "SELECT '320813-bulk-' || i, 'x', '320813', 'county', 'agency' "
                    "FROM generate_series(1, 300) AS i"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO heads (agency_id, year, version) "
                    "SELECT '320813-bulk-' || i, 2023, 0 FROM generate_series(1, 300) AS i"
                )
            )
        with pg.begin() as conn:
            conn.execute(text("UPDATE heads SET version = version + 1"))  # 301 rows
        with pg.begin() as conn:
            conn.execute(text("DELETE FROM heads WHERE agency_id LIKE '320813-bulk-1_'"))
        ours = _payloads(listener, schema, 3)
    assert ours[:2] == [{"schema": schema, "keys": None}, {"schema": schema, "keys": None}]
    assert ours[2]["schema"] == schema
    assert sorted(ours[2]["keys"]) == [[f"320813-bulk-1{i}", 2023] for i in range(10)]
    probes.settle()
    assert _cached(probes) is MISSING
    assert probes.find(AGENCY, 2023) == Head(first.filing_id, 2)


def test_keys_that_would_not_fit_in_a_payload_forget_everything(pg: Engine) -> None:
    long_ids = [f"320813-{'x' * 50}{i:03d}" for i in range(150)]  # 150 × ~70 bytes
    with pg.begin() as conn:
        for agency in long_ids:
            conn.execute(
                text(
                    "INSERT INTO agencies (agency_id, agency_name, region_code, level, scope) "
                    "VALUES (:a, 'x', '320813', 'county', 'agency')"
                ),
                {"a": agency},
            )
    with _listening(pg) as (listener, schema):
        with pg.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO heads (agency_id, year, version) "
                    "SELECT a, 2023, 0 FROM unnest(CAST(:ids AS text[])) AS a"
                ),
                {"ids": long_ids},
            )
        assert _payloads(listener, schema, 1) == [{"schema": schema, "keys": None}]


@contextmanager
def _listening(pg: Engine) -> Iterator[tuple[psycopg.Connection, str]]:
    """A session of our own LISTENing on the channel, and the test's schema of `heads`."""
    with psycopg.connect(POSTGRES_URL.replace("+psycopg", ""), autocommit=True) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        yield listener, pg.info_url.split("%3D")[-1]  # type: ignore[attr-defined]


def _payloads(listener: psycopg.Connection, schema: str, count: int) -> list[dict]:
    """The next `count` notifications of this schema (other databases' tests may notify)."""
    found: list[dict] = []
    for notice in listener.notifies(timeout=30):
        payload = json.loads(notice.payload)
        if payload.get("schema") == schema:
            found.append(payload)
            if len(found) == count:
                break
    return found


def test_a_lost_listener_turns_the_cache_off_then_on_empty(
    probes: CurrentFilings,
    pg: Engine,
    unannounced: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = _file(pg, seed=1)
    assert probes.find(AGENCY, 2023) == first
    known = probes.known
    assert known is not None and known._session is not None
    pid = known._session.pgconn.backend_pid
    reconnect = known._open_session

    def database_away() -> None:
        raise psycopg.OperationalError("connection refused")

    monkeypatch.setattr(known, "_open_session", database_away)
    with pg.connect() as conn:  # as a restart of the server would end it
        assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
    _wait_for(lambda: known.lookup(AGENCY, 2023, None)[1] is None, "off")
    unannounced("UPDATE heads SET version = 3")
    assert probes.find(AGENCY, 2023) == Head(first.filing_id, 3)  # off: the database is asked
    unannounced("UPDATE heads SET version = 4")
    assert probes.find(AGENCY, 2023) == Head(first.filing_id, 4)
    assert not known.on

    monkeypatch.setattr(known, "_open_session", reconnect)  # the database is back
    _wait_for(lambda: known.on, "listening again")
    assert known._session.pgconn.backend_pid != pid
    assert _cached(probes) is MISSING  # nothing kept from before
    assert probes.find(AGENCY, 2023) == Head(first.filing_id, 4)
    unannounced("UPDATE heads SET version = 6")
    assert probes.find(AGENCY, 2023) == Head(first.filing_id, 4)  # kept again


def test_without_the_trigger_the_cache_stays_off(pg: Engine) -> None:
    """A database not migrated to 0007 announces nothing: no cache. Undoing 0007 removes its
    triggers and function; doing it again brings them back."""
    triggers = (
        "SELECT count(*) FROM pg_trigger "
        "WHERE tgname LIKE 'gongkai_heads_%' AND tgrelid = 'heads'::regclass"
    )
    with pg.connect() as conn:
        assert conn.execute(text(triggers)).scalar() == 4
    probes = current_filings(pg)
    assert probes.known is not None
    downgrade(pg, "0006")
    try:
        with pg.connect() as conn:
            assert conn.execute(text(triggers)).scalar() == 0
            assert conn.execute(text("SELECT to_regproc('gongkai_heads_notify')")).scalar() is None
        probes.known.reconnect()
        time.sleep(0.5)  # the listener tries again meanwhile; it must not turn on
        assert not probes.known.on
        assert probes.known.lookup(AGENCY, 2023, None) == (MISSING, None)
    finally:
        upgrade(pg)
    with pg.connect() as conn:
        assert conn.execute(text(triggers)).scalar() == 4
    probes.find(AGENCY, 2023)
    _wait_for(lambda: probes.known is not None and probes.known.on, "listening again")


def test_a_failed_announcement_forgets_and_does_not_fail_the_writer(
    probes: CurrentFilings, pg: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The change is committed when its writer settles: settling never raises; this process
    forgets what it kept instead."""
    first = _file(pg, seed=1)
    assert probes.find(AGENCY, 2023) == first
    assert _cached(probes) == first
    known = probes.known
    assert known is not None

    def database_away(payload: str) -> str:
        raise psycopg.OperationalError("connection refused")

    monkeypatch.setattr(known, "_announce", database_away)
    probes.settle()
    assert known.lookup(AGENCY, 2023, None)[0] is MISSING


@pytest.mark.parametrize(
    "payload",
    ["not json", "[1, 2]", '"marker"', '{"marker": [1]}', '{"schema": "%s", "keys": [["x"]]}'],
)
def test_a_notification_not_of_the_trigger_forgets_everything(
    probes: CurrentFilings, pg: Engine, payload: str
) -> None:
    first = _file(pg, seed=1)
    assert probes.find(AGENCY, 2023) == first
    assert _cached(probes) == first
    schema = pg.info_url.split("%3D")[-1]  # type: ignore[attr-defined]
    with pg.begin() as conn:
        conn.execute(
            text("SELECT pg_notify(:channel, :payload)"),
            {"channel": CHANNEL, "payload": payload.replace("%s", schema)},
        )
    probes.settle()
    assert _cached(probes) is MISSING
    assert probes.find(AGENCY, 2023) == first


def test_the_listening_session_asks_a_silent_peer(probes: CurrentFilings) -> None:
    """A peer gone without a word (a dropped network) is found by TCP keepalive: the session's
    socket has it on, with the idle time, interval and count of KEEPALIVE."""
    assert probes.known is not None
    session = probes.known._session
    with socket.socket(fileno=os.dup(session.pgconn.socket)) as sock:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            pytest.skip("the test database is reached through a Unix socket")
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
        found = tuple(
            sock.getsockopt(socket.IPPROTO_TCP, option)
            for option in (socket.TCP_KEEPIDLE, socket.TCP_KEEPINTVL, socket.TCP_KEEPCNT)
        )
    assert found == KEEPALIVE


def test_keepalive_is_left_alone_on_a_unix_socket() -> None:
    left, right = socket.socketpair(socket.AF_UNIX)
    with left, right:
        assert keep_alive(left.fileno()) is False
