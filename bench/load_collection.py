"""`gongkai load` of a collection (or of folders) into PostgreSQL, against a plain COPY of the
same CSVs into bare tables, side by side in one run.

    .venv/bin/python bench/generate.py bench/out/flat30k --count 30000 --flat --registry \
        --broken-share 0.1
    .venv/bin/python bench/load_collection.py bench/out/flat30k [--postgres URL]
    .venv/bin/python bench/generate.py bench/out/pkgs10k --count 10000 --registry \
        --broken-share 0.1
    .venv/bin/python bench/load_collection.py bench/out/pkgs10k

- baseline: the collection's four CSVs (or every folder's, one COPY per file) COPYed into
  bare tables of text columns named as the standard's, no keys: what the database alone costs;
- gongkai load: read and split into reports, validate (a collection as one collection, each
  finding given to its report; folders in chunks; columnar executor, continuity with the
  stored year), type the rows and file each valid report (COPY, heads, totals), timed by phase.
  Folders into PostgreSQL are filed on a thread while the next chunk is read and validated,
  and a collection's next batch is typed while the one before is stored: their phases
  overlap, and add up to more than the total.

Each runs on a fresh schema of the same server; the two alternate `--rounds` times.
"""

from __future__ import annotations

import argparse
import csv
import time
import uuid
from collections import defaultdict
from pathlib import Path

from sqlalchemy import Engine, text

import gongkai.bulkload as bulkload
from gongkai.settings import NO_LIMIT
from gongkai.standard import TABLE_NAMES, load_standard
from gongkai.store.db import make_engine, upgrade
from gongkai.store.registry import load_agencies


def _schema(admin: Engine) -> tuple[str, Engine]:
    schema = f"gk_bench_{uuid.uuid4().hex[:8]}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = admin.url.render_as_string(hide_password=False)
    return schema, make_engine(url, connect_args={"options": f"-csearch_path={schema}"})


def _csv_files(folder: Path) -> list[tuple[str, Path]]:
    if (folder / "reports.csv").exists():
        return [(t, folder / f"{t}.csv") for t in TABLE_NAMES]
    packages = sorted(p for p in folder.iterdir() if p.name.startswith("pkg-"))
    return [(t, p / f"{t}.csv") for p in packages for t in TABLE_NAMES]


def baseline(engine: Engine, folder: Path) -> dict[str, float]:
    fmt = load_standard().format("2021")
    start = time.perf_counter()
    with engine.begin() as conn:
        for table in TABLE_NAMES:
            # text columns: the generated defects ("无" as a count) must go in too
            columns = ", ".join(f'"{f.name}" text' for f in fmt.table(table).fields)
            conn.execute(text(f"CREATE TABLE bare_{table} ({columns})"))
        driver = conn.connection.driver_connection
        with driver.cursor() as cursor:
            for table, path in _csv_files(folder):
                statement = f"COPY bare_{table} FROM STDIN WITH (FORMAT csv, HEADER true)"
                with cursor.copy(statement) as copy:
                    copy.write(path.read_bytes())
    return {"copy": time.perf_counter() - start}


def gongkai_load(engine: Engine, folder: Path) -> tuple[dict[str, float], bulkload.Outcome]:
    upgrade(engine)
    with (folder / "agencies.csv").open(encoding="utf-8", newline="") as fh:
        load_agencies(engine, list(csv.DictReader(fh)))
    spent: dict[str, float] = defaultdict(float)

    def timed(name: str, function):  # type: ignore[no-untyped-def]
        def run(*args, **kwargs):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - start

        return run

    originals = (
        bulkload.read_units,
        bulkload.Loader._validate,
        bulkload.Loader._validate_collection,
        bulkload.Loader._filings,
        bulkload.file_many,
        bulkload.file_in_one,
    )
    bulkload.read_units = timed("read and split", originals[0])
    bulkload.Loader._validate = timed("validate", originals[1])  # type: ignore[method-assign]
    bulkload.Loader._validate_collection = timed("validate", originals[2])  # type: ignore[method-assign]
    bulkload.Loader._filings = timed("type rows", originals[3])  # type: ignore[method-assign]
    bulkload.file_many = timed("store", originals[4])
    bulkload.file_in_one = timed("store", originals[5])
    try:
        paths = (
            [folder]
            if (folder / "reports.csv").exists()
            else sorted(p for p in folder.iterdir() if p.name.startswith("pkg-"))
        )
        start, cpu = time.perf_counter(), time.process_time()
        outcome = bulkload.load_paths(engine, paths, register=False, max_bytes=NO_LIMIT)
        spent["total"] = time.perf_counter() - start
        spent["cpu"] = time.process_time() - cpu  # the Python process, every thread
    finally:
        loader = bulkload.Loader
        bulkload.read_units, bulkload.file_many = originals[0], originals[4]
        bulkload.file_in_one = originals[5]
        loader._validate, loader._validate_collection = originals[1:3]  # type: ignore[method-assign]
        loader._filings = originals[3]  # type: ignore[method-assign]
    return dict(spent), outcome


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    admin = make_engine(args.postgres)
    for round_number in range(args.rounds):
        for name in ("baseline", "gongkai"):
            schema, engine = _schema(admin)
            try:
                if name == "baseline":
                    times = baseline(engine, args.folder)
                    base = times["copy"]
                    print(f"round {round_number + 1} baseline COPY: {base:.1f} s")
                else:
                    times, outcome = gongkai_load(engine, args.folder)
                    reports = outcome.filed + outcome.same + len(outcome.skipped)
                    phases = ", ".join(
                        f"{k} {v:.1f} s" for k, v in times.items() if k not in ("total", "cpu")
                    )
                    print(
                        f"round {round_number + 1} gongkai load: {times['total']:.1f} s "
                        f"({outcome.filed} filed, {len(outcome.skipped)} skipped; "
                        f"{reports / times['total']:.0f} reports/s; Python CPU "
                        f"{times['cpu']:.1f} s; {phases}); "
                        f"ratio to COPY {times['total'] / base:.1f}, "
                        f"storage alone {times.get('store', 0) / base:.1f}"
                    )
            finally:
                engine.dispose()
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


if __name__ == "__main__":
    main()
