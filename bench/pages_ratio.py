"""Pages against the JSON they are built from, side by side in one process.

    .venv/bin/python bench/pages_ratio.py [--rounds 400] [--postgres URL]

A fresh database (SQLite in a temporary folder, or a fresh schema of the PostgreSQL at URL)
holds examples/agencies.csv and every package of datasets/; one app serves both sides through
Flask's test client, so the server, the network and the machine's load are the same for both.
Each pair's two URLs are requested in turn, `--rounds` times after a warm-up; the script prints
the medians and the ratio page / JSON (the issue asks for at most 1.5). Both sides keep what they
build of a filing (the API its JSON body, the pages its drawn tables: a filing never changes);
the "first view" line empties both caches before every request, as for a filing nobody has
looked at yet.

To measure one more page, add a `Pair` to PAIRS (and, if it needs them, more filings to
`prepare`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import Engine, text

from gongkai.api import create_app
from gongkai.package import read_package
from gongkai.settings import Settings
from gongkai.store.db import make_engine, upgrade
from gongkai.store.filings import file_report, new_filing
from gongkai.store.registry import load_agencies
from gongkai.validation import validate

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Pair:
    name: str
    page: str  # the HTML page
    json: str  # the API answer the page draws


PAIRS = [
    Pair(
        "agency report page (淮安市 2024)",
        "/agencies/320800-huaian-government/2024",
        "/api/v1/agencies/320800-huaian-government/reports/2024",
    ),
]


def prepare(engine: Engine) -> None:
    import csv

    with (ROOT / "examples" / "agencies.csv").open(encoding="utf-8", newline="") as fh:
        load_agencies(engine, list(csv.DictReader(fh)))
    for folder in sorted((ROOT / "datasets").iterdir()):
        file_report(engine, new_filing(validate(read_package(folder))))


@contextmanager
def database(postgres: str | None) -> Iterator[Engine]:
    if postgres is None:
        with tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(f"sqlite:///{tmp}/bench.sqlite3")
            yield engine
            engine.dispose()
        return
    schema = f"gk_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(postgres)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(postgres, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _get(client: FlaskClient, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    response.get_data()
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        sys.exit(f"{url}: {response.status_code}")
    return elapsed


# What the API and the pages keep per filing (emptied to measure a first view).
CACHES = ("gongkai.report_bodies", "gongkai.web.drawn_filings")


def measure(
    client: FlaskClient, pair: Pair, rounds: int, *, cold: bool = False
) -> tuple[float, float]:
    extensions = client.application.extensions
    for _ in range(20):  # warm both: templates compiled, caches filled
        _get(client, pair.page)
        _get(client, pair.json)
    pages, jsons = [], []
    for _ in range(rounds):
        for url, times in ((pair.page, pages), (pair.json, jsons)):
            if cold:
                for cache in CACHES:
                    extensions.pop(cache, None)
            times.append(_get(client, url))
    return statistics.median(pages), statistics.median(jsons)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=400, help="requests per URL")
    parser.add_argument("--postgres", help="a PostgreSQL URL (default: SQLite)")
    args = parser.parse_args()
    with database(args.postgres) as engine:
        upgrade(engine)
        prepare(engine)
        settings = Settings(database_url=str(engine.url), secret_key="bench")
        client = create_app(settings, engine).test_client()
        print(f"{'PostgreSQL' if args.postgres else 'SQLite'}, {args.rounds} rounds, medians")
        for pair in PAIRS:
            for cold in (False, True):
                page, json = measure(client, pair, args.rounds, cold=cold)
                print(
                    f"{pair.name}{', first view' if cold else ''}: page {page * 1000:.2f} ms, "
                    f"JSON {json * 1000:.2f} ms, ratio {page / json:.2f}"
                )


if __name__ == "__main__":
    main()
