"""Which version is current, known without asking PostgreSQL while nothing has changed.

Every change of `heads`, by any writer (the API, `gongkai load`, manual SQL), is announced by
a trigger (migration 0007) with pg_notify on the channel gongkai_heads, after its transaction
commits. A process keeps one session LISTENing there and a cache of what its reads found;
before a read uses the cache it takes in what has arrived on that session's socket, without a
round trip (libpq reads what the kernel holds), and forgets the keys named. A background
thread waits on the socket too, and makes the session again when it is lost.

The cache is off (every read asks the database, as without it) while the session is not
there: at the start, after an error, while the database is away or lacks the trigger. When
the session is back the cache starts empty: notifications may have been missed meanwhile.

What a read may miss: a change whose notification has not reached this process's socket yet
(the database sends it right after the commit; other processes are told at the same moment).
A writer in this process closes that window for itself with `settle()`: it sends a marker
notification after its commit and waits until its own session receives it. Notifications
arrive in commit order, so by then its own change has been taken in, and other listeners'
database sessions have been signalled about it too. It also changes a stamp that the
processes of this host share (store/heads_stamp.py), which their next reads look at: they
forget what they kept.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import socket
import threading
import uuid
import weakref
from collections.abc import Callable
from typing import Any

from gongkai.store.heads_stamp import HeadsStamp, database_identity, stamp_of

log = logging.getLogger(__name__)

CHANNEL = "gongkai_heads"
MAX_KEYS = 100_000  # agency and year pairs kept; past that the cache starts again
RETRY_SECONDS = 1.0  # between two attempts to make the session again
SETTLE_SECONDS = 2.0  # the longest a writer waits for its marker before turning the cache off
# TCP keepalive of the listening session (seconds idle, between probes, probes): a session that
# waits for hours hears nothing from a peer gone without a word (a dropped network), so the
# kernel asks, and after about a minute of silence the socket fails and the cache turns off.
KEEPALIVE = (30, 10, 3)

MISSING: Any = object()  # what the cache answers for a key it does not hold

_ALL: weakref.WeakSet[HeadsListener] = weakref.WeakSet()
_INHERITED: list[Any] = []  # sessions of a parent process, never closed in a child


class EngineGone(Exception):
    """The engine of a listener is gone: its thread ends."""


class HeadsListener:
    """The LISTEN session of one process on one database, and the cache it keeps true.

    `open_session` makes a psycopg connection (the engine's settings applied, autocommit);
    `announce` sends a notification on the channel from another session (a committed
    transaction) and says which database it is (heads_stamp.database_identity)."""

    def __init__(
        self,
        open_session: Callable[[], Any],
        announce: Callable[[str], str],
    ) -> None:
        self._announce = announce
        self._stamp: HeadsStamp | None = None  # known once a session told which database
        self._stamp_seen: bytes | None = None
        self._open_session = open_session
        self._lock = threading.Lock()
        self._marker_seen = threading.Condition(self._lock)
        self._session: Any = None  # psycopg connection; None while the cache is off
        self._schema = ""
        self._broken = False  # a read found the session lost: the thread makes a new one
        self._entries: dict[tuple[str, int], dict[int | None, Any]] = {}
        self.epoch = 0  # moves whenever something is forgotten (see `put`)
        self._markers: set[str] = set()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        _ALL.add(self)

    # --- reads ------------------------------------------------------------------------------

    def lookup(self, agency_id: str, year: int, version: int | None) -> tuple[Any, int | None]:
        """(what is cached for the key or MISSING, the epoch to `put` with); the epoch is None
        when the cache is off."""
        self._start()
        with self._lock:
            if self._session is None or self._broken:
                return MISSING, None
            self._drain()
            if self._session is None or self._broken:
                return MISSING, None
            if self._stamp is not None:
                stamp = self._stamp.read()
                if stamp != self._stamp_seen:  # a writer of this host changed `heads`
                    self._stamp_seen = stamp
                    self._entries.clear()
                    self.epoch += 1
            versions = self._entries.get((agency_id, year))
            found = MISSING if versions is None else versions.get(version, MISSING)
            return found, self.epoch

    def put(self, agency_id: str, year: int, version: int | None, value: Any, epoch: int) -> None:
        """Keep what a read found, unless anything was forgotten since it looked (it may have
        read the database before that change)."""
        with self._lock:
            if epoch != self.epoch or self._session is None or self._broken:
                return
            if len(self._entries) >= MAX_KEYS:
                self._entries.clear()
            self._entries.setdefault((agency_id, year), {})[version] = value

    @property
    def on(self) -> bool:
        return self._session is not None and not self._broken

    # --- writers ----------------------------------------------------------------------------

    def settle(self) -> None:
        """After a commit in this process: the processes of this host are told at once, by
        the shared stamp; then, while this process's cache is on, return once every
        notification committed before has been taken in here (see the module's description).
        The cache is turned off when the marker does not come back in time. Never raises."""
        marker = uuid.uuid4().hex
        with self._lock:
            self._markers.add(marker)
        try:
            try:
                database = self._announce(json.dumps({"marker": marker}))
            except Exception:  # the change is committed: the answer must not fail for this
                log.warning("could not announce a change of heads", exc_info=True)
                with self._lock:
                    if self._session is not None:
                        self._lose()  # this process forgets; the trigger told the others
                return
            stamp_of(database).change()
            if not self.on:
                return
            with self._lock:
                arrived = self._marker_seen.wait_for(
                    lambda: marker not in self._markers or not self.on, SETTLE_SECONDS
                )
                if not arrived and self._session is not None:
                    self._lose()  # silent session: make a new one rather than trust it
        finally:
            with self._lock:
                self._markers.discard(marker)

    # --- the session ------------------------------------------------------------------------

    def _drain(self) -> None:
        """Take in what has arrived, without waiting (the lock is held)."""
        pgconn = self._session.pgconn
        try:
            pgconn.consume_input()
        except Exception:  # psycopg.OperationalError: the session is gone
            self._lose()
            return
        while True:
            notice = pgconn.notifies()
            if notice is None:
                break
            self._apply(notice.extra)

    def _apply(self, payload: bytes) -> None:
        try:
            message = json.loads(payload)
            if "marker" in message:
                self._markers.discard(str(message["marker"]))
                self._marker_seen.notify_all()
                return
            if message.get("schema") != self._schema:
                return  # another schema's heads
            keys = [(str(agency_id), int(year)) for agency_id, year in message["keys"] or []]
            forget_all = message["keys"] is None
        except Exception:  # not a payload of the trigger's (someone's NOTIFY): forget all
            keys, forget_all = [], True
        self.epoch += 1
        if forget_all:
            self._entries.clear()
        for key in keys:
            self._entries.pop(key, None)

    def _lose(self) -> None:
        """The cache is off until the thread has a new session (the lock is held)."""
        self._broken = True
        self._entries.clear()
        self.epoch += 1
        self._marker_seen.notify_all()

    def _start(self) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None and not self._stopped.is_set():
                    self._thread = threading.Thread(
                        target=self._run, name="gongkai-heads-listener", daemon=True
                    )
                    self._thread.start()

    def _run(self) -> None:
        while not self._stopped.is_set():
            session = self._session
            if session is None or self._broken:
                self._replace_session()
                if self._session is None:
                    self._stopped.wait(RETRY_SECONDS)
                continue
            try:
                ready, _, _ = select.select([session.pgconn.socket], [], [], RETRY_SECONDS)
            except Exception:  # a socket libpq closed (OperationalError), or closed here
                ready = [True]  # draining finds the session gone
            if ready:
                with self._lock:
                    if self._session is session and not self._broken:
                        self._drain()
        self._close()

    def _replace_session(self) -> None:
        self._close()
        try:
            session = self._open_session()
        except EngineGone:
            self._stopped.set()
            return
        except Exception:  # the database is away: the cache stays off
            return
        try:
            keep_alive(session.pgconn.socket)
            schema = _listen(session)
        except Exception:  # lost again at once
            schema = None
        if schema is None:  # or no trigger yet (before migration 0007): the cache stays off
            _close(session)
            return
        stamp = stamp_of(database_identity(session, schema))
        with self._lock:
            self._session, self._schema, self._broken = session, schema, False
            self._stamp, self._stamp_seen = stamp, stamp.read()
            self._entries.clear()  # what was missed while there was no session
            self.epoch += 1
            self._marker_seen.notify_all()

    def _close(self) -> None:
        with self._lock:
            session, self._session = self._session, None
            self._broken = False
            self._entries.clear()
            self.epoch += 1
            self._marker_seen.notify_all()
        if session is not None:
            _close(session)

    def reconnect(self) -> None:
        """Off until the thread has made a new session (the engine was disposed)."""
        with self._lock:
            if self._session is not None:
                self._lose()

    def stop(self) -> None:
        """No more cache: the thread closes the session and ends (at once if none runs)."""
        self._stopped.set()
        with self._lock:
            if self._session is not None:
                self._lose()
        if self._thread is None:
            self._close()

    def _forget_in_child(self) -> None:
        """After a fork: the session's socket is the parent's, and no thread runs here. The
        parent's session is kept from being finalized here (libpq would end it for both)."""
        if self._session is not None:
            _INHERITED.append(self._session)
        self._session = None
        self._broken = False
        self._entries.clear()
        self._thread = None
        self._lock = threading.Lock()
        self._marker_seen = threading.Condition(self._lock)


def _listen(session: Any) -> str | None:
    """LISTEN on the channel; the schema of `heads` whose notifications to take, or None when
    its triggers are not there (a database before migration 0007: the cache stays off)."""
    with session.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.oid = to_regclass('heads') AND EXISTS (SELECT 1 FROM pg_trigger t "
            "WHERE t.tgrelid = c.oid AND t.tgname = 'gongkai_heads_updated')"
        )
        row = cursor.fetchone()
        if row is None:
            return None
        cursor.execute(f"LISTEN {CHANNEL}")
    return str(row[0])


def keep_alive(descriptor: int) -> bool:
    """Turn on TCP keepalive (KEEPALIVE) on a session's socket; False for a Unix socket, whose
    peer cannot vanish without the kernel knowing."""
    with socket.socket(fileno=os.dup(descriptor)) as sock:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return False
        idle, interval, count = KEEPALIVE
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, idle)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, interval)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, count)
        return True


def _close(session: Any) -> None:
    with contextlib.suppress(Exception):
        session.close()


def _after_fork_in_child() -> None:
    for listener in list(_ALL):
        listener._forget_in_child()


os.register_at_fork(after_in_child=_after_fork_in_child)
