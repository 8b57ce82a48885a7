"""The one-pass DuckDB baseline of issue 10: what plain DuckDB SQL costs to check a collection's
identities, to measure the columnar executor against.

    from bench.duckdb_baseline import baseline_counts
    baseline_counts("bench/out/nation")   # {"t3-row-total": 3562, "type-error": ..., ...}

One query per table, each reading its CSV once (text columns, as the executor reads them) and
counting, for the 2021 format:

- types and required: a figure that TRY_CAST cannot read as BIGINT (DECIMAL for a number), a
  year out of its range, a required cell blank (`type-error`, `constraint-error`, counted
  together as `cell-errors`: the baseline does not tell Frictionless's kinds apart);
- the equations of schemas/2021/rules.json, written out by hand as SQL: t3-row-total per 表三
  row, t3-results-total and t3-balance per report and column over the report's rows (for
  reports holding each item once, as the rules read them), t4-total per 表四 row.

No messages, no lines, no order, no continuity, no other rule kinds: the least work that still
reads every cell and checks every identity. The counts are printed beside the executor's issue
counts of the same codes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from gongkai.standard import load_standard

FMT = load_standard().format("2021")
APPLICANTS = ["natural_person", "commercial", "research", "nonprofit", "legal_services",
              "other_org"]  # fmt: skip
COLUMNS = [*APPLICANTS, "total"]
ITEMS = FMT.table("applications").item_codes
RESULTS = ITEMS[ITEMS.index("granted") : ITEMS.index("results_total")]


def _read(path: Path, table: str) -> str:
    names = FMT.table(table).field_names
    columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    return (
        f"read_csv('{path / f'{table}.csv'}', header = true, delim = ',', quote = '', "
        f"escape = '', auto_detect = false, nullstr = '', columns = {columns})"
    )


def _cell_errors(table: str) -> str:
    """SQL: the number of cells of a row that are blank where required or unreadable."""
    tests = []
    for field in FMT.table(table).descriptor["fields"]:
        name, kind = field["name"], field["type"]
        constraints = field.get("constraints", {})
        if constraints.get("required"):
            tests.append(f"{name} IS NULL")
        if kind == "integer":
            low, high = constraints.get("minimum"), constraints.get("maximum")
            tests.append(f"({name} IS NOT NULL AND TRY_CAST({name} AS BIGINT) IS NULL)")
            if low is not None:
                tests.append(f"TRY_CAST({name} AS BIGINT) < {low}")
            if high is not None:
                tests.append(f"TRY_CAST({name} AS BIGINT) > {high}")
        elif kind == "number":
            tests.append(f"({name} IS NOT NULL AND TRY_CAST({name} AS DECIMAL(18, 6)) IS NULL)")
            tests.append(f"TRY_CAST({name} AS DECIMAL(18, 6)) < 0")
    return " + ".join(f"CAST(coalesce({t}, false) AS INTEGER)" for t in tests)


def _int(name: str) -> str:
    return f"TRY_CAST({name} AS BIGINT)"


def baseline_counts(folder: str | Path) -> dict[str, int]:
    path = Path(folder)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    counts: dict[str, int] = {}
    for table in ("reports", "proactive"):
        (counts[f"cell-errors:{table}"],) = con.execute(
            f"SELECT sum({_cell_errors(table)}) FROM {_read(path, table)}"
        ).fetchone()  # type: ignore[misc]
    groups = ["review", "suit_direct", "suit_after_review"]
    t4 = " + ".join(
        f"CAST({_int(g + '_total')} <> {' + '.join(_int(f'{g}_{p}') for p in ('upheld', 'corrected', 'other', 'pending'))} AS INTEGER)"  # noqa: E501
        for g in groups
    )
    counts["cell-errors:reviews"], counts["t4-total"] = con.execute(
        f"SELECT sum({_cell_errors('reviews')}), sum({t4}) FROM {_read(path, 'reviews')}"
    ).fetchone()  # type: ignore[misc]
    row_total = f"{_int('total')} <> {' + '.join(_int(c) for c in APPLICANTS)}"
    per_column = []
    for c in COLUMNS:
        results = f"sum({_int(c)}) FILTER (item IN ({', '.join(repr(r) for r in RESULTS)}))"
        total = f"sum({_int(c)}) FILTER (item = 'results_total')"
        forward = f"sum({_int(c)}) FILTER (item = 'carried_forward')"
        intake = f"sum({_int(c)}) FILTER (item IN ('new_received', 'carried_over'))"
        per_column.append(f"CAST({total} <> {results} AS INTEGER) AS r_{c}")
        per_column.append(f"CAST({total} + {forward} <> {intake} AS INTEGER) AS b_{c}")
    once = f"count(*) = {len(ITEMS)} AND count(DISTINCT item) = {len(ITEMS)}"
    results_total = " + ".join(f"coalesce(r_{c}, 0)" for c in COLUMNS)
    balance = " + ".join(f"coalesce(b_{c}, 0)" for c in COLUMNS)
    counts["cell-errors:applications"], counts["t3-row-total"], a, b = con.execute(
        f"""
        SELECT sum(errors), sum(row_totals), sum({results_total}) FILTER (once),
               sum({balance}) FILTER (once)
        FROM (
            SELECT agency_id, year, sum({_cell_errors("applications")}) AS errors,
                   sum(CAST(coalesce({row_total}, false) AS INTEGER)) AS row_totals,
                   {once} AS once, {", ".join(per_column)}
            FROM {_read(path, "applications")}
            GROUP BY agency_id, year
        )
        """
    ).fetchone()  # type: ignore[misc]
    counts["t3-results-total"], counts["t3-balance"] = a, b
    return {k: int(v or 0) for k, v in counts.items()}


if __name__ == "__main__":
    for code, n in baseline_counts(sys.argv[1]).items():
        print(f"{code:28s} {n}")
