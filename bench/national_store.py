"""A national year stored in SQLite and PostgreSQL, for the aggregate and coverage benchmarks.

    .venv/bin/python bench/generate.py bench/out/national --count 142500 --registry --flat

`stores(folder, …)` loads the flat package of that folder into a SQLite file and a PostgreSQL
schema (the set-up, not what is measured): the registry, then every report as a first version,
inserted straight into the store's tables in batches, and the totals brought up to date with
`apply_filings` as a bulk load does (timed: what keeping the totals costs a national year).
With `keep`, the databases stay (bench/out/national.sqlite3 and schema gk_bench_national) and a
later run reuses them instead of loading again.
"""

from __future__ import annotations

import csv
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, text

from gongkai.standard import load_standard
from gongkai.store.db import make_engine, upgrade
from gongkai.store.registry import load_agencies
from gongkai.store.tables import derived_region_columns, figures_table, filings, heads
from gongkai.store.totals import apply_filings

YEAR = 2024
BATCH = 20_000
KEPT_SQLITE = "national.sqlite3"
KEPT_SCHEMA = "gk_bench_national"


def _typed(table: str) -> Any:
    fields = {f.name: f.type for f in load_standard().formats["2021"].tables[table].fields}

    def typed(row: dict[str, str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in row.items():
            kind = fields[name]
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

    return typed


def _batches(folder: Path, table: str, ids: dict[str, int]) -> Iterator[list[dict[str, Any]]]:
    typed = _typed(table)
    order = {
        c: i
        for i, c in enumerate(load_standard().formats["2021"].tables["applications"].item_codes)
    }
    batch: list[dict[str, Any]] = []
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        for raw in csv.DictReader(fh):
            row = typed(raw)
            row["filing_id"] = ids[row["agency_id"]]
            if table == "applications":
                row["seq"] = order[row["item"]]
            if table == "reports":
                row.update(derived_region_columns(row["region_code"]))
            batch.append(row)
            if len(batch) == BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def load(engine: Engine, folder: Path) -> tuple[int, float]:
    """The registry and every report of `folder` as first versions; returns the number of
    reports and the seconds `apply_filings` took for all of them."""
    with (folder / "agencies.csv").open(encoding="utf-8", newline="") as fh:
        load_agencies(engine, list(csv.DictReader(fh)))
    with (folder / "reports.csv").open(encoding="utf-8", newline="") as fh:
        ids = {r["agency_id"]: i + 1 for i, r in enumerate(csv.DictReader(fh))}
    received = datetime(2025, 1, 15, tzinfo=UTC)
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
                    "received_at": received,
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
        for name in ("reports", "proactive", "applications", "reviews"):
            for batch in _batches(folder, name, ids):
                conn.execute(figures_table(name, "2021").insert(), batch)
        start = time.perf_counter()
        apply_filings(conn, sorted(ids.values()), [])
        totals_seconds = time.perf_counter() - start
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return len(ids), totals_seconds


def _loaded(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(heads)).scalar_one())


@contextmanager
def bench_engines(
    postgres_url: str, sqlite_path: Path | None = None, schema: str | None = None
) -> Iterator[dict[str, Engine]]:
    """{"sqlite": engine, "postgresql": engine}: a SQLite file (a temporary one unless
    `sqlite_path`) and a PostgreSQL schema of its own (dropped afterwards unless `schema` names
    one to keep), both migrated."""
    with tempfile.TemporaryDirectory() as tmp:
        kept = schema is not None
        schema = schema or f"gk_bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(postgres_url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        engines = {
            "sqlite": make_engine(f"sqlite:///{sqlite_path or Path(tmp) / 'bench.sqlite3'}"),
            "postgresql": make_engine(
                postgres_url, connect_args={"options": f"-csearch_path={schema}"}
            ),
        }
        try:
            for engine in engines.values():
                upgrade(engine)
            yield engines
        finally:
            for engine in engines.values():
                engine.dispose()
            if not kept:
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


@contextmanager
def stores(folder: Path, postgres_url: str, keep: bool = False) -> Iterator[dict[str, Engine]]:
    """{"sqlite": engine, "postgresql": engine} holding the national year of `folder`."""
    sqlite_path = folder.parent / KEPT_SQLITE if keep else None
    with bench_engines(postgres_url, sqlite_path, KEPT_SCHEMA if keep else None) as engines:
        for name, engine in engines.items():
            if _loaded(engine):
                print(f"{name}: {_loaded(engine)} reports already stored (kept)")
                continue
            start = time.perf_counter()
            count, totals_seconds = load(engine, folder)
            print(
                f"{name}: {count} reports stored in {time.perf_counter() - start:.0f} s, "
                f"of which apply_filings (the totals) {totals_seconds:.1f} s"
            )
        yield engines
