"""A whole-country aggregate over a national year (142,500 reports, 150,000 agencies), through
HTTP on SQLite and PostgreSQL, against DuckDB over the same rows in Parquet.

    .venv/bin/python bench/generate.py bench/out/national --count 142500 --registry --flat
    .venv/bin/python bench/aggregate_registry.py bench/out/national [--rounds 7] [--keep]
                                                 [--postgres URL]

Set-up (not measured; bench/national_store.py): the national year is stored in both
databases, its totals kept by `apply_filings` as a bulk load keeps them, and written once as
Parquet (bench/out/national-parquet/). Then, alternating, medians of the rounds:

- duckdb: what /aggregate/applications?year=2024&by=province answers, computed by DuckDB
  from the Parquet files in one process: per province and item, SUM and COUNT of each of the
  seven columns over the agencies' reports, and per province the registry's agencies and those
  with a report (coverage);
- raw rows: one plain `SELECT province, item, SUM(col)… GROUP BY` over the figures rows in the
  database (what answering from the raw rows costs at the least: the way before totals);
- gongkai: GET /api/v1/aggregate/applications?year=2024&by=province through HTTP (a werkzeug
  server on 127.0.0.1 in this process), the body read whole.

Prints the medians and the ratios gongkai / duckdb and raw rows / gongkai per database.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb
from sqlalchemy import Engine, func, select

from gongkai.standard import load_standard
from gongkai.store.coverage import group_key
from gongkai.store.tables import figures_table
from national_store import YEAR, stores
from served import served

VALUES = [f.name for f in load_standard().formats["2021"].tables["applications"].value_fields]
AGGREGATE = f"/api/v1/aggregate/applications?year={YEAR}&by=province"
TEXT_COLUMNS = {
    "agencies": {"agency_id": "VARCHAR", "region_code": "VARCHAR", "parent_id": "VARCHAR"},
    "reports": {"agency_id": "VARCHAR", "region_code": "VARCHAR", "format": "VARCHAR"},
    "applications": {"agency_id": "VARCHAR"},
}


def parquet(folder: Path) -> Path:
    """The flat package's tables as Parquet (once), beside the folder."""
    out = folder.parent / f"{folder.name}-parquet"
    if not (out / "agencies.parquet").exists():
        out.mkdir(exist_ok=True)
        with duckdb.connect() as con:
            for name in ("agencies", "reports", "applications"):
                # codes stay text (leading zeros, prefixes), as the store keeps them
                con.execute(
                    f"COPY (SELECT * FROM read_csv('{folder / name}.csv', header=true, "
                    f"types={TEXT_COLUMNS[name]})) TO '{out / name}.parquet' (FORMAT parquet)"
                )
    return out


def duckdb_aggregate(folder: Path) -> Callable[[], int]:
    sums = ", ".join(f"SUM(a.{v}), COUNT(a.{v})" for v in VALUES)
    query = f"""
        SELECT substr(r.region_code, 1, 2) || '0000' AS g, a.item, COUNT(*), {sums}
        FROM '{folder}/applications.parquet' a JOIN '{folder}/reports.parquet' r USING (agency_id)
        WHERE r.year = {YEAR} AND r.scope = 'agency' GROUP BY g, a.item
    """
    coverage = f"""
        SELECT substr(g.region_code, 1, 2) || '0000', COUNT(*), COUNT(r.agency_id)
        FROM '{folder}/agencies.parquet' g
        LEFT JOIN '{folder}/reports.parquet' r ON r.agency_id = g.agency_id AND r.year = {YEAR}
        WHERE g.scope = 'agency' GROUP BY 1
    """
    con = duckdb.connect()

    def run() -> int:
        return len(con.execute(query).fetchall()) + len(con.execute(coverage).fetchall())

    return run


def raw_rows(engine: Engine) -> Callable[[], int]:
    table = figures_table("applications", "2021")
    reports = figures_table("reports", "2021")
    key = group_key("province", reports.c.region_code, None, None)
    query = (
        select(key, table.c.item, *[func.sum(table.c[v]) for v in VALUES])
        .join(reports, reports.c.filing_id == table.c.filing_id)
        .where(reports.c.year == YEAR, reports.c.scope == "agency")
        .group_by(key, table.c.item)
    )

    def run() -> int:
        with engine.connect() as conn:
            return len(conn.execute(query).all())

    return run


def median_ms(runs: dict[str, Callable[[], int]], rounds: int) -> dict[str, float]:
    """Medians in ms, the runs alternating within each round (after one warm-up each)."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():
        run()
    for _ in range(rounds):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--keep", action="store_true", help="keep (or reuse) the databases")
    args = parser.parse_args()
    folder = parquet(args.folder)
    with stores(args.folder, args.postgres, keep=args.keep) as engines:
        for name, engine in engines.items():
            with served(engine) as get:
                result = median_ms(
                    {
                        "duckdb": duckdb_aggregate(folder),
                        "raw rows": raw_rows(engine),
                        "gongkai": lambda get=get: len(get(AGGREGATE)),
                    },
                    args.rounds,
                )
            print(
                f"{name}: duckdb {result['duckdb']:.0f} ms, raw rows {result['raw rows']:.0f} ms, "
                f"gongkai over HTTP {result['gongkai']:.0f} ms; "
                f"gongkai / duckdb {result['gongkai'] / result['duckdb']:.2f}, "
                f"raw rows / gongkai {result['raw rows'] / result['gongkai']:.1f}"
            )


if __name__ == "__main__":
    main()
