"""Whole-country coverage of a national year (150,000 agencies, 142,500 reports) through HTTP
on SQLite and PostgreSQL, against DuckDB over the same rows in Parquet.

    .venv/bin/python bench/generate.py bench/out/national --count 142500 --registry --flat
    .venv/bin/python bench/coverage_registry.py bench/out/national [--rounds 7] [--keep]
                                                [--postgres URL]

Set-up as bench/aggregate_registry.py (not measured). Then, alternating, medians of the rounds:

- duckdb: the counts of the summary computed by DuckDB from the Parquet files: the registry's
  agencies, those with a report, and of these the late ones and those whose lateness cannot be
  told, for the whole country and per province;
- summary: GET /api/v1/coverage?year=2024 — the counts and the first page (100 agencies);
- by province: GET /api/v1/coverage?year=2024&by=province — and the counts per province;
- missing page: GET /api/v1/coverage?year=2024&status=missing&limit=1000 — the first 1,000
  agencies that sent nothing.

Once, not alternating: the whole list as CSV (/coverage.csv?year=2024, 150,000 rows streamed),
the body the API gave before it paged (then one JSON of every agency, 35 MB).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb

from aggregate_registry import median_ms, parquet
from national_store import YEAR, stores
from served import served

SUMMARY = f"/api/v1/coverage?year={YEAR}"
BY_PROVINCE = f"/api/v1/coverage?year={YEAR}&by=province"
MISSING = f"/api/v1/coverage?year={YEAR}&status=missing&limit=1000"
CSV = f"/api/v1/coverage.csv?year={YEAR}"


def duckdb_counts(folder: Path) -> Callable[[], int]:
    # late: published after 31 January (agencies) or 31 March (governments) of the next year
    query = f"""
        SELECT substr(g.region_code, 1, 2) || '0000' AS p, COUNT(*), COUNT(r.agency_id),
               COUNT(CASE WHEN r.published_on > make_date({YEAR} + 1,
                     CASE WHEN r.scope = 'government' THEN 3 ELSE 1 END,
                     CASE WHEN r.scope = 'government' THEN 31 ELSE 31 END) THEN 1 END),
               COUNT(CASE WHEN r.agency_id IS NOT NULL AND r.published_on IS NULL THEN 1 END)
        FROM '{folder}/agencies.parquet' g
        LEFT JOIN '{folder}/reports.parquet' r ON r.agency_id = g.agency_id AND r.year = {YEAR}
        GROUP BY ROLLUP (p)
    """
    con = duckdb.connect()
    return lambda: len(con.execute(query).fetchall())


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
                        "duckdb": duckdb_counts(folder),
                        "summary": lambda get=get: len(get(SUMMARY)),
                        "by province": lambda get=get: len(get(BY_PROVINCE)),
                        "missing page": lambda get=get: len(get(MISSING)),
                    },
                    args.rounds,
                )
                start = time.perf_counter()
                size = len(get(CSV))
                whole = time.perf_counter() - start
            base = result["duckdb"]
            print(
                f"{name}: duckdb {base:.0f} ms; over HTTP: summary {result['summary']:.0f} ms "
                f"({result['summary'] / base:.2f}), by province {result['by province']:.0f} ms "
                f"({result['by province'] / base:.2f}), a page of 1,000 missing "
                f"{result['missing page']:.0f} ms; the whole CSV {whole:.1f} s, "
                f"{size / 1e6:.1f} MB"
            )


if __name__ == "__main__":
    main()
