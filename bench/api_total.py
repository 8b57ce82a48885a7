"""What `total` costs a page of /tables: pages with and without the COUNT, against the bare page.

    .venv/bin/python bench/generate.py bench/out/n20k --count 20000 --registry --flat
    .venv/bin/python bench/api_total.py bench/out/n20k [--postgres URL] [--rounds 7]

The flat package's 20,000 reports (500,000 表三 rows) are stored as first versions on SQLite
and PostgreSQL (set-up, not measured). Then, alternating on each database, for a national
query (year=2024) and a provincial one (year=2024&region=320000):

- baseline: `page_rows()`, the first page of 100 rows as the API reads it, without a count;
- first page: `GET /api/v1/tables/applications?…&limit=100` through the Flask test client:
  the same page, JSON, with `total` (a COUNT on the same filter) and the `next` URL;
- second page: its `next` URL, which carries the total (no COUNT).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import Engine

from gongkai.api import create_app
from gongkai.settings import Settings
from gongkai.store.queries import RowFilter, page_rows

sys.path.insert(0, str(Path(__file__).resolve().parent))
from national_store import stores

QUERIES = {"national": RowFilter(year=2024), "province": RowFilter(year=2024, region="320000")}


def baseline(engine: Engine, where: RowFilter) -> int:
    rows, _ = page_rows(engine, "applications", "2021", where, after=None, limit=100)
    return len(rows)


def first_page(client: FlaskClient, where: RowFilter) -> dict[str, Any]:
    query = "year=2024" + (f"&region={where.region}" if where.region else "")
    return client.get(f"/api/v1/tables/applications?{query}&limit=100").json


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with stores(args.folder, args.postgres) as engines:
        for name, engine in engines.items():
            client = create_app(Settings(database_url="unused"), engine).test_client()
            for label, where in QUERIES.items():
                times: dict[str, list[float]] = {"bare": [], "first": [], "second": []}
                for _ in range(args.rounds):
                    start = time.perf_counter()
                    rows = baseline(engine, where)
                    times["bare"].append(time.perf_counter() - start)
                    start = time.perf_counter()
                    body = first_page(client, where)
                    times["first"].append(time.perf_counter() - start)
                    start = time.perf_counter()
                    second = client.get(body["next"]).json
                    times["second"].append(time.perf_counter() - start)
                    assert len(body["items"]) == len(second["items"]) == rows
                    assert second["total"] == body["total"]
                b, f, n = (statistics.median(times[k]) for k in ("bare", "first", "second"))
                print(
                    f"{name} {label}: total {body['total']} rows; bare page {b * 1000:.1f} ms, "
                    f"first page {f * 1000:.1f} ms (ratio {f / b:.2f}), "
                    f"second page {n * 1000:.1f} ms (ratio {n / b:.2f})"
                )


if __name__ == "__main__":
    main()
