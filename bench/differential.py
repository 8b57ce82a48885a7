"""The differential run at scale: thousands of packages with random defects (bench/defects.py),
validated by both executors, which must find the same issues in the same order.

    python -m bench.differential [--count 5000] [--seed 1] [--batch 500]    # from the root

Prints how many packages each executor took (the columnar one hands to the row engine what
it does not take in), the issues found per code, and every disagreement (exit 1 if any).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from bench.defects import defective_packages

from gongkai.package import package_from_files
from gongkai.validation import validate_many
from gongkai.validation.columnar import validate_columnar


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    packages = [package_from_files(f, s) for s, f in defective_packages(args.seed, args.count)]
    counts: dict[str, int] = {}
    columns = validate_columnar(packages, batch_size=args.batch, counts=counts)
    codes: Counter[str] = Counter()
    disagree = 0
    for row, column in zip(validate_many(packages), columns, strict=True):
        codes.update(i.code for i in row.issues)
        left = [repr(sorted(i.to_dict().items())) for i in row.issues]
        right = [repr(sorted(i.to_dict().items())) for i in column.issues]
        if left != right:
            disagree += 1
            print(f"DISAGREE {row.package.source}")
            for line in sorted(set(left) ^ set(right)):
                print(f"  {'rows' if line in left else 'columns'}: {line}")
    print(f"{len(packages)} packages ({counts.get('columns', 0)} columnar, "
          f"{counts.get('rows', 0)} handed to the row engine), {sum(codes.values())} issues, "
          f"{disagree} disagreements")  # fmt: skip
    for code, n in codes.most_common():
        print(f"  {code:24s} {n}")
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
