"""What keeping the totals adds to one filing: `file_report` with the totals kept against the
same without them, side by side, on SQLite and PostgreSQL.

    .venv/bin/python bench/filing_totals_cost.py [--filings 300] [--postgres URL]

Each database (a fresh SQLite file, a fresh PostgreSQL schema) first holds one province's
registry and a year of its reports with their totals (bench/aggregate_page_ratio.py's set-up,
not measured), so a filing updates totals rows that exist, as in a live year. Then, alternating
one by one, `--filings` reports (of the next year: a first version each; every fourth is then
corrected, which adds one version and takes the other's figures away) are filed:

- kept: `file_report` as served (the figures, then `apply_filings` in the same transaction);
- without: the same with `apply_filings` replaced by nothing (what a filing cost before).

Prints the median time per filing of each and their ratio.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gongkai.store.filings as filings_module
from aggregate_page_ratio import _typed, load
from generate import agency_id, agency_pool, figures
from gongkai.store.db import upgrade
from gongkai.store.filings import NewFiling, file_report
from gongkai.store.registry import load_agencies
from national_store import bench_engines

YEAR = 2025  # the set-up fills 2024 and before


def _filings(count: int, rng: random.Random) -> list[NewFiling]:
    pool = [a for a in agency_pool(rng) if a[0].startswith("32")][:count]
    out = []
    for i, (region, name, level, scope) in enumerate(pool):
        agency = (agency_id(i, region, scope), region, name, level, scope)
        report, proactive, applications, reviews = figures(agency, YEAR, rng, drop=False)
        tables: dict[str, list[dict[str, Any]]] = {
            "reports": [_typed("reports", report)],
            "proactive": [_typed("proactive", proactive)],
            "applications": [_typed("applications", line) for line in applications],
            "reviews": [_typed("reviews", reviews)],
        }
        tables["reports"][0]["published_on"] = date(YEAR + 1, 1, 10)
        out.append(NewFiling(agency[0], YEAR, "2021", f"{i:064x}", {}, tables))
    return out


def _corrected(filing: NewFiling) -> NewFiling:
    tables = {name: [dict(row) for row in rows] for name, rows in filing.tables.items()}
    tables["reviews"][0]["review_upheld"] = (tables["reviews"][0]["review_upheld"] or 0) + 1
    tables["reviews"][0]["review_total"] = (tables["reviews"][0]["review_total"] or 0) + 1
    return NewFiling(filing.agency_id, YEAR, "2021", "c" + filing.sha256[1:], {}, tables)


def measure(engines: dict[str, Engine], count: int) -> None:
    rng = random.Random(2)
    batch = _filings(count, rng)
    kept_apply = filings_module.apply_filings
    for name, engine in engines.items():
        upgrade(engine)
        load(engine, "32", 1)
        if name == "postgresql":  # the set-up chose the ids itself: the sequence goes on from them
            with engine.begin() as conn:
                sequence = "pg_get_serial_sequence('filings', 'id')"
                conn.execute(text(f"SELECT setval({sequence}, max(id)) FROM filings"))
        load_agencies(engine, [f.tables["reports"][0] for f in batch])
        times: dict[str, list[float]] = {"kept": [], "without": []}
        for i, filing in enumerate(batch):
            way = ("kept", "without")[i % 2]
            filings_module.apply_filings = kept_apply if way == "kept" else _nothing  # type: ignore[assignment]
            start = time.perf_counter()
            file_report(engine, filing)
            if i % 4 < 2:  # a correction of every other pair: the replaced version subtracts
                file_report(engine, _corrected(filing))
            times[way].append(time.perf_counter() - start)
        filings_module.apply_filings = kept_apply
        kept, without = (statistics.median(times[w]) * 1000 for w in ("kept", "without"))
        print(
            f"{name}: per filing (with its correction, for half of them) kept {kept:.1f} ms, "
            f"without totals {without:.1f} ms, ratio {kept / without:.2f}"
        )


def _nothing(*_: Any) -> None:
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--filings", type=int, default=300)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with bench_engines(args.postgres) as engines:
        measure(engines, args.filings)


if __name__ == "__main__":
    main()
