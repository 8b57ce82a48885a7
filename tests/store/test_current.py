"""The probe of `heads` that tells a read which filing to serve: current or a given version,
nothing for what was never filed, and a session lost on the database side replaced."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

from conftest_db import report_tables
from gongkai.store.current import Head, current_filings
from gongkai.store.db import PROGRESS_STEPS, make_engine, upgrade
from gongkai.store.filings import NewFiling, file_report
from gongkai.store.registry import load_agencies
from gongkai.store.tables import filings

AGENCY = "320813-probe-test"


def _file(engine: Engine, seed: int) -> int:
    tables = report_tables(AGENCY, 2023, region_code="320813", seed=seed)
    load_agencies(engine, [tables["reports"][0]])
    sha = f"{seed:064d}"
    receipt = file_report(engine, NewFiling(AGENCY, 2023, "2021", sha, {"x.csv": b"x"}, tables))
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT id FROM filings WHERE agency_id = :a AND version = :v"),
                {"a": AGENCY, "v": receipt.version},
            ).scalar_one()
        )


def test_current_and_earlier_versions(engine: Engine) -> None:
    probes = current_filings(engine)
    assert probes.find(AGENCY, 2023) is None
    first = _file(engine, seed=1)
    assert probes.find(AGENCY, 2023) == Head(filing_id=first, current_version=1)
    second = _file(engine, seed=2)
    assert probes.find(AGENCY, 2023) == Head(filing_id=second, current_version=2)
    assert probes.find(AGENCY, 2023, version=1) == Head(filing_id=first, current_version=2)
    assert probes.find(AGENCY, 2023, version=3) is None
    assert probes.find(AGENCY, 2024) is None
    assert probes.find("320813-other", 2023) is None
    assert probes.find(AGENCY + "\0", 2023) is None


def test_one_set_of_probes_per_engine(engine: Engine) -> None:
    assert current_filings(engine) is current_filings(engine)


def test_a_session_ended_by_the_database_is_replaced(engine: Engine) -> None:
    first = _file(engine, seed=1)
    probes = current_filings(engine)
    assert probes.find(AGENCY, 2023) == Head(first, 1)
    if engine.dialect.name == "postgresql":
        # the probes' sessions, as a restart of the server would end them
        with engine.connect() as conn:
            ended = conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ANY(:pids)"
                ),
                {"pids": [session.connection.pgconn.backend_pid for session in probes._idle]},
            ).all()
        assert ended and all(row[0] for row in ended)
    else:
        for session in probes._idle:
            session.connection.close()
    assert probes.find(AGENCY, 2023) == Head(first, 1)


def test_disposing_the_engine_closes_the_probes_sessions(engine: Engine) -> None:
    first = _file(engine, seed=1)
    probes = current_filings(engine)
    assert probes.find(AGENCY, 2023) == Head(first, 1)
    kept = [session.connection for session in probes._idle]
    assert kept
    engine.dispose()
    assert probes._idle == []
    assert all(_closed(connection) for connection in kept)
    assert probes.find(AGENCY, 2023) == Head(first, 1)  # new sessions


def _closed(connection: object) -> bool:
    closed = getattr(connection, "closed", None)
    if closed is not None:  # psycopg
        return bool(closed)
    try:
        connection.execute("SELECT 1")  # type: ignore[attr-defined]
    except Exception:  # sqlite3.ProgrammingError: closed
        return True
    return False


def test_an_in_memory_database() -> None:
    """One connection per thread (SingletonThreadPool): probes use the engine's own."""
    engine = make_engine("sqlite://")
    try:
        upgrade(engine)
        first = _file(engine, seed=1)
        assert current_filings(engine).find(AGENCY, 2023) == Head(first, 1)
        with engine.connect() as conn:
            assert conn.execute(filings.select()).all()  # the same database, still there
    finally:
        engine.dispose()


def test_text_no_database_holds_finds_nothing(engine: Engine) -> None:
    _file(engine, seed=1)
    probes = current_filings(engine)
    assert probes.find(AGENCY[:-1] + "\ud800", 2023) is None
    assert probes.find(AGENCY, 2023) is not None  # the session is still good


def test_a_probe_restarts_the_statement_clock(tmp_path: Path) -> None:
    """SQLite's statement timeout looks at its clock every so many steps, counted across the
    runs of a cached statement: a probe starts the clock as SQLAlchemy does before each
    statement, or a connection whose last statement began long ago is interrupted."""
    engine = make_engine(f"sqlite:///{tmp_path}/clock.sqlite3", statement_timeout=20)
    try:
        upgrade(engine)
        first = _file(engine, seed=1)
        probes = current_filings(engine)
        assert probes.find(AGENCY, 2023) == Head(first, 1)
        for session in probes._idle:
            assert session.clock is not None
            session.clock.deadline = 0.0  # as if its last statement began long ago
        rounds = PROGRESS_STEPS // 10  # more steps than the clock's period, whatever a probe costs
        assert all(probes.find(AGENCY, 2023) == Head(first, 1) for _ in range(rounds))
    finally:
        engine.dispose()
