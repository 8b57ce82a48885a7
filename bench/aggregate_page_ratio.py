"""The 汇总 page against the JSON it is built from, side by side in one process.

    .venv/bin/python bench/aggregate_page_ratio.py [--province 32] [--years 3] [--rounds 15]

Set-up (not measured): a fresh SQLite database holds the registry of one province as
bench/generate.py lays it out (every government, department and sub-district: ~12,000
agencies for 32 江苏) and, for each of the last `--years` years, reports of 90% of them with
consistent figures (bench/generate.py's `figures`), inserted straight into the store's tables
as first versions.

Measured, alternating, through Flask's test client on one app, for 表三 (applications: the
page shows one chosen row of 25) and 表四 (reviews: the page shows the whole row):

- page: GET /aggregate?table=T&year=Y&region=P0000&by=city (the whole HTML page: sums per
  city with counts, the line over the years, coverage with the names);
- json: GET /api/v1/aggregate/T?year=Y&region=P0000&by=city (the API call behind the table);
- json+coverage: that call and GET /api/v1/coverage?year=Y&region=P0000&scope=agency (the
  call behind the coverage beside it: its counts and the first page of agencies);
- json+coverage+years: and GET /api/v1/aggregate/T?region=P0000&by=year (the line).

Prints the medians and the ratio of the page to each.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import agency_id, agency_pool, figures
from gongkai.api import create_app
from gongkai.settings import Settings
from gongkai.standard import load_standard
from gongkai.store.db import make_engine, upgrade
from gongkai.store.registry import load_agencies
from gongkai.store.tables import derived_region_columns, figures_table, filings, heads
from gongkai.store.totals import apply_filings

LAST_YEAR = 2024
SHARE = 0.9


def _typed(table: str, values: list[Any]) -> dict[str, Any]:
    fields = load_standard().formats["2021"].tables[table].fields
    row: dict[str, Any] = {}
    for f, value in zip(fields, values, strict=True):
        if value == "":
            row[f.name] = None
        elif f.type == "number":
            row[f.name] = Decimal(value)
        elif f.type == "date":
            row[f.name] = date.fromisoformat(value)
        else:
            row[f.name] = value
    return row


def load(engine: Engine, province: str, years: int, seed: int = 1) -> tuple[int, int]:
    """The province's registry, and reports of SHARE of it for each year: (agencies, reports)."""
    rng = random.Random(seed)
    pool = [a for a in agency_pool(rng) if a[0].startswith(province)]
    agencies = [
        (agency_id(i, region, scope), region, name, level, scope)
        for i, (region, name, level, scope) in enumerate(pool)
    ]
    load_agencies(
        engine,
        [
            {"agency_id": a, "agency_name": n, "region_code": r, "level": lv, "scope": s}
            for a, r, n, lv, s in agencies
        ],
    )
    item_order = {
        c: i
        for i, c in enumerate(load_standard().formats["2021"].tables["applications"].item_codes)
    }
    next_id = 1
    for year in range(LAST_YEAR - years + 1, LAST_YEAR + 1):
        filers = [a for a in agencies if rng.random() < SHARE]
        received = datetime(year + 1, 1, 15, tzinfo=UTC)
        rows: dict[str, list[dict[str, Any]]] = {
            "reports": [],
            "proactive": [],
            "applications": [],
            "reviews": [],
        }
        filing_rows, head_rows = [], []
        for agency in filers:
            report, proactive, applications, reviews = figures(agency, year, rng, False)
            filing_rows.append(
                {
                    "id": next_id,
                    "agency_id": agency[0],
                    "year": year,
                    "version": 1,
                    "sha256": f"{next_id:064x}",
                    "received_at": received,
                    "format": "2021",
                    "valid": True,
                    "warnings": [],
                    "origin": "load",
                }
            )
            head_rows.append(
                {"agency_id": agency[0], "year": year, "version": 1, "filing_id": next_id}
            )
            r = _typed("reports", report) | {"filing_id": next_id}
            rows["reports"].append(r | derived_region_columns(r["region_code"]))
            rows["proactive"].append(_typed("proactive", proactive) | {"filing_id": next_id})
            rows["reviews"].append(_typed("reviews", reviews) | {"filing_id": next_id})
            for line in applications:
                a = _typed("applications", line)
                rows["applications"].append(
                    a | {"filing_id": next_id, "seq": item_order[a["item"]]}
                )
            next_id += 1
        with engine.begin() as conn:
            conn.execute(filings.insert(), filing_rows)
            conn.execute(heads.insert(), head_rows)
            for name, batch in rows.items():
                for start in range(0, len(batch), 20000):
                    conn.execute(figures_table(name, "2021").insert(), batch[start : start + 20000])
            # the totals, as a bulk load keeps them
            apply_filings(conn, [f["id"] for f in filing_rows], [])
    return len(agencies), next_id - 1


TABLES = ("applications", "reviews")  # 表三 shows one row of 25; 表四 its whole row


def measure(client: Any, table: str, region: str, rounds: int) -> tuple[str, dict, int]:
    """Medians of page, json and jsons for one table, alternating."""
    year = LAST_YEAR
    page = f"/aggregate?table={table}&year={year}&region={region}&by=city"
    json_url = f"/api/v1/aggregate/{table}?year={year}&region={region}&by=city"
    coverage = f"/api/v1/coverage?year={year}&region={region}&scope=agency"
    years = f"/api/v1/aggregate/{table}?region={region}&by=year"
    baselines = {
        "json": [json_url],
        "json+coverage": [json_url, coverage],
        "json+coverage+years": [json_url, coverage, years],
    }

    def timed(urls: list[str]) -> float:
        start = time.perf_counter()
        for u in urls:
            r = client.get(u)
            assert r.status_code == 200, (u, r.status_code, r.get_data(as_text=True)[:500])
        return time.perf_counter() - start

    for _ in range(2):  # warm: templates compiled, caches filled, pages in the OS cache
        timed([page, json_url, coverage, years])
    times: dict[str, list[float]] = {"page": [], **{k: [] for k in baselines}}
    for _ in range(rounds):
        times["page"].append(timed([page]))
        for name, urls in baselines.items():
            times[name].append(timed(urls))
    median = {k: statistics.median(v) for k, v in times.items()}
    return table, median, len(client.get(page).data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--province", default="32", help="two-digit province prefix")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = make_engine(url)
        upgrade(engine)
        started = time.perf_counter()
        agencies, reports = load(engine, args.province, args.years)
        print(
            f"set-up: {agencies} agencies, {reports} reports over {args.years} years "
            f"({time.perf_counter() - started:.1f} s)"
        )
        app = create_app(Settings(database_url=url), engine)
        client = app.test_client()
        region = f"{args.province}0000"
        results = [measure(client, table, region, args.rounds) for table in TABLES]
        engine.dispose()
    for table, median, size in results:
        print(f"{table}: page {median['page'] * 1000:.1f} ms ({size} bytes)")
        for name in ("json", "json+coverage", "json+coverage+years"):
            ratio = median["page"] / median[name]
            print(f"  {name}: {median[name] * 1000:.1f} ms; ratio page / {name}: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
