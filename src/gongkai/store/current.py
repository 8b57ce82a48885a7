"""Which filing a read of one report serves: one primary-key probe of `heads` per request.

A filing never changes, so the API keeps what it renders of one; what it must ask on every
request is only which version is current, since a correction may be filed at any moment by
any process. That question is one indexed row, so its cost is the statement's overhead, which
this module keeps small: the two statements are compiled once and run on a DBAPI connection
in autocommit (no BEGIN and ROLLBACK around them). On PostgreSQL with psycopg they are
prepared once per session and executed through libpq itself (psycopg.pq), which costs the
client a quarter of a cursor's execute.

The probes keep connections of their own, made by the engine's pool (its connect listeners
ran: session settings, the statement timeout) and taken out of it, so no ping precedes each
probe (on PostgreSQL two more round trips). A connection the database ended is closed and the
probe retried once on a new one, which is what the ping would have done. On SQLite the
statement timeout's clock (store/db.py) is started before each probe, as SQLAlchemy starts it
before each statement.

On PostgreSQL the answers are also kept in a per-process cache that every change of `heads`
invalidates through LISTEN/NOTIFY (store/heads_listener.py, whose description says exactly
what a read may miss): while nothing changed, a read makes no round trip at all. A writer in
this process calls `settle()` after its commit, before it answers.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from threading import Lock
from typing import Any

from sqlalchemy import Dialect, Engine, and_, bindparam, event, select, text
from sqlalchemy.pool import QueuePool
from sqlalchemy.sql import Select

from gongkai.store.db import STATEMENT_CLOCK, StatementClock
from gongkai.store.heads_listener import CHANNEL, MISSING, EngineGone, HeadsListener
from gongkai.store.heads_stamp import database_identity
from gongkai.store.tables import filings, heads

_CURRENT = select(heads.c.filing_id, heads.c.version).where(
    heads.c.agency_id == bindparam("agency_id"), heads.c.year == bindparam("year")
)
_VERSION = (
    select(filings.c.id, heads.c.version)
    .join(heads, and_(heads.c.agency_id == filings.c.agency_id, heads.c.year == filings.c.year))
    .where(
        filings.c.agency_id == bindparam("agency_id"),
        filings.c.year == bindparam("year"),
        filings.c.version == bindparam("version"),
    )
)

# a notification, and the schema `heads` is found in (the session's search path)
_ANNOUNCE = text(
    "SELECT pg_notify(:channel, :payload), n.nspname FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = 'heads'::regclass"
)


@dataclass(frozen=True)
class Head:
    """The filing a read serves and the version current for its agency and year."""

    filing_id: int
    current_version: int


class _Statement:
    """A select compiled once: its SQL text and how to pass its parameters."""

    def __init__(self, name: str, query: Select[Any], dialect: Dialect) -> None:
        compiled = query.compile(dialect=dialect)
        self.name = name.encode()  # of the prepared statement (libpq)
        self.sql = str(compiled)
        self.positions: Sequence[str] | None = compiled.positiontup

    def parameters(self, values: dict[str, Any]) -> Any:
        if self.positions is None:
            return values
        return [values[name] for name in self.positions]


@dataclass(slots=True)
class _Session:
    """A kept DBAPI connection."""

    connection: Any
    generation: int  # CurrentFilings.dispose() starts a new one; older sessions are closed
    clock: StatementClock | None  # SQLite's statement timeout, started before each probe


class CurrentFilings:
    """Probes of `heads` on one database (see the module's description)."""

    def __init__(self, engine: Engine) -> None:
        # weakly: the probes live as long as their engine, not longer (current_filings)
        self._engine = weakref.ref(engine)
        self._dialect = engine.dialect
        self._libpq = engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg"
        dialect = engine.dialect
        if self._libpq:  # $1, $2: the placeholders of a statement libpq prepares
            dialect_class: Any = type(engine.dialect)
            dialect = dialect_class(paramstyle="numeric_dollar")
        self._current = _Statement("gongkai_current_filing", _CURRENT, dialect)
        self._version = _Statement("gongkai_filing_version", _VERSION, dialect)
        # Connections of their own, kept idle in a stack: a pool's checkout and checkin cost
        # more than the probe, and the last one used is taken first, so few database sessions
        # do the work and stay warm. Only where the engine's pool hands connections to any
        # thread (an in-memory SQLite database is one connection per thread: probes check
        # that out of the engine's pool).
        self._kept = isinstance(engine.pool, QueuePool)
        self._idle: list[_Session] = []
        self._generation = 0
        self._lock = Lock()
        self.known: HeadsListener | None = None
        if self._libpq:
            self.known = HeadsListener(self._listen_session, self._announce)
            weakref.finalize(engine, self.known.stop)

    def find(self, agency_id: str, year: int, version: int | None = None) -> Head | None:
        """The current filing of an agency and year, or its version `version`; None when
        there is none."""
        if "\0" in agency_id:  # no stored id holds one (and libpq would cut the text there)
            return None
        epoch = None
        if self.known is not None:
            found, epoch = self.known.lookup(agency_id, year, version)
            if found is not MISSING:
                return found
        head = self._probe(agency_id, year, version)
        if epoch is not None and self.known is not None:
            self.known.put(agency_id, year, version, head, epoch)
        return head

    def settle(self) -> None:
        """After a change of `heads` committed in this process: once this returns, this
        process's reads see it (store/heads_listener.py)."""
        if self.known is not None:
            self.known.settle()

    def _probe(self, agency_id: str, year: int, version: int | None) -> Head | None:
        values: dict[str, Any] = {"agency_id": agency_id, "year": year}
        statement = self._current
        if version is not None:
            values["version"] = version
            statement = self._version
        try:
            row = self._fetch_one(statement, statement.parameters(values))
        except UnicodeEncodeError:  # text the database cannot hold (a lone surrogate)
            return None
        if row is None or row[0] is None:
            return None
        return Head(filing_id=int(row[0]), current_version=int(row[1]))

    def _fetch_one(self, statement: _Statement, parameters: Any) -> Any:
        if not self._kept:
            with self._alive_engine().raw_connection() as proxied:
                session = _Session(proxied.dbapi_connection, 0, proxied.info.get(STATEMENT_CLOCK))
                return self._run(session, statement, parameters)
        for attempt in range(2):
            session = self._take()
            alive = True
            try:
                return self._run(session, statement, parameters)
            except self._dialect.loaded_dbapi.Error as exc:
                if not self._dialect.is_disconnect(exc, session.connection, None):
                    raise
                alive = False  # gone (a database restart): once more, on a new connection
                if attempt:
                    raise
            finally:
                if alive:
                    self._give_back(session)
                else:
                    _close(session.connection, self._dialect)
        raise AssertionError("unreachable")

    def _run(self, session: _Session, statement: _Statement, parameters: Any) -> Any:
        if self._libpq:
            return _run_prepared(session.connection, statement, parameters)
        if session.clock is not None:  # what SQLAlchemy does before each statement
            session.clock.start()
        return _run_on_cursor(session.connection, statement, parameters)

    def _take(self) -> _Session:
        with self._lock:
            if self._idle:
                return self._idle.pop()
            generation = self._generation
        return self._open(generation)

    def _give_back(self, session: _Session) -> None:
        with self._lock:
            if session.generation == self._generation:
                self._idle.append(session)
                return
        _close(session.connection, self._dialect)

    def _open(self, generation: int) -> _Session:
        """A DBAPI connection made by the engine's pool (its connect listeners ran) and taken
        out of it, in autocommit, the statements prepared on it (libpq)."""
        proxied = self._alive_engine().raw_connection()
        proxied.rollback()  # the checkout's ping may have begun a transaction
        clock = proxied.info.get(STATEMENT_CLOCK)  # SQLite's statement timeout
        proxied.detach()
        connection: Any = proxied.dbapi_connection
        if self._dialect.name != "sqlite":  # SQLite's are in autocommit already (store/db.py)
            connection.autocommit = True
        if self._libpq:
            for statement in (self._current, self._version):
                _prepare(connection, statement)
        return _Session(connection, generation, clock)

    def _listen_session(self) -> Any:
        """A psycopg connection for LISTEN, made as the probes' are (not prepared)."""
        engine = self._engine()
        if engine is None:
            raise EngineGone()
        proxied = engine.raw_connection()
        proxied.rollback()
        proxied.detach()
        connection = proxied.dbapi_connection
        connection.autocommit = True  # type: ignore[union-attr]
        return connection

    def _announce(self, payload: str) -> str:
        """Notify `payload` on the channel; which database this is (its `heads`'s schema)."""
        with self._alive_engine().begin() as conn:
            values = {"channel": CHANNEL, "payload": payload}
            schema = conn.execute(_ANNOUNCE, values).one()[1]
            session = conn.connection.dbapi_connection
        return database_identity(session, str(schema))

    def _alive_engine(self) -> Engine:
        engine = self._engine()
        if engine is None:
            raise RuntimeError("the engine of these probes is gone")
        return engine

    def dispose(self) -> None:
        """Close the idle connections (their engine is disposed), and the others as they
        come back."""
        with self._lock:
            idle, self._idle = self._idle, []
            self._generation += 1
        for session in idle:
            _close(session.connection, self._dialect)
        if self.known is not None:
            self.known.reconnect()


def _close(connection: Any, dialect: Dialect) -> None:
    with contextlib.suppress(dialect.loaded_dbapi.Error):
        connection.close()


def _run_on_cursor(dbapi_connection: Any, statement: _Statement, parameters: Any) -> Any:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(statement.sql, parameters)
        return cursor.fetchone()
    finally:
        cursor.close()


def _prepare(dbapi_connection: Any, statement: _Statement) -> None:
    from psycopg import pq

    result = dbapi_connection.pgconn.prepare(statement.name, statement.sql.encode())
    if result.status != pq.ExecStatus.COMMAND_OK:
        raise _error(dbapi_connection, result)


def _run_prepared(dbapi_connection: Any, statement: _Statement, parameters: list[Any]) -> Any:
    """The first row (values as text) of the statement prepared on this session."""
    from psycopg import pq

    encoding = dbapi_connection.info.encoding  # the session's client encoding
    texts = [str(value).encode(encoding) for value in parameters]
    result = dbapi_connection.pgconn.exec_prepared(statement.name, texts)
    if result.status != pq.ExecStatus.TUPLES_OK:
        raise _error(dbapi_connection, result)
    if not result.ntuples:
        return None
    return result.get_value(0, 0), result.get_value(0, 1)


def _error(dbapi_connection: Any, result: Any) -> Exception:
    """psycopg's exception for a failed libpq result (OperationalError when the session is
    gone, so that the dialect sees a disconnect)."""
    from psycopg import OperationalError, errors, pq

    message = (result.error_message or b"").decode(errors="replace").strip()
    if dbapi_connection.pgconn.status != pq.ConnStatus.OK:
        return OperationalError(message or "the connection to the database is lost")
    sqlstate = result.error_field(pq.DiagnosticField.SQLSTATE)
    kind = errors.lookup(sqlstate.decode()) if sqlstate else errors.DatabaseError
    return kind(message)


_BY_ENGINE: weakref.WeakKeyDictionary[Engine, CurrentFilings] = weakref.WeakKeyDictionary()
_LOCK = Lock()


def current_filings(engine: Engine) -> CurrentFilings:
    """The probes of `engine`'s database (one set per engine, closed with it)."""
    found = _BY_ENGINE.get(engine)
    if found is not None:
        return found
    with _LOCK:
        found = _BY_ENGINE.get(engine)
        if found is not None:
            return found
        probes = _BY_ENGINE[engine] = CurrentFilings(engine)
        event.listen(engine, "engine_disposed", lambda _engine: probes.dispose())
        return probes
