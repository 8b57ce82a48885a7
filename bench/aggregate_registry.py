"""An aggregate over a national-scale registry (150,000 agencies, one year), SQLite and PostgreSQL.

    .venv/bin/python bench/generate.py bench/out/national --count 142500 --registry --flat
    .venv/bin/python bench/aggregate_registry.py bench/out/national [--rounds 5] [--postgres URL]

The flat package's rows are inserted as first versions straight into the store's tables (the
set-up, not measured), and the registry is loaded. Then, alternating, on each database:

- baseline: one plain `SELECT province, item, SUM(col)… GROUP BY` over the same rows: the least
  any aggregate must do;
- gongkai: `aggregate()` as /aggregate/applications?by=province serves it: current versions only,
  SUM and COUNT per cell (reported, blank) and coverage against the registry with the list of
  missing agencies.

Prints medians and the ratio gongkai / baseline per database, and SQLite / PostgreSQL.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, text

from gongkai.standard import load_standard
from gongkai.store.aggregates import aggregate, group_key
from gongkai.store.db import make_engine, upgrade
from gongkai.store.queries import RowFilter
from gongkai.store.registry import load_agencies
from gongkai.store.tables import derived_region_columns, figures_table, filings, heads

YEAR = 2024


def _typed(table: str, row: dict[str, str]) -> dict[str, Any]:
    fields = {f.name: f for f in load_standard().formats["2021"].tables[table].fields}
    out: dict[str, Any] = {}
    for name, value in row.items():
        kind = fields[name].type
        if value == "":
            out[name] = None
        elif kind == "integer":
            out[name] = int(value)
        elif kind == "number":
            out[name] = Decimal(value)
        elif kind == "date":
            out[name] = date.fromisoformat(value)
        else:
            out[name] = value
    return out


def _rows(folder: Path, table: str) -> list[dict[str, Any]]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return [_typed(table, r) for r in csv.DictReader(fh)]


def load(engine: Engine, folder: Path) -> int:
    with (folder / "agencies.csv").open(encoding="utf-8", newline="") as fh:
        load_agencies(engine, list(csv.DictReader(fh)))
    tables = {t: _rows(folder, t) for t in ("reports", "proactive", "applications", "reviews")}
    ids = {r["agency_id"]: i + 1 for i, r in enumerate(tables["reports"])}
    item_order = {
        c: i
        for i, c in enumerate(load_standard().formats["2021"].tables["applications"].item_codes)
    }
    now = datetime(2025, 1, 15, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            filings.insert(),
            [
                {
                    "id": n,
                    "agency_id": a,
                    "year": YEAR,
                    "version": 1,
                    "sha256": f"{n:064x}",
                    "received_at": now,
                    "format": "2021",
                    "valid": True,
                    "warnings": [],
                    "origin": "load",
                }
                for a, n in ids.items()
            ],
        )
        conn.execute(
            heads.insert(),
            [{"agency_id": a, "year": YEAR, "version": 1, "filing_id": n} for a, n in ids.items()],
        )
        for name, rows in tables.items():
            batch = []
            for r in rows:
                r = {**r, "filing_id": ids[r["agency_id"]]}
                if name == "applications":
                    r["seq"] = item_order[r["item"]]
                if name == "reports":
                    r.update(derived_region_columns(r["region_code"]))
                batch.append(r)
                if len(batch) == 20000:
                    conn.execute(figures_table(name, "2021").insert(), batch)
                    batch = []
            if batch:
                conn.execute(figures_table(name, "2021").insert(), batch)
        if conn.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
    return len(ids)


def baseline(engine: Engine) -> int:
    table = figures_table("applications", "2021")
    reports = figures_table("reports", "2021")
    key = group_key("province", reports.c.region_code, None, None)
    values = [f.name for f in load_standard().formats["2021"].tables["applications"].value_fields]
    query = (
        select(key, table.c.item, *[func.sum(table.c[v]) for v in values])
        .join(reports, reports.c.filing_id == table.c.filing_id)
        .where(reports.c.year == YEAR, reports.c.scope == "agency")
        .group_by(key, table.c.item)
    )
    with engine.connect() as conn:
        return len(conn.execute(query).all())


def gongkai(engine: Engine) -> int:
    groups = aggregate(
        engine, "applications", "2021", RowFilter(year=YEAR, scope="agency"), "province"
    )
    return sum(len(g.rows) for g in groups)


def measure(engine: Engine, rounds: int) -> tuple[float, float]:
    base, ours = [], []
    baseline(engine), gongkai(engine)  # warm caches
    for _ in range(rounds):
        start = time.perf_counter()
        baseline(engine)
        base.append(time.perf_counter() - start)
        start = time.perf_counter()
        gongkai(engine)
        ours.append(time.perf_counter() - start)
    return statistics.median(base), statistics.median(ours)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = make_engine(f"sqlite:///{tmp}/bench.sqlite3")
        schema = f"gk_bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(args.postgres)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        postgres = make_engine(args.postgres, connect_args={"options": f"-csearch_path={schema}"})
        try:
            for name, engine in (("sqlite", sqlite), ("postgresql", postgres)):
                upgrade(engine)
                start = time.perf_counter()
                count = load(engine, args.folder)
                print(f"{name}: {count} reports loaded in {time.perf_counter() - start:.1f} s")
            for name, engine in (("sqlite", sqlite), ("postgresql", postgres)):
                results[name] = measure(engine, args.rounds)
                b, g = results[name]
                print(
                    f"{name}: baseline {b * 1000:.0f} ms, gongkai aggregate {g * 1000:.0f} ms, "
                    f"ratio {g / b:.2f}"
                )
            print(
                f"gongkai aggregate, SQLite / PostgreSQL: "
                f"{results['sqlite'][1] / results['postgresql'][1]:.2f}"
            )
        finally:
            postgres.dispose()
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
            sqlite.dispose()


if __name__ == "__main__":
    main()
