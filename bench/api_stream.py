"""Streaming a table's CSV across agencies against fetching the same rows with one plain query.

    .venv/bin/python bench/generate.py bench/out/n20k --count 20000 --registry --flat
    .venv/bin/python bench/api_stream.py bench/out/n20k [--postgres URL] [--rounds 3]

The flat package's 20,000 reports (500,000 表三 rows) are stored as first versions on SQLite
and PostgreSQL (set-up, not measured). Then, alternating on each database:

- baseline: one `SELECT … FROM figures_applications JOIN heads … ORDER BY` fetching every
  row into Python (no CSV, no HTTP);
- gongkai: `GET /api/v1/tables/applications.csv?year=2024` through the Flask test client: keyset
  batches of 2,000 rows, CSV text, the whole body read.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, select

from gongkai.api import create_app
from gongkai.settings import Settings
from gongkai.store.tables import figures_table, heads

sys.path.insert(0, str(Path(__file__).resolve().parent))
from national_store import stores


def baseline(engine: Engine) -> int:
    table = figures_table("applications", "2021")
    query = (
        select(
            table.c.agency_id,
            table.c.year,
            table.c.item,
            table.c.natural_person,
            table.c.commercial,
            table.c.research,
            table.c.nonprofit,
            table.c.legal_services,
            table.c.other_org,
            table.c.total,
        )
        .join(heads, heads.c.filing_id == table.c.filing_id)
        .where(heads.c.year == 2024)
        .order_by(table.c.agency_id, table.c.year, table.c.seq)
    )
    with engine.connect() as conn:
        return len(conn.execute(query).all())


def gongkai(engine: Engine) -> int:
    client = create_app(Settings(database_url="unused"), engine).test_client()
    body = client.get("/api/v1/tables/applications.csv?year=2024").data
    return body.count(b"\n") - 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with stores(args.folder, args.postgres) as engines:
        for name, engine in engines.items():
            base, ours = [], []
            for _ in range(args.rounds):
                start = time.perf_counter()
                rows = baseline(engine)
                base.append(time.perf_counter() - start)
                start = time.perf_counter()
                assert gongkai(engine) == rows
                ours.append(time.perf_counter() - start)
            b, g = statistics.median(base), statistics.median(ours)
            print(
                f"{name}: {rows} rows; one query {b:.2f} s, CSV stream {g:.2f} s, ratio {g / b:.2f}"
            )


if __name__ == "__main__":
    main()
