"""How much does gongkai's validation cost against plain Frictionless on the same packages?

    python bench/validate_ratio.py [--count 300] [--rounds 3]

Generates `count` valid report packages with bench/generate.py, then, in this one process
and interleaved package by package (so machine noise hits both alike), times:

  baseline  Package("<pkg>/datapackage.json").validate()  — plain Frictionless, the package's
            own inlined schemas (types, constraints, keys), no rules
  gongkai   validate(read_package(<pkg>))                   — reading, encoding decision,
            Frictionless with the standard's schemas, all declared rules

and prints the median ratio gongkai / baseline. A second part starts fresh interpreters to
measure the first validation in a process (warm-up), for both.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from frictionless import Package

from gongkai.package import read_package
from gongkai.validation import validate

HERE = Path(__file__).resolve().parent

FIRST_CALL = """
import time, sys
t0 = time.perf_counter()
{imports}
t1 = time.perf_counter()
{call}
t2 = time.perf_counter()
{call}
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""
CASES = {
    "baseline": (
        "from frictionless import Package",
        "assert Package(sys.argv[1] + '/datapackage.json').validate().valid",
    ),
    "gongkai": (
        "from gongkai.package import read_package\nfrom gongkai.validation import validate",
        "assert validate(read_package(sys.argv[1])).valid",
    ),
}


def per_package(folders: list[Path], rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"baseline": [], "gongkai": []}
    for folder in folders[:3]:  # warm both up before measuring
        Package(str(folder / "datapackage.json")).validate()
        validate(read_package(folder))
    for _ in range(rounds):
        for folder in folders:
            t0 = time.perf_counter()
            assert Package(str(folder / "datapackage.json")).validate().valid
            t1 = time.perf_counter()
            assert validate(read_package(folder)).valid
            t2 = time.perf_counter()
            times["baseline"].append(t1 - t0)
            times["gongkai"].append(t2 - t1)
    return times


def first_call(folder: Path, runs: int = 5) -> dict[str, list[tuple[float, float, float]]]:
    out: dict[str, list[tuple[float, float, float]]] = {name: [] for name in CASES}
    for _ in range(runs):
        for name, (imports, call) in CASES.items():
            code = FIRST_CALL.format(imports=imports, call=call)
            line = subprocess.run(
                [sys.executable, "-c", code, str(folder)],
                check=True,
                capture_output=True,
                text=True,
                cwd=folder.parent,
            ).stdout
            out[name].append(tuple(float(x) for x in line.split()))  # type: ignore[arg-type]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate.py"),
                tmp,
                "--count",
                str(args.count),
                "--seed",
                "7",
            ],
            check=True,
            capture_output=True,
        )
        folders = sorted(p for p in Path(tmp).iterdir() if p.is_dir())
        times = per_package(folders, args.rounds)
        base, ours = statistics.median(times["baseline"]), statistics.median(times["gongkai"])
        ratios = [g / b for g, b in zip(times["gongkai"], times["baseline"], strict=True)]
        print(f"packages: {len(folders)} x {args.rounds} rounds, interleaved")
        print(f"plain frictionless  median {base * 1000:6.1f} ms/package")
        print(f"gongkai validate    median {ours * 1000:6.1f} ms/package")
        print(
            f"ratio gongkai/frictionless: median of ratios {statistics.median(ratios):.2f}, "
            f"p90 {statistics.quantiles(ratios, n=10)[-1]:.2f}"
        )
        first = first_call(folders[0])
        for name, runs in first.items():
            imp, one, two = (statistics.median(r[i] for r in runs) for i in range(3))
            print(
                f"fresh process, {name:8}: import {imp * 1000:6.0f} ms, first validation "
                f"{one * 1000:6.0f} ms, second {two * 1000:5.1f} ms"
            )


if __name__ == "__main__":
    main()
