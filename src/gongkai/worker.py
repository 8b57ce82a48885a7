"""The gunicorn worker `gongkai serve` runs: gunicorn's threaded worker (gthread) made so that
slow or idle clients cannot hold its threads, answering gunicorn's own errors as problem+json.

gthread gives a connection to a thread as soon as it is readable, and the thread then waits
until the whole request head (line and headers) has arrived: a client sending a few bytes of
headers now and then holds a thread for as long as it likes, and a handful of them stall the
service. Here every connection waits for its request head in the worker's selector, which
costs no thread: the main loop gathers the head without blocking and hands the connection to a
thread only once the head is complete. A head that has not arrived within
GONGKAI_HEADER_TIMEOUT seconds closes the connection; a head longer than HEAD_LIMIT bytes is
answered 431. In the thread, a client that stalls for GONGKAI_BODY_TIMEOUT seconds while
sending its body or reading the answer is cut off. (TLS belongs to the proxy in front,
docs/deployment.md; when gunicorn serves TLS itself, heads are read as gthread reads them.)
"""

from __future__ import annotations

import errno
import io
import json
import selectors
import time
from functools import partial
from http import HTTPStatus
from typing import Any

from gunicorn import util
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine
from gunicorn.workers.gthread import TConn, ThreadWorker

from gongkai.settings import Settings

HEAD_END = b"\r\n\r\n"
HEAD_LIMIT = 32 * 1024  # bytes of request line and headers (nginx's default buffers hold 32 KB)
RECEIVE = 16 * 1024

# gunicorn's own answers (the request never reached the app): code and Chinese message
GUNICORN_ANSWERS = {
    400: ("bad-request", "请求格式不正确"),
    403: ("forbidden", "请求被拒绝"),
    408: ("request-timeout", "请求未在限定时间内发送完毕"),
    414: ("uri-too-long", "请求行（网址）过长"),
    417: ("expectation-failed", "无法满足 Expect 请求头"),
    431: ("request-header-fields-too-large", "请求头过多或过长"),
    500: ("internal-error", "服务器未能处理此请求"),
    501: ("not-implemented", "不支持该传输编码"),
}


def problem_answer(status: int, detail: str) -> bytes:
    """A whole HTTP answer with a problem+json body, for errors gunicorn answers itself."""
    from gongkai.api.errors import problem_body  # the one error body, as the app builds it

    code, zh = GUNICORN_ANSWERS.get(status, GUNICORN_ANSWERS[400])
    phrase = HTTPStatus(status).phrase
    body = json.dumps(
        problem_body(status, code, detail[:300] or phrase, message_zh=zh), ensure_ascii=False
    ).encode()
    head = (
        f"HTTP/1.1 {status} {phrase}\r\nConnection: close\r\n"
        f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def write_problem(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn.util.write_error's signature: its HTML page becomes problem+json."""
    util.write_nonblock(sock, problem_answer(status_int, mesg))


class HeadConn(TConn):
    """A connection that gathers its request head before a thread takes it."""

    def __init__(self, cfg: Any, sock: Any, client: Any, server: Any) -> None:
        super().__init__(cfg, sock, client, server)
        self.head = bytearray()
        self.head_error: Exception | None = None
        self.io_timeout: float | None = None

    def init(self) -> None:
        super().init()  # in the thread: blocking socket, the parser made on the first request
        self.sock.settimeout(self.io_timeout)
        unreader = getattr(self.parser, "unreader", None)
        if self.head and unreader is not None:
            # what the main loop read goes after anything the parser still holds
            held = unreader.buf.getvalue()
            unreader.buf = io.BytesIO()
            unreader.buf.write(held + bytes(self.head))
        self.head.clear()


class BoundedThreadWorker(ThreadWorker):
    def init_process(self) -> None:
        settings = Settings.from_env()
        self.header_timeout = float(settings.header_timeout)
        self.io_timeout = float(settings.body_timeout) or None
        util.write_error = write_problem  # gunicorn's own error pages, as problem+json
        super().init_process()

    def accept(self, listener: Any) -> None:
        if self.cfg.is_ssl:  # TLS here (not at the proxy): the head can only be read decrypted
            super().accept(listener)
            return
        try:
            client_sock, client_addr = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = HeadConn(self.cfg, client_sock, client_addr, listener.getsockname())
        conn.io_timeout = self.io_timeout
        self._await_head(conn)

    def on_client_socket_readable(self, conn: HeadConn, client: Any) -> None:
        """A kept-alive connection sends its next request: gather its head first too."""
        if not isinstance(conn, HeadConn):
            super().on_client_socket_readable(conn, client)
            return
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._await_head(conn)

    def _await_head(self, conn: HeadConn) -> None:
        conn.sock.setblocking(False)
        conn.timeout = time.monotonic() + self.header_timeout  # murder_pending closes it then
        self.pending_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._gather_head, conn))

    def _gather_head(self, conn: HeadConn, client: Any) -> None:
        """Main loop, never blocking: read what has come; a whole head goes to a thread."""
        try:
            data = conn.sock.recv(RECEIVE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if data:
            conn.head += data
            start = max(0, len(conn.head) - len(data) - len(HEAD_END))
            if conn.head.find(HEAD_END, start) < 0 and len(conn.head) <= HEAD_LIMIT:
                return
            if len(conn.head) > HEAD_LIMIT and conn.head.find(HEAD_END, 0, HEAD_LIMIT) < 0:
                conn.head_error = self._head_too_long(conn.head)
        self.poller.unregister(client)
        self.pending_conns.remove(conn)
        if not data:  # the client left
            self.nr_conns -= 1
            conn.close()
            return
        conn.data_ready = True  # no waiting in the thread: the head is there
        self.enqueue_req(conn)

    def _head_too_long(self, head: bytearray) -> Exception:
        line_limit = self.cfg.limit_request_line or HEAD_LIMIT
        line_end = head.find(b"\r\n", 0, line_limit + 2)
        if line_end < 0:
            return LimitRequestLine(line_limit + 1, line_limit)
        return LimitRequestHeaders(f"the request head is longer than {HEAD_LIMIT} bytes")

    def handle(self, conn: HeadConn) -> Any:
        if conn.head_error is not None:
            self.handle_error(None, conn.sock, conn.client, conn.head_error)
            return False
        return super().handle(conn)
