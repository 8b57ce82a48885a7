"""Reading one report's JSON against a minimal Flask endpoint on the same gunicorn.

    .venv/bin/python bench/api_read.py [--postgres URL] [--requests 400] [--rounds 40]
                                       [--concurrency 4] [--workers 2]

One gunicorn on 127.0.0.1, started exactly as `gongkai serve` starts it (its worker class,
threads, keep-alive, limits and access log: gongkai.cli.server.serving_options), serves the
gongkai app on a fresh database holding the 淮安市 2024 filing: SQLite in a temporary folder,
or with --postgres a fresh schema of that PostgreSQL (dropped at the end). One extra route,
`/bench/minimal`, returns a tiny JSON body without touching the database: the ceiling of
this server. The app's hooks (URL checks, session, language, access log) run for it too;
CORS headers, which only /api/v1 answers carry, it does not get. The server runs the code of
the tree this script is in (its src/ first on PYTHONPATH): a copy of an older commit measures
that commit.

Three measures, each endpoint's requests alternating with the other's so both see the same
machine load:

- one client: sequential requests on one kept-alive connection, report and minimal in turn;
  median latencies and their ratio;
- throughput: `--concurrency` client processes, each on its own kept-alive connection,
  send `--requests` requests in all to one endpoint, then to the other, `--rounds` times;
  the median rate of each and the ratio report / minimal (the issue asks for at least 0.8);
- server CPU per request over the same rounds: the CPU time the gunicorn workers (and, on
  PostgreSQL, the database sessions they opened) spent, from /proc, divided by the requests.
  Other work on a shared machine moves wall-clock rates a lot and CPU time little, so the
  ratio minimal / report of this is the steadier estimate of the same throughput ratio for a
  server that is busy (CPU-bound) with these requests.
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
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = "/api/v1/agencies/320800-huaian-government/reports/2024"
MINIMAL = "/bench/minimal"


def app():  # gunicorn: bench.api_read:app()
    from gongkai.api import create_app

    flask_app = create_app(warm=True)

    @flask_app.get(MINIMAL)
    def minimal() -> dict[str, bool]:
        return {"ok": True}

    return flask_app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(conn: http.client.HTTPConnection, path: str) -> None:
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status}")


def _client(port: int, path: str, count: int) -> tuple[float, float]:
    """One client process: `count` requests on one kept-alive connection; when it ran."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    _get(conn, path)  # connected before the clock starts
    start = time.perf_counter()  # CLOCK_MONOTONIC: comparable between processes
    for _ in range(count):
        _get(conn, path)
    end = time.perf_counter()
    conn.close()
    return start, end


@contextmanager
def _database(postgres: str | None) -> Iterator[str]:
    """The URL of a fresh database: a SQLite file, or a new schema of `postgres`."""
    if postgres is None:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.sqlite3"
        return
    from sqlalchemy import text

    from gongkai.store.db import make_engine

    schema = f"gk_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(postgres)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        sep = "&" if "?" in postgres else "?"
        yield f"{postgres}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _prepare(env: dict[str, str]) -> None:
    python = [sys.executable, "-m", "gongkai.cli.server"]
    for command in (
        ["db", "upgrade"],
        ["agencies", "load", "examples/agencies.csv"],
        ["load", "datasets/huaian-city-2024"],
    ):
        done = subprocess.run([*python, *command], env=env, cwd=ROOT, capture_output=True)
        if done.returncode:
            sys.exit(f"gongkai {' '.join(command)}: {done.stderr.decode()}")


def _gunicorn(port: int, workers: int) -> list[str]:
    """gunicorn's command line as `gongkai serve` builds it, with the bench's app."""
    from gongkai.cli.server import serving_options
    from gongkai.settings import Settings

    return [
        str(Path(sys.executable).with_name("gunicorn")),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        *serving_options(Settings.from_env()),
        "--no-control-socket",
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        "127.0.0.1",
        "bench.api_read:app()",
    ]


def _wait_until_serving(port: int) -> None:
    for _ in range(200):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            _get(conn, MINIMAL)
            conn.close()
            return
        except (OSError, RuntimeError):
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def _one_client(port: int, requests: int) -> tuple[float, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    report, minimal = [], []
    for _ in range(requests):
        for path, times in ((REPORT, report), (MINIMAL, minimal)):
            start = time.perf_counter()
            _get(conn, path)
            times.append(time.perf_counter() - start)
    conn.close()
    return statistics.median(report), statistics.median(minimal)


def _rate(pool: ProcessPoolExecutor, port: int, path: str, requests: int, clients: int) -> float:
    each = requests // clients
    spans = list(pool.map(_client, [port] * clients, [path] * clients, [each] * clients))
    elapsed = max(end for _, end in spans) - min(start for start, _ in spans)
    return each * clients / elapsed


class ServerCpu:
    """CPU seconds spent by gunicorn's workers and their database sessions (Linux /proc)."""

    def __init__(self, master: int, application_name: str | None, postgres: str | None) -> None:
        self.master = master
        self.sessions_query = None
        if postgres and application_name:
            from sqlalchemy import text

            from gongkai.store.db import make_engine

            self.engine = make_engine(postgres)
            self.sessions_query = text(
                "SELECT pid FROM pg_stat_activity WHERE application_name = :name"
            ).bindparams(name=application_name)

    def close(self) -> None:
        if self.sessions_query is not None:
            self.engine.dispose()

    def pids(self) -> dict[int, str]:
        """The workers' and the database sessions' process ids."""
        children = Path(f"/proc/{self.master}/task/{self.master}/children").read_text()
        pids = {int(pid): "workers" for pid in children.split()}
        if self.sessions_query is not None:
            with self.engine.connect() as conn:
                pids.update(
                    {pid: "database" for pid in conn.execute(self.sessions_query).scalars()}
                )
        return pids

    def seconds(self) -> dict[int, tuple[str, float]]:
        """CPU seconds of each process now: the time its threads ran, in nanoseconds
        (schedstat; the clock-tick counts of /proc/PID/stat are too coarse for short rounds)."""
        out = {}
        for pid, kind in self.pids().items():
            try:
                ran = sum(
                    int(task.joinpath("schedstat").read_text().split()[0])
                    for task in Path(f"/proc/{pid}/task").iterdir()
                )
            except OSError:  # gone
                continue
            out[pid] = (kind, ran / 1e9)
        return out


def _spent(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]
) -> Counter[str]:
    """CPU seconds spent between two readings, by kind of process."""
    spent: Counter[str] = Counter()
    for pid, (kind, seconds) in after.items():
        spent[kind] += seconds - before.get(pid, (kind, 0.0))[1]
    return spent


