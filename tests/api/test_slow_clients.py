"""A real `gongkai serve` on 127.0.0.1 with idle and slow connections held open: requests are
still answered, and the errors gunicorn answers itself are problem+json."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from gongkai.store.db import make_engine, upgrade
from tests.servers import free_port, start_serve, wait_until_ready

DEADLINE = 120.0  # seconds: a bound for a busy machine, never a measure of speed
HELD = 40  # more connections than the server has threads (1 worker × 2 threads)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    database = tmp_path_factory.mktemp("serve") / "gongkai.sqlite3"
    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine)
    engine.dispose()
    port = free_port()
    env = {
        "GONGKAI_DATABASE_URL": f"sqlite:///{database}",
        "GONGKAI_WORKERS": "1",
        "GONGKAI_THREADS": "2",
        "GONGKAI_HEADER_TIMEOUT": "2",
        "GONGKAI_BODY_TIMEOUT": "2",
        "GONGKAI_WARMUP": "0",
    }
    proc = start_serve(port, env)
    try:
        wait_until_ready(f"http://127.0.0.1:{port}/healthz", proc)
        yield port
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        print(proc.communicate(timeout=DEADLINE)[0].decode())  # shown when a test fails


def _connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=DEADLINE)


def _answer(sock: socket.socket) -> tuple[str, dict[str, str], bytes]:
    """Status line, headers and body of one answer that closes the connection."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return status, headers, body


@pytest.mark.slow
def test_requests_are_answered_while_idle_and_slow_connections_are_held(server: int) -> None:
    held = [_connect(server) for _ in range(HELD)]
    try:
        for i, sock in enumerate(held[::2]):  # half of them send part of a request head
            sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: {i}".encode())
        for _ in range(3):
            with urllib.request.urlopen(
                f"http://127.0.0.1:{server}/healthz", timeout=DEADLINE
            ) as r:
                assert r.status == 200 and json.load(r)["status"] == "ok"
    finally:
        for sock in held:
            sock.close()


@pytest.mark.slow
def test_a_request_head_that_never_ends_is_disconnected(server: int) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        until = time.monotonic() + DEADLINE
        closed = False
        while not closed and time.monotonic() < until:
            try:
                closed = sock.recv(1024) == b""  # GONGKAI_HEADER_TIMEOUT is 2 s here
            except ConnectionResetError:
                closed = True
        assert closed


@pytest.mark.slow
def test_a_body_that_stops_arriving_is_a_408_problem(server: int) -> None:
    with _connect(server) as sock:
        sock.sendall(
            b"POST /api/v1/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/zip\r\n"
            b"Content-Length: 100000\r\nConnection: close\r\n\r\nPK"  # then nothing more
        )
        line, headers, body = _answer(sock)  # GONGKAI_BODY_TIMEOUT is 2 s here
    assert line.split(" ", 2)[1] == "408"
    assert headers["content-type"] == "application/problem+json"
    assert json.loads(body)["code"] == "request-timeout"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("request_head", "status", "code"),
    [
        (b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri-too-long"),
        (
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n",
            431,
            "request-header-fields-too-large",
        ),
        (
            b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
            + b"".join(b"X-Many-%d: 1\r\n" % i for i in range(60))
            + b"\r\n",
            431,
            "request-header-fields-too-large",
        ),
        (
            b"GET /healthz HTTP/1.1\r\n"
            + b"X-Huge: "
            + b"c" * 8000
            + b"\r\n" * 1
            + b"".join(b"X-Fill-%d: " % i + b"d" * 8000 + b"\r\n" for i in range(5)),
            431,
            "request-header-fields-too-large",
        ),
        (b"NOT A REQUEST\r\n\r\n", 400, "bad-request"),
    ],
    ids=["long-line", "long-header", "many-headers", "head-over-32k", "garbage"],
)
def test_what_gunicorn_refuses_itself_is_problem_json(
    server: int, request_head: bytes, status: int, code: str
) -> None:
    with _connect(server) as sock:
        sock.sendall(request_head)
        line, headers, body = _answer(sock)
    assert line.split(" ", 2)[1] == str(status)
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == status and problem["code"] == code
    assert problem["type"] == f"urn:gongkai:problem:{code}" and problem["message_zh"]


@pytest.mark.slow
def test_a_long_url_under_gunicorns_limit_is_the_apps_414(server: int) -> None:
    url = f"http://127.0.0.1:{server}/api/v1/agencies?name=" + "a" * 4010
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=DEADLINE)
    with refused.value as error:
        assert error.code == 414
        assert error.headers["Content-Type"] == "application/problem+json"
        assert json.load(error)["code"] == "uri-too-long"


def test_serve_runs_the_bounded_worker() -> None:
    from gongkai.cli.server import WORKER, serving_options
    from gongkai.settings import Settings

    options = serving_options(Settings(database_url="sqlite://", threads=3, keepalive=4))
    pairs = dict(zip(options[::2], options[1::2], strict=True))
    assert pairs["--worker-class"] == WORKER == "gongkai.worker.BoundedThreadWorker"
    assert (pairs["--threads"], pairs["--keep-alive"]) == ("3", "4")


@pytest.mark.slow
def test_kept_alive_pipelined_and_piecemeal_requests_are_answered(server: int) -> None:
    """The worker gathers each request head itself: on a kept-alive connection, two requests
    sent at once, and a head arriving in pieces are all answered."""
    import http.client

    kept = http.client.HTTPConnection("127.0.0.1", server, timeout=DEADLINE)
    statuses = []
    for _ in range(3):
        kept.request("GET", "/healthz")
        answer = kept.getresponse()
        answer.read()
        statuses.append((answer.status, answer.getheader("Connection")))
    kept.close()
    assert statuses == [(200, "keep-alive")] * 3
    with _connect(server) as sock:
        sock.sendall(
            b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        line, _, body = _answer(sock)
    assert line.startswith("HTTP/1.1 200") and body.count(b"HTTP/1.1 200") == 1
    with _connect(server) as sock:
        for piece in (
            b"GET /hea",
            b"lthz HTTP/1.1\r\nHo",
            b"st: x\r\nConnection: close\r\n",
            b"\r\n",
        ):
            sock.sendall(piece)
            time.sleep(0.2)  # apart, so that the server reads them one by one
        line, _, body = _answer(sock)
    assert line.startswith("HTTP/1.1 200") and json.loads(body)["status"] == "ok"
