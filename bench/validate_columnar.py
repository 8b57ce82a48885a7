"""The two executors side by side: the row engine and the columnar one, on the same input.

    python bench/validate_columnar.py [--reports 10000] [--folders 2000] [--rounds 2]

Generates (bench/generate.py, 10% of the reports with one defect each) one collection of
`reports` reports (the --flat layout of a national year) and `folders` per-agency packages,
then validates each input with each executor in fresh processes, alternating (rows, columns,
rows, columns, …) so machine noise hits both alike. Each run reads the packages and validates
them as `gongkai validate` does — the row engine: validate_many() over the packages read; the
columnar executor: validate_columnar() over packages read one at a time — and reports its
time, peak memory (max RSS) and a digest of every issue found. The digests must be equal: the
script stops if the executors disagree. Prints medians and the ratio rows / columns.
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
from gongkai.package import read_package
from gongkai.validation import validate_many
from gongkai.validation.columnar import validate_columnar

engine, paths = sys.argv[1], [Path(p) for p in sys.argv[2:]]
start = time.perf_counter()
if engine == "rows":
    results = validate_many([read_package(p) for p in paths])
else:
    results = validate_columnar(read_package(p) for p in paths)
digest, issues, packages = hashlib.sha256(), 0, 0
for result in results:
    packages += 1
    for issue in result.issues:
        issues += 1
        digest.update(repr(sorted(issue.to_dict().items())).encode())
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "digest": digest.hexdigest(),
                  "issues": issues, "packages": packages}))
"""


def run(engine: str, paths: list[Path]) -> dict:
    env = dict(os.environ, GONGKAI_MAX_PACKAGE_BYTES=str(10**11))
    out = subprocess.run(
        [sys.executable, "-c", RUN, engine, *map(str, paths)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(out.stdout)


def compare(name: str, paths: list[Path], rounds: int) -> None:
    runs: dict[str, list[dict]] = {"rows": [], "columns": []}
    for _ in range(rounds):
        for engine in runs:
            runs[engine].append(run(engine, paths))
    digests = {r["digest"] for rs in runs.values() for r in rs}
    if len(digests) != 1:
        sys.exit(f"{name}: the executors disagree ({digests})")
    first = runs["rows"][0]
    print(f"\n{name}: {first['packages']} package(s), {first['issues']} issues, identical")
    medians = {}
    for engine, rs in runs.items():
        seconds = statistics.median(r["seconds"] for r in rs)
        peak = max(r["peak_mb"] for r in rs)
        medians[engine] = seconds
        print(f"  {engine:8s} {seconds:8.2f} s   peak {peak:7.0f} MB")
    print(f"  ratio rows / columns: {medians['rows'] / medians['columns']:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--folders", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        generate = [sys.executable, str(HERE / "generate.py")]
        common = ["--broken-share", "0.1", "--seed", "3"]
        if args.reports:
            flat = Path(tmp) / "collection"
            subprocess.run([*generate, str(flat), "--count", str(args.reports), "--flat", *common],
                           check=True)  # fmt: skip
            compare(f"one collection of {args.reports} reports", [flat], args.rounds)
        if args.folders:
            folders = Path(tmp) / "folders"
            subprocess.run([*generate, str(folders), "--count", str(args.folders), *common],
                           check=True)  # fmt: skip
            paths = sorted(p for p in folders.iterdir() if p.is_dir())
            compare(f"{args.folders} per-agency folders", paths, args.rounds)


if __name__ == "__main__":
    main()
