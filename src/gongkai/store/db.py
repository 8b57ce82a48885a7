"""Engines and migrations: SQLite (foreign keys on, WAL) or PostgreSQL.

An engine made with `statement_timeout` cancels any statement running longer (PostgreSQL's
statement_timeout; on SQLite a progress handler interrupts it) and raises StatementTimeout.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).with_name("migrations")
PROGRESS_STEPS = 20_000  # SQLite virtual-machine steps between two looks at the clock
STATEMENT_CLOCK = "gongkai_statement_clock"  # connection-record info: a StatementClock


class StatementClock:
    """When the running statement of one SQLite connection must end. SQLAlchemy starts it
    before each statement; whoever runs statements on the DBAPI connection directly must
    start it too (the progress handler counts steps across a cached statement's runs)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = float("inf")

    def start(self) -> None:
        self.deadline = time.monotonic() + self.seconds

    def expired(self) -> bool:
        return time.monotonic() > self.deadline


class StatementTimeout(Exception):
    """A statement ran past the engine's statement_timeout and was cancelled."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"a database statement ran longer than {seconds:g} s and was cancelled")
        self.seconds = seconds


def make_engine(url: str, *, statement_timeout: float | None = None, **kwargs: Any) -> Engine:
    """An engine for `url`; for SQLite the file's folder is created if missing.

    `statement_timeout` (seconds; None or 0: none) bounds every statement."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        engine = create_engine(url, **kwargs)
        if parsed.get_backend_name() == "postgresql":

            @event.listens_for(engine, "connect")
            def _on_pg_connect(dbapi_conn: Any, _record: Any) -> None:
                # JIT compiling an aggregate costs more (~1.7 s) than running it.
                with dbapi_conn.cursor() as cursor:
                    cursor.execute("SET jit = off")
                    if statement_timeout:
                        milliseconds = int(statement_timeout * 1000)
                        cursor.execute(f"SET statement_timeout = {milliseconds}")
                dbapi_conn.commit()

            if statement_timeout:
                _raise_timeouts(engine, statement_timeout, _pg_cancelled)
        return engine
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        if statement_timeout:
            clock = record.info[STATEMENT_CLOCK] = StatementClock(statement_timeout)
            # a true answer interrupts the statement (sqlite3.OperationalError)
            dbapi_conn.set_progress_handler(clock.expired, PROGRESS_STEPS)

    if statement_timeout:

        @event.listens_for(engine, "before_cursor_execute")
        def _start_clock(conn: Any, *_: Any) -> None:
            clock = conn.info.get(STATEMENT_CLOCK)
            if clock is not None:
                clock.start()

        _raise_timeouts(engine, statement_timeout, _sqlite_interrupted)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the write lock at BEGIN, so two writers queue instead of failing
        # to upgrade a read lock; readers never block in WAL mode.
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _pg_cancelled(error: BaseException) -> bool:
    return getattr(error, "sqlstate", None) == "57014"  # query_canceled


def _sqlite_interrupted(error: BaseException) -> bool:
    return isinstance(error, sqlite3.OperationalError) and str(error) == "interrupted"


def _raise_timeouts(engine: Engine, seconds: float, cancelled: Any) -> None:
    @event.listens_for(engine, "handle_error")
    def _timeout(context: Any) -> None:
        if cancelled(context.original_exception):
            raise StatementTimeout(seconds) from context.original_exception


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (the newest by default)."""
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def ping(engine: Engine) -> None:
    """One round trip to the database; raises SQLAlchemy's error when it does not answer."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