@dataclass
class Round:
    rate: float  # requests per second
    cpu: float  # server CPU seconds per request
    database_cpu: float  # of which the database sessions'


def _rounds(
    pool: ProcessPoolExecutor, port: int, cpu: ServerCpu, args: argparse.Namespace
) -> dict[str, list[Round]]:
    """`args.rounds` rounds, each endpoint in turn within a round."""
    served = args.requests // args.concurrency * args.concurrency
    rounds: dict[str, list[Round]] = {REPORT: [], MINIMAL: []}
    for number in range(args.rounds):
        # ABBA: which goes first alternates, so a drift in the machine's load favours neither
        for path in (REPORT, MINIMAL) if number % 2 == 0 else (MINIMAL, REPORT):
            before = cpu.seconds()
            rate = _rate(pool, port, path, args.requests, args.concurrency)
            spent = _spent(before, cpu.seconds())
            rounds[path].append(
                Round(rate, sum(spent.values()) / served, spent["database"] / served)
            )
    return rounds


def _print_rounds(rounds: dict[str, list[Round]], clients: int, postgres: bool) -> None:
    report, minimal = rounds[REPORT], rounds[MINIMAL]
    rr, mr = (statistics.median(r.rate for r in rounds[path]) for path in (REPORT, MINIMAL))
    ratios = sorted(r.rate / m.rate for r, m in zip(report, minimal, strict=True))
    print(
        f"{clients} clients, median throughput: report JSON {rr:.0f} req/s, "
        f"minimal {mr:.0f} req/s, ratio {rr / mr:.2f} "
        f"(one round's ratio: {ratios[0]:.2f} to {ratios[-1]:.2f})"
    )
    rc, mc = (statistics.median(r.cpu for r in rounds[path]) for path in (REPORT, MINIMAL))
    ratios = sorted(m.cpu / r.cpu for r, m in zip(report, minimal, strict=True))
    database = ""
    if postgres:
        database = f" (database {statistics.median(r.database_cpu for r in report) * 1e6:.0f})"
    print(
        f"median server CPU per request: report JSON {rc * 1e6:.0f} µs{database}, "
        f"minimal {mc * 1e6:.0f} µs, ratio minimal / report {mc / rc:.2f} "
        f"(one round's: {ratios[0]:.2f} to {ratios[-1]:.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", help="a PostgreSQL URL (default: SQLite)")
    parser.add_argument("--requests", type=int, default=400, help="per endpoint and round")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=4, help="client processes")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with _database(args.postgres) as url:
        application_name = None
        if args.postgres:  # the server's sessions, to count their CPU time
            application_name = f"gk_bench_read_{os.getpid()}"
            url += f"&application_name={application_name}"
        env = {
            **os.environ,
            "GONGKAI_DATABASE_URL": url,
            "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",  # the code of this tree, not the installed
        }
        _prepare(env)
        port = _free_port()
        # the server's log, shown when a request fails
        with tempfile.TemporaryFile("w+") as errors:
            server = subprocess.Popen(
                _gunicorn(port, args.workers),
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                start_new_session=True,
            )
            try:
                _serve_and_measure(server, port, application_name, args)
            except RuntimeError:
                errors.seek(0)
                print(errors.read()[-5000:], file=sys.stderr)
                raise
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)


def _serve_and_measure(
    server: subprocess.Popen[bytes],
    port: int,
    application_name: str | None,
    args: argparse.Namespace,
) -> None:
    cpu = ServerCpu(server.pid, application_name, args.postgres)
    try:
        _wait_until_serving(port)
        with ProcessPoolExecutor(args.concurrency) as pool:
            for path in (REPORT, MINIMAL):  # every worker and thread warm on both paths
                _rate(pool, port, path, 50 * args.concurrency, args.concurrency)
            database = "PostgreSQL" if args.postgres else "SQLite"
            print(
                f"{database}, gunicorn {args.workers} workers as `gongkai serve` runs it; "
                f"{args.requests} requests per endpoint and round, {args.rounds} rounds"
            )
            r, m = _one_client(port, args.requests // 2)
            print(
                f"one client, median latency: report JSON {r * 1000:.3f} ms, "
                f"minimal {m * 1000:.3f} ms, ratio {r / m:.2f}"
            )
            rounds = _rounds(pool, port, cpu, args)
        _print_rounds(rounds, args.concurrency, bool(args.postgres))
    finally:
        cpu.close()


if __name__ == "__main__":
    main()
