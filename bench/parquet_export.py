"""A year's 表三 as Parquet against the same rows as CSV: time to write, size, time to read.

    .venv/bin/python bench/generate.py bench/out/n20k --count 20000 --registry --flat
    .venv/bin/python bench/parquet_export.py bench/out/n20k [--postgres URL] [--rounds 3]

The flat package's 20,000 reports (500,000 表三 rows) are stored as first versions on SQLite
and PostgreSQL (set-up, not measured). Then, alternating on each database:

- CSV: `GET /api/v1/tables/applications.csv?year=2024` through the Flask test client, the
  whole body read (the streamed CSV analysts download today);
- Parquet: `GET /api/v1/tables/applications.parquet?year=2024` the same way (rows in keyset
  batches to a temporary CSV, DuckDB converting it to Parquet, the file sent).

`gongkai export --table applications` writes the same two files. Both bodies are saved and read
by DuckDB (one connection, 2 threads), alternating, as an analyst would: the CSV with
`read_csv` (its types detected), the Parquet with `read_parquet`; each read is a sum per item
of every 表三 column, and a full load (`CREATE TABLE … AS SELECT *`).

Last, a national year's volume without the database: the downloaded CSV's rows seven times over
(3.5 million, agency ids made distinct) through `write_parquet` in a fresh process, its time
and peak memory (DuckDB's limit is 128 MB; past it, it spills).
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
from sqlalchemy import Engine

from gongkai.api import create_app
from gongkai.package.parquet import write_parquet
from gongkai.settings import Settings
from gongkai.standard import load_standard

sys.path.insert(0, str(Path(__file__).resolve().parent))
from national_store import stores

URL = "/api/v1/tables/applications.{}?year=2024"
SUMS = (
    "SELECT item, sum(natural_person), sum(commercial), sum(research), sum(nonprofit), "
    "sum(legal_services), sum(other_org), sum(total), count(*) FROM {} GROUP BY item"
)


def timed(work: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def download(engine: Engine, kind: str, target: Path) -> int:
    client = create_app(Settings(database_url="unused"), engine).test_client()
    response = client.get(URL.format(kind), buffered=True)
    assert response.status_code == 200, response.data[:200]
    target.write_bytes(response.data)
    return len(response.data)


def reads(files: dict[str, Path], rounds: int) -> dict[str, dict[str, float]]:
    sources = {
        "csv": f"read_csv('{files['csv']}')",
        "parquet": f"read_parquet('{files['parquet']}')",
    }
    times: dict[str, dict[str, list[float]]] = {k: {"sums": [], "load": []} for k in sources}
    with duckdb.connect() as con:
        con.execute("SET threads = 2")
        answers = {}
        for _ in range(rounds):
            for kind, source in sources.items():
                seconds, rows = timed(lambda s=source: con.sql(SUMS.format(s)).fetchall())
                times[kind]["sums"].append(seconds)
                answers[kind] = sorted(rows)  # type: ignore[type-var]
                seconds, _ = timed(
                    lambda s=source: con.execute(f"CREATE OR REPLACE TABLE t AS SELECT * FROM {s}")
                )
                times[kind]["load"].append(seconds)
        assert answers["csv"] == answers["parquet"], "the two files hold different figures"
    return {k: {m: statistics.median(v) for m, v in t.items()} for k, t in times.items()}


NATIONAL_TIMES = 7  # 500,000 rows × 7 ≈ a national year's 3.56 million


def national_rows(source: Path) -> object:
    for copy in range(NATIONAL_TIMES):
        with source.open(encoding="utf-8", newline="") as rows:
            for row in csv.DictReader(rows):
                row["agency_id"] = f"{copy}{row['agency_id']}"
                yield row


def peak_memory() -> float:
    """This process's peak resident memory in MB (VmHWM: getrusage's maxrss would carry the
    parent's peak over fork and exec)."""
    status = Path("/proc/self/status").read_text()
    line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def write_national(source: Path, target: Path) -> None:
    schema = load_standard().formats["2021"].tables["applications"]
    imported = peak_memory()  # this script's modules
    start = time.perf_counter()
    count = write_parquet(target, schema, national_rows(source))  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    peak = peak_memory()
    print(f"national volume: {count:,} rows to Parquet in {seconds:.1f} s, ", end="")
    print(f"{target.stat().st_size / 1e6:.1f} MB; peak memory {peak:.0f} MB, ", end="")
    print(f"{imported:.0f} MB of it before writing (imports)")


def national(source: Path, target: Path) -> None:
    process = multiprocessing.get_context("spawn").Process(
        target=write_national, args=(source, target)
    )
    process.start()
    process.join()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, stores(args.folder, args.postgres) as engines:
        files = {kind: Path(tmp) / f"applications.{kind}" for kind in ("csv", "parquet")}
        for name, engine in engines.items():
            writes: dict[str, list[float]] = {"csv": [], "parquet": []}
            sizes = {}
            for _ in range(args.rounds):
                for kind, path in files.items():
                    seconds, size = timed(lambda e=engine, k=kind, p=path: download(e, k, p))
                    writes[kind].append(seconds)
                    sizes[kind] = size
            c, p = (statistics.median(writes[k]) for k in ("csv", "parquet"))
            print(
                f"{name}: write CSV {c:.2f} s ({sizes['csv'] / 1e6:.1f} MB), "
                f"Parquet {p:.2f} s ({sizes['parquet'] / 1e6:.1f} MB); "
                f"time ratio {p / c:.2f}, size ratio {sizes['parquet'] / sizes['csv']:.3f}"
            )
        read = reads(files, args.rounds)
        for measure in ("sums", "load"):
            c, p = read["csv"][measure], read["parquet"][measure]
            print(
                f"DuckDB {measure}: CSV {c * 1000:.0f} ms, Parquet {p * 1000:.0f} ms, "
                f"ratio {p / c:.2f}"
            )
        national(files["csv"], Path(tmp) / "national.parquet")


if __name__ == "__main__":
    main()
