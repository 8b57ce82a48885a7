"""What a collection costs before its reports are filed: read, split into its reports, and
validated report by report; for two source trees side by side, with a digest of every result.

    .venv/bin/python bench/split_collection.py bench/out/national [--rounds 2] \
        [--src OTHER_CHECKOUT/src] [--split-only]

Each measurement runs in a fresh interpreter with PYTHONPATH set to one of the trees (this
one's src, then each --src), the trees alternating round by round so that machine noise hits
them alike. A measurement times read_package, then report_keys + split_collection, then
validate_by_report (columnar executor, no stored year); it prints the three times (wall, and
the process's CPU time: the machine may be busy with other work) and a sha256 over every
report's keys, source, files' bytes, lines, descriptor, stray and blank rows, and each
report's format, reports and issues (to_dict() and repr). The medians per tree are printed
last, with whether every digest agrees.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parents[1] / "src"


def measure(path: Path, split_only: bool) -> dict[str, Any]:
    """One measurement, in this process."""
    from gongkai.package import read_package
    from gongkai.package.collection import report_keys, split_collection
    from gongkai.validation import columnar  # noqa: F401  imported before the clock starts
    from gongkai.validation.by_report import validate_by_report

    clock = [(time.perf_counter(), time.process_time())]
    package = read_package(path, 10**12)
    clock.append((time.perf_counter(), time.process_time()))
    keys = report_keys(package)
    split = split_collection(package)
    if split is None:
        raise SystemExit(f"{path} is not a collection that splits")
    clock.append((time.perf_counter(), time.process_time()))
    judged = None if split_only else validate_by_report(str(path), split.reports, columnar=True)
    clock.append((time.perf_counter(), time.process_time()))
    digest = hashlib.sha256(repr(keys).encode())
    descriptors: dict[int, bytes] = {}
    for piece in split.reports:
        report = piece.package
        digest.update(f"{piece.agency_id}\0{piece.year}\0{report.source}\0".encode())
        for name, data in report.files.items():
            digest.update(f"{name}\0{len(data)}\0".encode())
            digest.update(data)
        digest.update(
            repr((report.file_names, report.encodings, report.declared_encodings)).encode()
        )
        if id(report.descriptor) not in descriptors:
            text = json.dumps(report.descriptor, sort_keys=True, ensure_ascii=False)
            descriptors[id(report.descriptor)] = text.encode()
        digest.update(descriptors[id(report.descriptor)])
        digest.update(repr(dict(piece.lines)).encode())
    digest.update(repr((split.stray, split.blank)).encode())
    issues = 0
    for result in judged.results if judged else []:
        digest.update(f"{result.package.source}\0{result.format}\0".encode())
        digest.update(repr(sorted(result.reports.items())).encode())
        for issue in result.issues:
            issues += 1
            digest.update(json.dumps(issue.to_dict("en"), sort_keys=True, default=str).encode())
            digest.update(repr(issue).encode())
        digest.update(repr(result.tables).encode())
    digest.update(repr(judged.collection_errors if judged else None).encode())
    phases = ("read", "split", "validate")
    return {
        **{p: round(clock[i + 1][0] - clock[i][0], 2) for i, p in enumerate(phases)},
        **{f"{p}_cpu": round(clock[i + 1][1] - clock[i][1], 2) for i, p in enumerate(phases)},
        "reports": len(split.reports),
        "stray": len(split.stray),
        "blank": len(split.blank),
        "issues": issues,
        "digest": digest.hexdigest(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("collection", type=Path)
    parser.add_argument("--src", action="append", default=[], help="another tree's src")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--split-only", action="store_true", help="no validation")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.collection, args.split_only)))
        return
    trees = [str(HERE), *args.src]
    runs: dict[str, list[dict[str, Any]]] = {tree: [] for tree in trees}
    for _ in range(args.rounds):
        for tree in trees:
            command = [sys.executable, __file__, str(args.collection), "--child"]
            command += ["--split-only"] if args.split_only else []
            env = {**os.environ, "PYTHONPATH": tree, "GONGKAI_MAX_PACKAGE_BYTES": str(10**12)}
            out = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
            runs[tree].append(json.loads(out.stdout))
            print(tree, out.stdout.strip(), flush=True)
    for tree, found in runs.items():
        phases = ("read", "split", "validate", "read_cpu", "split_cpu", "validate_cpu")
        medians = {k: statistics.median(r[k] for r in found) for k in phases}
        print(f"median {tree}: {medians}")
    digests = {r["digest"] for found in runs.values() for r in found}
    print("digests agree" if len(digests) == 1 else f"digests DIFFER: {sorted(digests)}")


if __name__ == "__main__":
    main()
