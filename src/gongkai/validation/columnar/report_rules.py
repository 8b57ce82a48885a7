"""The rule kinds other than `equation`, set-wise over the reports of a batch: `shape`,
`uscc-checksum`, `zero-when`, `deadline` and `format-year`. Queries find the few places that
break a rule; the row engine's own functions word them and reckon deadlines and check
characters, once per distinct value."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import duckdb

from gongkai.identifiers import USCC_ALPHABET, USCC_WEIGHTS, uscc_correction
from gongkai.standard import Format, load_standard, publication_deadline
from gongkai.validation import shape
from gongkai.validation.columnar.equations import status_sql
from gongkai.validation.columnar.tables import RULES, SHAPE, key_ok
from gongkai.validation.issues import ERROR, Issue
from gongkai.validation.rules import format_of_year

Found = Iterator[tuple[int, int, Issue]]  # (package number, report id or 0, issue)
Shaped = Iterator[tuple[int, tuple[int, int, int], Issue]]  # (package, order, issue)
Ordered = Iterator[tuple[int, tuple[int, int, int, int], Issue]]  # (package, order, issue)


def _one(table_field: str) -> tuple[str, str]:
    table, _, name = table_field.partition(".")
    return table, name


def create_one_rows(con: duckdb.DuckDBPyConnection, fmt: str) -> None:
    """Tables `one_<table>` of the rows a rule reads as `table.field`: each report's reports
    row, and its row of a one-row table where it has exactly one."""
    con.execute(
        "CREATE OR REPLACE TABLE one_reports AS SELECT r.rid, x.* FROM reps r "
        "JOIN reports x ON x.pkg = r.pkg AND x.line = r.line"
    )
    for table in ("proactive", "reviews"):
        con.execute(
            f"CREATE OR REPLACE TABLE one_{table} AS SELECT r.rid, x.* FROM {table} x "
            f"JOIN reps r USING (pkg, agency_id, year) JOIN g_{table} g ON g.rid = r.rid "
            f"WHERE len(g.lines) = 1 AND {key_ok(fmt, table, 'x')}"
        )


def _cell_sql(table_field: str, alias: str) -> str:
    """A LEFT JOIN to the report's row holding cell `table.field` (a one-row table)."""
    table, _ = _one(table_field)
    return f"LEFT JOIN one_{table} {alias} ON {alias}.rid = r.rid"


def _value(table_field: str, alias: str) -> str:
    return f'{alias}."{_one(table_field)[1]}"'


def _status(fmt: Format, table_field: str, alias: str) -> str:
    table, name = _one(table_field)
    return status_sql(fmt.code, table, name, alias)


