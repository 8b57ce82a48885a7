"""The two executors side by side — the row engine and the columnar one — and the one-pass
DuckDB baseline of issue 10, on the same input.

    python bench/validate_columnar.py [--reports 10000] [--folders 2000] [--rounds 2]
    python bench/validate_columnar.py --collection bench/out/nation --engines baseline,columns
    python bench/validate_columnar.py --folders-in bench/out/folders --limit 20000 \\
                                      --engines columns
    python bench/validate_columnar.py --collection bench/out/nation \\
                                      --engines before,columns,baseline --before /tmp/old/src

Generates (bench/generate.py, 10% of the reports with one defect each) one collection of
`reports` reports (the --flat layout of a national year) and `folders` per-agency packages, or
takes them from --collection / --folders-in, then validates each input with each engine in
fresh processes, alternating (rows, columns, rows, columns, …) so machine noise hits all
alike. Each run reads the packages and validates them as `gongkai validate` does — the row
engine: validate_many() over the packages read; the columnar executor: validate_columnar()
over packages read one at a time; the baseline (collections only): bench/duckdb_baseline.py,
plain DuckDB SQL over the CSV files — and reports its time, CPU time (all threads), peak
memory (max RSS) and, for the executors, a digest of every issue found. The executors' digests
must be equal: the script stops if they disagree. Engine `before` is the columnar executor of
another copy of the source (--before: its src folder, e.g. an older commit's), run alike.
Prints medians and the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

RUN = r"""
import hashlib, json, resource, sys, time
from pathlib import Path

engine, paths = sys.argv[1], [Path(p) for p in sys.argv[2:]]
start = time.perf_counter()
digest, issues, packages, counts = hashlib.sha256(), 0, 0, {}
if engine == "baseline":
    sys.path.insert(0, sys.argv[-1])
    from bench.duckdb_baseline import baseline_counts
    counts = baseline_counts(paths[0])
    packages = 1
else:
    from gongkai.package import read_package
    if engine == "rows":
        from gongkai.validation import validate_many
        results = validate_many([read_package(p) for p in paths])
    else:
        from gongkai.validation.columnar import validate_columnar
        results = validate_columnar(read_package(p) for p in paths)
    for result in results:
        packages += 1
        for issue in result.issues:
            issues += 1
            counts[issue.code] = counts.get(issue.code, 0) + 1
            digest.update(repr(sorted(issue.to_dict().items())).encode())
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_mb": usage.ru_maxrss / 1024, "digest": digest.hexdigest(),
                  "issues": issues, "packages": packages, "counts": counts}))
"""


def run(engine: str, paths: list[Path], before: Path | None = None) -> dict:
    env = dict(os.environ, GONGKAI_MAX_PACKAGE_BYTES=str(10**11))
    if engine == "before":
        if before is None:
            sys.exit("engine before needs --before (a src folder)")
        env["PYTHONPATH"] = str(before)
    extra = [str(HERE.parent)] if engine == "baseline" else []
    out = subprocess.run(
        [sys.executable, "-c", RUN, engine, *map(str, paths), *extra],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(out.stdout)


def compare(
    name: str, paths: list[Path], rounds: int, engines: list[str], before: Path | None = None
) -> None:
    runs: dict[str, list[dict]] = {engine: [] for engine in engines}
    for _ in range(rounds):
        for engine in runs:
            runs[engine].append(run(engine, paths, before))
    digests = {r["digest"] for e, rs in runs.items() if e != "baseline" for r in rs}
    if len(digests) > 1:
        sys.exit(f"{name}: the executors disagree ({digests})")
    some = next(rs[0] for e, rs in runs.items() if e != "baseline")
    print(f"\n{name}: {some['packages']} package(s), {some['issues']} issues")
    medians = {}
    for engine, rs in runs.items():
        seconds = statistics.median(r["seconds"] for r in rs)
        cpu = statistics.median(r["cpu"] for r in rs)
        peak = max(r["peak_mb"] for r in rs)
        medians[engine] = (seconds, cpu)
        rate = some["packages"] / seconds if engine != "baseline" and some["packages"] > 1 else 0
        rate_text = f"   {rate:6.0f} packages/s" if rate else ""
        print(f"  {engine:9s} {seconds:8.2f} s   cpu {cpu:7.2f} s   peak {peak:7.0f} MB{rate_text}")
        each = ", ".join(f"{r['seconds']:.2f} s / {r['cpu']:.2f}" for r in rs)
        print(f"  {'':9s} each run (wall / cpu): {each}")
    if "baseline" in runs:
        counts = runs["baseline"][0]["counts"]
        print("  baseline counts:", counts)
        print("  columns counts: ", {c: some["counts"].get(c, 0) for c in
                                     ("t3-row-total", "t3-results-total", "t3-balance",
                                      "t4-total", "type-error", "constraint-error")})  # fmt: skip
    for slow, fast in (("rows", "columns"), ("before", "columns"), ("columns", "baseline")):
        if slow in medians and fast in medians:
            wall = medians[slow][0] / medians[fast][0]
            cpu = medians[slow][1] / medians[fast][1]
            print(f"  ratio {slow} / {fast}: {wall:.2f} (cpu {cpu:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--folders", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--engines", default="rows,columns",
                        help="of rows, columns, before, baseline")  # fmt: skip
    parser.add_argument("--before", type=Path, help="the src folder of engine `before`")
    parser.add_argument("--collection", type=Path, help="an existing collection (folder)")
    parser.add_argument("--folders-in", type=Path, help="a folder of existing packages")
    parser.add_argument("--limit", type=int, default=0, help="at most this many of them")
    args = parser.parse_args()
    engines = args.engines.split(",")
    folder_engines = [e for e in engines if e != "baseline"]
    with tempfile.TemporaryDirectory() as tmp:
        generate = [sys.executable, str(HERE / "generate.py")]
        common = ["--broken-share", "0.1", "--seed", "3"]
        flat = args.collection
        if flat is None and args.reports and not args.folders_in:
            flat = Path(tmp) / "collection"
            subprocess.run([*generate, str(flat), "--count", str(args.reports), "--flat", *common],
                           check=True)  # fmt: skip
        if flat is not None:
            compare(f"one collection ({flat.name})", [flat], args.rounds, engines, args.before)
        folders = args.folders_in
        if folders is None and args.folders and not args.collection:
            folders = Path(tmp) / "folders"
            subprocess.run([*generate, str(folders), "--count", str(args.folders), *common],
                           check=True)  # fmt: skip
        if folders is not None and folder_engines:
            paths = sorted(p for p in folders.iterdir() if p.is_dir())
            paths = paths[: args.limit] if args.limit else paths
            compare(
                f"{len(paths)} per-agency folders", paths, args.rounds, folder_engines, args.before
            )


if __name__ == "__main__":
    main()
