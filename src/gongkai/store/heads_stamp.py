"""A stamp that the processes of one host share per database: a writer changes it after its
commit, before it answers; a read that finds it changed forgets the current versions it kept.

The notifications of store/heads_listener.py reach a process a little after the commit; this
closes that gap for the processes of one host (the workers of one gunicorn, `gongkai serve`
run twice): their reads look at eight bytes of a shared memory-mapped file, which costs no
system call. The file is the user's own, in the temporary folder, named after the database
(server, database, schema of `heads`); where it cannot be made, there is no stamp and the
notifications alone tell.
"""

from __future__ import annotations

import contextlib
import hashlib
import mmap
import os
import tempfile
import threading
from typing import Any

SIZE = 8
_STAMPS: dict[str, HeadsStamp] = {}
_STAMPS_LOCK = threading.Lock()


def database_identity(session: Any, schema: str) -> str:
    """How the processes of this host name one database's `heads`: from a psycopg session."""
    info = session.info
    return f"{info.host}:{info.port}/{info.dbname}/{schema}"


def stamp_of(database: str) -> HeadsStamp:
    """The stamp of a database (one object per process)."""
    with _STAMPS_LOCK:
        found = _STAMPS.get(database)
        if found is None:
            found = _STAMPS[database] = HeadsStamp(database)
        return found


class HeadsStamp:
    """The shared stamp of one database on this host."""

    def __init__(self, database: str) -> None:
        digest = hashlib.sha256(database.encode()).hexdigest()[:24]
        self.path = os.path.join(tempfile.gettempdir(), f"gongkai-heads-{os.getuid()}-{digest}")
        self._map: mmap.mmap | None = None
        self._tried = False
        self._lock = threading.Lock()

    def read(self) -> bytes | None:
        """The stamp now, or None when there is none."""
        shared = self._map if self._tried else self._open()
        return None if shared is None else shared[:SIZE]

    def change(self) -> None:
        """Tell the other processes that `heads` changed (after the commit)."""
        shared = self._map if self._tried else self._open()
        if shared is not None:
            shared[:SIZE] = os.urandom(SIZE)

    def _open(self) -> mmap.mmap | None:
        with self._lock:
            if not self._tried:
                with contextlib.suppress(OSError, ValueError):
                    self._map = _shared_map(self.path)
                self._tried = True
        return self._map


def _shared_map(path: str) -> mmap.mmap:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        if os.fstat(descriptor).st_uid != os.getuid():
            raise OSError(f"{path} belongs to another user")
        if os.fstat(descriptor).st_size < SIZE:
            os.ftruncate(descriptor, SIZE)
        return mmap.mmap(descriptor, SIZE)
    finally:
        os.close(descriptor)
