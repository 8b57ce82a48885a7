"""A bulk transaction's totals on PostgreSQL: the upsert per totals table (ON CONFLICT) against
the staged path (store.totals.move_in_bulk), alternately, each in a transaction rolled back, on
the same loaded database. Python and server CPU (the backend's, from /proc) are reported beside
wall time: the machine is shared.

    .venv/bin/python bench/totals_chunk.py postgresql+psycopg://postgres@127.0.0.1:5432/gk \
        --filings 22500 --rounds 2

The chosen filings are the last `--filings` current versions: the database must hold a load.
--replaced N also replaces (subtracts) N of them in the same call, as corrections would.
"""

from __future__ import annotations

import argparse
import os
import time

from sqlalchemy import create_engine, select

from gongkai.store import totals as totals_module
from gongkai.store.tables import heads

TICKS = os.sysconf("SC_CLK_TCK")


def _backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) of one PostgreSQL backend on this machine."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def run(url: str, filings: int, replaced: int, path: str) -> tuple[float, float, float]:
    engine = create_engine(url)
    with engine.connect() as conn:
        ids = sorted(
            conn.execute(
                select(heads.c.filing_id).order_by(heads.c.filing_id.desc()).limit(filings)
            )
            .scalars()
            .all()
        )
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        conn.rollback()
        totals_module.BULK = 1 if path == "staged" else 10**9
        with conn.begin() as tx:
            conn.exec_driver_sql("SET LOCAL work_mem = '256MB'")
            server, wall, cpu = _backend_cpu(pid), time.perf_counter(), time.process_time()
            totals_module.apply_filings(conn, ids, ids[:replaced])
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            server = _backend_cpu(pid) - server
            tx.rollback()
    engine.dispose()
    return wall, cpu, server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--filings", type=int, default=22_500)
    parser.add_argument("--replaced", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    print("path\tround\twall s\tPython CPU s\tserver CPU s")
    results: dict[str, list[float]] = {"upsert": [], "staged": []}
    for n in range(args.rounds):
        for path in ("upsert", "staged") if n % 2 == 0 else ("staged", "upsert"):
            wall, cpu, server = run(args.url, args.filings, args.replaced, path)
            results[path].append(wall)
            print(f"{path}\t{n + 1}\t{wall:.2f}\t{cpu:.2f}\t{server:.2f}", flush=True)
    print(f"upsert / staged, wall: {sum(results['upsert']) / sum(results['staged']):.2f}")


if __name__ == "__main__":
    main()
