"""Waiting for a server process the tests started: however slow the machine, never on time.

A starting server refuses connections, resets them, times out, closes them without a status
line or answers 5xx while its workers boot; every one of those means "not yet". Only the
process ending or the generous deadline ends the wait.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

READY_DEADLINE = 120.0  # seconds: an upper bound for a busy machine, not an expectation


def wait_until_ready(
    url: str, process: subprocess.Popen[bytes], *, deadline: float = READY_DEADLINE
) -> bytes:
    """The body of the first answer below 500 from `url`; AssertionError naming the last
    error when the process ends or the deadline passes first."""
    until = time.monotonic() + deadline
    last: BaseException | None = None
    while time.monotonic() < until:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return bytes(exc.read())
            last = exc
        except (OSError, http.client.HTTPException) as exc:  # refused, reset, timeout, …
            last = exc
        time.sleep(0.25)
    raise AssertionError(f"no answer from {url} within {deadline:.0f} s (last: {last!r})")


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_serve(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`gongkai serve` on 127.0.0.1:`port` with `env` added to this environment, in a session
    of its own (stop it with os.killpg), its output kept for a failing test to show."""
    return subprocess.Popen(
        [sys.executable, "-m", "gongkai.cli.server", "serve", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
