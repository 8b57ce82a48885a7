"""Reading one report's JSON against a minimal Flask endpoint on the same gunicorn.

    .venv/bin/python bench/api_read.py [--requests 400] [--workers 2] [--concurrency 4]

One gunicorn (127.0.0.1, a free port) serves the gongkai app on a fresh SQLite database,
with the 淮安市 2024 package filed, plus one extra route `/bench/minimal` that returns a
tiny JSON body without touching the database: the ceiling for this server. Requests to the
two alternate, so both see the same machine load. Prints medians and the ratio.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = "/api/v1/agencies/320800-huaian-government/reports/2024"


def app():  # gunicorn: bench.api_read:app()
    from gongkai.api import create_app

    flask_app = create_app(warm=True)

    @flask_app.get("/bench/minimal")
    def minimal() -> dict[str, bool]:
        return {"ok": True}

    return flask_app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str) -> float:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status}")
    return time.perf_counter() - start


def _prepare(env: dict[str, str]) -> None:
    python = [sys.executable, "-m", "gongkai.cli.server"]
    run = {"env": env, "check": True, "cwd": ROOT, "stdout": subprocess.DEVNULL}
    subprocess.run([*python, "db", "upgrade"], **run)
    subprocess.run([*python, "agencies", "load", "examples/agencies.csv"], **run)
    subprocess.run([*python, "load", "datasets/huaian-city-2024"], **run)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400, help="per endpoint")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "GONGKAI_DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "PYTHONPATH": str(ROOT),
        }
        _prepare(env)
        port = _free_port()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(
            [
                str(gunicorn),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--no-control-socket",
                "bench.api_read:app()",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            for _ in range(100):
                try:
                    _get(port, "/bench/minimal")
                    break
                except (OSError, RuntimeError):
                    time.sleep(0.1)
            for _ in range(20):  # warm both paths in every worker
                _get(port, REPORT)
                _get(port, "/bench/minimal")
            print(f"gunicorn {args.workers} workers, {args.requests} requests per endpoint")
            # sequential latency, alternating
            report, minimal = [], []
            for _ in range(args.requests):
                report.append(_get(port, REPORT))
                minimal.append(_get(port, "/bench/minimal"))
            r, m = statistics.median(report), statistics.median(minimal)
            print(
                f"one client:  report JSON {r * 1000:.2f} ms, minimal {m * 1000:.2f} ms, "
                f"ratio {r / m:.2f}"
            )
            # throughput with several clients, endpoints alternating in rounds
            rates = {}
            for _round in range(2):
                for path in (REPORT, "/bench/minimal"):
                    start = time.perf_counter()
                    with ThreadPoolExecutor(args.concurrency) as pool:
                        list(pool.map(_get, [port] * args.requests, [path] * args.requests))
                    rate = args.requests / (time.perf_counter() - start)
                    rates.setdefault(path, []).append(rate)
            rr, mr = max(rates[REPORT]), max(rates["/bench/minimal"])
            print(
                f"{args.concurrency} clients: report JSON {rr:.0f} req/s, minimal {mr:.0f} req/s, "
                f"ratio {rr / mr:.2f}"
            )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
