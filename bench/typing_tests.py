"""What the plain-cell tests of the typing scan cost per column, side by side in one engine.

    python bench/typing_tests.py bench/out/national/applications.csv [--rounds 3]

Reads the 表三 file (its header skipped) into a table of text columns once, then times, on one
thread, each test over the whole column of 3.56 M cells (a national year), alternating: the
agency_id pattern as a GLOB of 18 character classes and as RE2's full match (the whole pattern
and one alternative), an item in the format's list by IN (...) and by list_contains, a figure
by one GLOB per length and by RE2. Prints CPU seconds (medians) and the count each test
passes, which must agree within each pair.
"""

from __future__ import annotations

import argparse
import statistics
import time

import duckdb

from gongkai.standard import load_standard

CLASS = "[0-9A-HJ-NPQRTUWXY]"


def tests() -> dict[str, str]:
    codes = load_standard().format("2021").table("applications").item_codes
    quoted = ", ".join("'" + c.replace("'", "''") + "'" for c in codes)
    lengths = " ".join(
        f"WHEN {n} THEN r3 GLOB '{'[0-9]' if n == 1 else '[1-9]' + '[0-9]' * (n - 1)}'"
        for n in range(1, 13)
    )
    return {
        "agency_id GLOB of classes": f"r0 GLOB '{CLASS * 18}'",
        "agency_id RE2, one alternative": f"regexp_full_match(r0, '{CLASS}{{18}}')",
        "agency_id RE2, whole pattern": "regexp_matches(r0, '^(?:^([0-9A-HJ-NPQRTUWXY]{18}"
        "|[0-9]{6}-[a-z0-9]+(-[a-z0-9]+)*)$)')",
        "item IN (...)": f"r2 IN ({quoted})",
        "item list_contains": f"list_contains([{quoted}], r2)",
        "figure GLOB per length": f"CASE strlen(r3) {lengths} ELSE false END",
        "figure RE2": "regexp_full_match(r3, '0|[1-9][0-9]{0,11}')",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    con = duckdb.connect()
    con.execute("SET threads = 1")
    con.execute(
        "CREATE TABLE t AS SELECT * FROM read_csv(?, header = true, quote = '', escape = '', "
        "auto_detect = false, columns = ?, nullstr = '')",
        [args.path, {f"r{k}": "VARCHAR" for k in range(10)}],
    )
    seconds: dict[str, list[float]] = {}
    passed: dict[str, int] = {}
    for _ in range(args.rounds):
        for name, test in tests().items():
            start = time.process_time()
            (count,) = con.execute(f"SELECT count(*) FILTER (WHERE {test}) FROM t").fetchone()
            seconds.setdefault(name, []).append(time.process_time() - start)
            passed[name] = count
    for name, values in seconds.items():
        print(f"{name:34} {statistics.median(values):6.3f} CPU-s   passes {passed[name]:,}")


if __name__ == "__main__":
    main()
