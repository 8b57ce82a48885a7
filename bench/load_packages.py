"""Bulk loading generated packages: validate-and-store against validate-only, side by side.

    .venv/bin/python bench/generate.py bench/out/pkgs10k --count 10000 --broken-share 0.1 --registry
    .venv/bin/python bench/load_packages.py bench/out/pkgs10k [--postgres URL] [--limit N]

For every package in turn, in one process:

- baseline: `validate(read_package(p))`, what `gongkai validate` does;
- gongkai load: the same plus what `gongkai load` adds: the registry check and
  `file_report()` (one transaction: version, files, figures) — invalid packages are skipped.

The two alternate package by package on a fresh SQLite database (and PostgreSQL unless
--no-postgres), so both see the same machine load. Prints totals and the ratio.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import Engine, text

from gongkai.package import read_package
from gongkai.store.db import make_engine, upgrade
from gongkai.store.filings import file_report, new_filing
from gongkai.store.registry import get_agency, load_agencies
from gongkai.validation import validate


def run(engine: Engine, folder: Path, limit: int | None) -> tuple[float, float, int, int]:
    upgrade(engine)
    with (folder / "agencies.csv").open(encoding="utf-8", newline="") as fh:
        load_agencies(engine, list(csv.DictReader(fh)))
    packages = sorted(p for p in folder.iterdir() if p.name.startswith("pkg-"))[:limit]
    base = ours = 0.0
    stored = skipped = 0
    for path in packages:
        start = time.perf_counter()
        validate(read_package(path))
        base += time.perf_counter() - start

        start = time.perf_counter()
        result = validate(read_package(path))
        if result.valid:
            report = result.report or {}
            with engine.connect() as conn:
                known = get_agency(conn, str(report["agency_id"])) is not None
            if known:
                file_report(engine, new_filing(result))
                stored += 1
            else:
                skipped += 1
        else:
            skipped += 1
        ours += time.perf_counter() - start
    return base, ours, stored, skipped


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engines = [("sqlite", make_engine(f"sqlite:///{tmp}/load.sqlite3"), None)]
        if not args.no_postgres:
            schema = f"gk_bench_{uuid.uuid4().hex[:8]}"
            admin = make_engine(args.postgres)
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            pg = make_engine(args.postgres, connect_args={"options": f"-csearch_path={schema}"})
            engines.append(("postgresql", pg, (admin, schema)))
        try:
            for name, engine, _ in engines:
                base, ours, stored, skipped = run(engine, args.folder, args.limit)
                n = stored + skipped
                print(
                    f"{name}: {n} packages ({stored} stored, {skipped} skipped): "
                    f"validate only {base:.1f} s ({base / n * 1000:.1f} ms each), "
                    f"validate+store {ours:.1f} s ({ours / n * 1000:.1f} ms each), "
                    f"ratio {ours / base:.2f}"
                )
        finally:
            for _, engine, extra in engines:
                engine.dispose()
                if extra:
                    admin, schema = extra
                    with admin.begin() as conn:
                        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                    admin.dispose()


if __name__ == "__main__":
    main()
