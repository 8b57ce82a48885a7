"""The gongkai app served over HTTP on 127.0.0.1 from this process, for benchmarks that
measure what a client sees (routing, the database, serialisation, the socket)."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from werkzeug.serving import WSGIRequestHandler, make_server

from gongkai.api import create_app
from gongkai.settings import Settings


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        """No line per request: the benchmark prints its own."""


@contextmanager
def served(engine: Engine) -> Iterator[Callable[[str], bytes]]:
    """A `get(path) -> body` that asks a server of the app on `engine` (200 required)."""
    settings = Settings(database_url=str(engine.url), statement_timeout=0)
    server = make_server("127.0.0.1", 0, create_app(settings, engine), request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def get(path: str) -> bytes:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=600)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status} {body[:300]!r}")
        return body

    try:
        yield get
    finally:
        server.shutdown()
        thread.join()
