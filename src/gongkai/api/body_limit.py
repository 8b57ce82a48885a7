"""A request body sent without Content-Length (chunked) is held to the same limit as one
with it: past GONGKAI_MAX_UPLOAD_BYTES it is a 413, never a body cut at the limit.

werkzeug wraps such a stream (when the server says it terminates it, as gunicorn does for
chunked bodies) in a LimitedStream that stops reading at MAX_CONTENT_LENGTH and returns what
it read: `request.get_data()` gets the first 20 MB of a 25 MB body as if that were all.
This middleware looks one byte past the limit in the server's stream and refuses the body
when there is one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wsgi import get_content_length


class _StrictLimit:
    """The server's input stream; reading the limit's last byte checks that no more follow."""

    def __init__(self, stream: Any, limit: int) -> None:
        self._stream = stream
        self._limit = limit
        self._read = 0

    def _count(self, data: bytes) -> bytes:
        self._read += len(data)
        if self._read >= self._limit and self._stream.read(1):
            raise RequestEntityTooLarge()
        return data

    def read(self, size: int = -1) -> bytes:
        return self._count(self._stream.read(size))

    def readline(self, size: int = -1) -> bytes:
        return self._count(self._stream.readline(size))

    def __iter__(self) -> Any:
        return iter(self.readline, b"")


def limit_streamed_bodies(app: Flask) -> None:
    inner: Callable[..., Iterable[bytes]] = app.wsgi_app

    def wsgi_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        limit = app.config.get("MAX_CONTENT_LENGTH")
        # werkzeug ignores Content-Length on a chunked body: then it reads the stream
        streamed = get_content_length(environ) is None
        if limit and streamed and "wsgi.input_terminated" in environ:
            environ["wsgi.input"] = _StrictLimit(environ["wsgi.input"], limit)
        return inner(environ, start_response)

    app.wsgi_app = wsgi_app  # type: ignore[method-assign]