def check_shape(con: duckdb.DuckDBPyConnection, rule: dict[str, Any], fmt: Format) -> Shaped:
    """Each finding with its place in the row engine's order: the package's, then per report
    (proactive, reviews, missing items, then item by item in the order they first appear).
    Items are looked at only in the reports whose 表三 is not regular (`ga`)."""
    code = fmt.code
    for (pkg,) in con.execute(
        "SELECT pkg FROM batch_packages WHERE pkg NOT IN (SELECT pkg FROM reports)"
    ).fetchall():
        yield pkg, (-2, 0, 0), shape.no_report_row(rule)
    for pkg, declared, line in con.execute(
        "SELECT pkg, format, line FROM reports WHERE format <> '' AND format <> ?", [code]
    ).fetchall():
        yield pkg, (-1, line, 0), shape.other_format(rule, fmt, declared, line)
    for pkg, rid, table, agency, year, lines in con.execute(
        """
        SELECT r.pkg, r.rid, t.tbl, r.agency_id, r.year, coalesce(g.lines, [])
        FROM reps r CROSS JOIN (VALUES ('proactive'), ('reviews')) t(tbl)
        LEFT JOIN (SELECT 'proactive' AS tbl, rid, lines FROM g_proactive
                   UNION ALL SELECT 'reviews', rid, lines FROM g_reviews) g
          ON g.rid = r.rid AND g.tbl = t.tbl
        WHERE len(coalesce(g.lines, [])) <> 1
        """
    ).fetchall():
        yield (
            pkg,
            (rid, 0 if table == "proactive" else 1, 0),
            shape.not_one_row(rule, table, agency, year, lines),
        )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE item_groups AS
        SELECT g.rid, g.pkg, coalesce(x.item, '') AS item_key,
               list(x.line ORDER BY x.line) AS lines
        FROM applications x JOIN ga g USING (pkg, agency_id, year)
        WHERE g.rid IS NOT NULL AND NOT g.regular AND {key_ok(code, "applications", "x")}
        GROUP BY ALL
        """
    )
    expected = fmt.table("applications").item_codes
    for pkg, rid, missing in con.execute(
        """
        SELECT r.pkg, r.rid, list(e.item ORDER BY e.position)
        FROM (SELECT * FROM reps ANTI JOIN (SELECT rid FROM ga WHERE regular) USING (rid)) r
        CROSS JOIN (SELECT unnest(?) AS item, generate_subscripts(?, 1) AS position) e
        WHERE NOT EXISTS (SELECT 1 FROM item_groups g WHERE g.rid = r.rid AND g.item_key = e.item)
        GROUP BY r.rid, r.pkg
        """,
        [expected, expected],
    ).fetchall():
        yield pkg, (rid, 2, 0), shape.missing_items(rule, fmt, missing)
    for pkg, rid, item, lines in con.execute(
        """
        SELECT pkg, rid, item_key, lines FROM item_groups
        WHERE len(lines) > 1 OR NOT list_contains(?, item_key)
        """,
        [expected],
    ).fetchall():
        if item not in expected:
            yield pkg, (rid, 3, lines[0] * 2), shape.unknown_item(rule, fmt, item, lines[0])
        for line in lines[1:]:
            yield pkg, (rid, 3, lines[0] * 2 + 1), shape.repeated_item(rule, item, lines[0], line)


def check_uscc(con: duckdb.DuckDBPyConnection, rule: dict[str, Any], fmt: Format) -> Found:
    alphabet = "'" + USCC_ALPHABET + "'"
    for spec in rule["fields"]:
        table, name = _one(spec)
        value = _value(spec, "c")
        # the check character reckoned in the engine: only codes it finds wrong are read
        # again, by the row engine's uscc_correction (which words the issue); the 17 terms
        # written out (a lambda over a list per row costs about twice as much)
        terms = (
            f"{weight} * (strpos({alphabet}, {value}[{k + 1}]) - 1)"
            for k, weight in enumerate(USCC_WEIGHTS)
        )
        total = f"({' + '.join(terms)})"
        rows = con.execute(
            f"SELECT r.pkg, r.rid, {value}, c.line FROM reps r {_cell_sql(spec, 'c')} "
            f"WHERE {_status(fmt, spec, 'c')} = 'ok' AND length({value}) = 18 "
            f"AND NOT contains({value}, '-') "
            f"AND NOT (regexp_full_match({value}, '[{USCC_ALPHABET}]{{18}}') "
            f"AND {alphabet}[CAST((31 - {total} % 31) % 31 + 1 AS BIGINT)] = {value}[18])"
        ).fetchall()
        for pkg, rid, found, line in rows:
            if corrected := uscc_correction(found):
                yield pkg, rid, Issue(
                    code=rule["id"], severity=rule["severity"], resource=table, row=line,
                    field=name, expected=corrected, found=found,
                )  # fmt: skip


def check_zero_when(con: duckdb.DuckDBPyConnection, rule: dict[str, Any], fmt: Format) -> Found:
    joins, conditions, params = [], [], []
    for k, (spec, wanted) in enumerate(rule["when"].items()):
        joins.append(_cell_sql(spec, f"w{k}"))
        conditions.append(f"{_status(fmt, spec, f'w{k}')} = 'ok' AND {_value(spec, f'w{k}')} = ?")
        params.append(wanted)
    for spec in rule["cells"]:
        table, name = _one(spec)
        value = _value(spec, "c")
        number = fmt.table(table).field(name).type in ("integer", "number")  # type: ignore[union-attr]
        truthy = f"{value} <> 0" if number else f"{value} <> ''"
        rows = con.execute(
            f"SELECT r.pkg, r.rid, {value}, c.line FROM reps r {' '.join(joins)} "
            f"{_cell_sql(spec, 'c')} WHERE {' AND '.join(conditions or ['true'])} "
            f"AND {_status(fmt, spec, 'c')} = 'ok' AND {truthy}",
            params,
        ).fetchall()
        for pkg, rid, found, line in rows:
            yield pkg, rid, Issue(
                code=rule["id"], severity=rule["severity"], resource=table, row=line,
                field=name, expected=0, found=as_figure(found) if number else found,
            )  # fmt: skip


def check_deadline(con: duckdb.DuckDBPyConnection, rule: dict[str, Any], fmt: Format) -> Found:
    table, name = _one(rule["date"])
    pairs = con.execute(
        f"SELECT DISTINCT r.year, {_value('reports.scope', 's')} FROM reps r "
        f"{_cell_sql('reports.scope', 's')}"
    ).fetchall()
    deadlines = [
        (year, scope, deadline.isoformat())
        for year, scope in pairs
        if (deadline := publication_deadline(year, scope, fmt.code)) is not None
    ]
    if not deadlines:
        return
    rows = con.execute(
        f"""
        SELECT r.pkg, r.rid, d.deadline, {_value(rule["date"], "c")}, c.line
        FROM reps r {_cell_sql(rule["date"], "c")} {_cell_sql("reports.scope", "s")}
        JOIN (SELECT unnest(?, recursive := true)) d
          ON d.year = r.year AND d.scope = {_value("reports.scope", "s")}
        WHERE {_status(fmt, rule["date"], "c")} = 'ok'
          AND {_value(rule["date"], "c")} > d.deadline
        """,
        [[{"year": y, "scope": s, "deadline": d} for y, s, d in deadlines]],
    ).fetchall()
    for pkg, rid, deadline, published, line in rows:
        yield pkg, rid, Issue(
            code=rule["id"], severity=rule["severity"], resource=table, row=line,
            field=name, expected=deadline, found=published,
        )  # fmt: skip


def check_format_year(con: duckdb.DuckDBPyConnection, rule: dict[str, Any], fmt: Format) -> Found:
    years = [y for (y,) in con.execute("SELECT DISTINCT year FROM reps").fetchall()]
    expected = [(y, code) for y in years if (code := format_of_year(rule, y)) is not None]
    if not expected:
        return
    rows = con.execute(
        f"""
        SELECT r.pkg, r.rid, e.code, {_value("reports.format", "c")}, r.line
        FROM reps r {_cell_sql("reports.format", "c")}
        JOIN (SELECT unnest(?, recursive := true)) e ON e.year = r.year
        WHERE {_value("reports.format", "c")} <> '' AND {_value("reports.format", "c")} <> e.code
        """,
        [[{"year": y, "code": c} for y, c in expected]],
    ).fetchall()
    for pkg, rid, code, declared, line in rows:
        yield pkg, rid, Issue(
            code=rule["id"], severity=rule["severity"], resource="reports", row=line,
            field="format", expected=code, found=declared,
        )  # fmt: skip


def as_figure(value: Any) -> Any:
    """A figure from the engine as the row engine holds it: integral values as int."""
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else value.normalize()


_CHECKS: dict[str, Callable[[duckdb.DuckDBPyConnection, dict[str, Any], Format], Found]] = {
    "uscc-checksum": check_uscc,
    "zero-when": check_zero_when,
    "deadline": check_deadline,
    "format-year": check_format_year,
}


def check_reports(con: duckdb.DuckDBPyConnection, code: str) -> Ordered:
    """Every rule kind but `equation`, for the batch's reports of one format, each issue with
    its place in the row engine's order; then `nothing-reported`."""
    fmt = load_standard().format(code)
    seq = 0
    for index, rule in enumerate(fmt.rules):
        if rule["kind"] == "equation":
            continue
        if rule["kind"] == "shape":
            for pkg, (k1, k2, k3), issue in check_shape(con, rule, fmt):
                yield pkg, (SHAPE, k1, k2, k3), issue
            continue
        check = _CHECKS.get(rule["kind"])
        if check is None:
            raise ValueError(f"rule kind {rule['kind']!r} has no columnar form")
        for pkg, rid, issue in check(con, rule, fmt):
            seq += 1
            yield pkg, (RULES, rid, index + 1, seq), issue
    for pkg, rid, line in con.execute(
        """
        SELECT r.pkg, r.rid, r.line FROM reps r
        LEFT JOIN g_proactive p ON p.rid = r.rid
        LEFT JOIN g_reviews v ON v.rid = r.rid
        LEFT JOIN ga a ON a.rid = r.rid
        WHERE coalesce(p.n, 0) + coalesce(v.n, 0) + coalesce(a.n, 0) > 0
          AND coalesce(p.blank, true) AND coalesce(v.blank, true) AND coalesce(a.blank, true)
        """
    ).fetchall():
        yield (
            pkg,
            (RULES, rid, 1000, 0),
            Issue(code="nothing-reported", severity=ERROR, resource="reports", row=line),
        )
