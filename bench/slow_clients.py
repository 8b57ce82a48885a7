"""A report read while 50 idle or slow connections are held open, against `gongkai serve` and,
side by side, the same app under gunicorn's default sync workers (how it was served before).

    .venv/bin/python bench/slow_clients.py [--connections 50] [--reads 20]

Starts both servers on 127.0.0.1 (free ports) over one SQLite database with datasets/ filed,
opens the connections (half send nothing, half send part of a request head and then a byte now
and then), reads one report N times and prints the slowest and median read with the
connections held and without. A read that does not answer within --bound seconds counts as
that bound (the sync workers are stalled until their 30 s timeout). Loopback only, bounded.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
REPORT = "/api/v1/agencies/320800-huaian-government/reports/2024"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int, deadline: float = 120.0) -> None:
    until = time.monotonic() + deadline
    while time.monotonic() < until:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return
        except OSError:
            time.sleep(0.25)
    raise SystemExit(f"no server on port {port} within {deadline:.0f} s")


def _start(argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        argv,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


class Attackers:
    """`count` connections: even ones idle, odd ones trickling a request head."""

    def __init__(self, port: int, count: int) -> None:
        self.port, self.count = port, count
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Attackers:
        self.thread.start()
        time.sleep(1.0)  # every connection open before the first read
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join()

    def _open(self, index: int) -> socket.socket | None:
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
            if index % 2:
                sock.sendall(b"GET " + REPORT.encode() + b" HTTP/1.1\r\nHost: x\r\n")
            return sock
        except OSError:
            return None

    def _run(self) -> None:
        socks = [self._open(i) for i in range(self.count)]
        while not self.stop.wait(0.5):
            for i, sock in enumerate(socks):  # trickle, and reopen what the server closed
                try:
                    if sock is None:
                        raise OSError
                    if i % 2:
                        sock.sendall(b"X")
                except OSError:
                    if sock is not None:
                        sock.close()
                    socks[i] = self._open(i)
        for sock in socks:
            if sock is not None:
                sock.close()


def _reads(port: int, reads: int, bound: float) -> list[float]:
    times = []
    for _ in range(reads):
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{REPORT}", timeout=bound) as r:
                r.read()
            times.append(time.perf_counter() - start)
        except OSError:
            times.append(bound)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--reads", type=int, default=20)
    parser.add_argument("--bound", type=float, default=5.0)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    env = {**os.environ, "GONGKAI_DATABASE_URL": f"sqlite:///{folder / 'g.sqlite3'}"}
    gongkai = str(BIN / "gongkai")
    for step in (
        ["db", "upgrade"],
        ["agencies", "load", str(ROOT / "examples" / "agencies.csv")],
        ["load", *map(str, sorted((ROOT / "datasets").iterdir()))],
    ):
        subprocess.run([gongkai, *step], env=env, check=True, capture_output=True)
    ports = {"gongkai serve": _free_port(), "sync workers": _free_port()}
    servers = [
        _start([gongkai, "serve", "--port", str(ports["gongkai serve"])], env),
        _start(
            [
                str(BIN / "gunicorn"),
                "--bind",
                f"127.0.0.1:{ports['sync workers']}",
                "--workers",
                "2",
                "--no-control-socket",
                "gongkai.api:create_app(warm=True)",
            ],
            env,
        ),
    ]
    try:
        for port in ports.values():
            _wait(port)
        print(
            f"{args.reads} reads of {REPORT}, {args.connections} idle or slow connections held "
            f"open (a read not answered within {args.bound:.0f} s counts as {args.bound:.0f} s)"
        )
        print(f"{'server':<14} {'held':>5} {'median s':>9} {'slowest s':>10}")
        results = {}
        for name, port in ports.items():
            quiet = _reads(port, args.reads, args.bound)
            with Attackers(port, args.connections):
                held = _reads(port, args.reads, args.bound)
            results[name] = (quiet, held)
            for label, times in (("0", quiet), (str(args.connections), held)):
                print(f"{name:<14} {label:>5} {statistics.median(times):>9.3f} {max(times):>10.3f}")
        quiet, held = results["gongkai serve"]
        print(
            f"gongkai serve: slowest read with connections held / median without = "
            f"{max(held) / statistics.median(quiet):.1f}"
        )
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
