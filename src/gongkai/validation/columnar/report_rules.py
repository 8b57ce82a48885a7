"""The rule kinds other than `equation`, set-wise over the reports of a batch: `shape`,
`uscc-checksum`, `zero-when`, `deadline` and `format-year`. Queries find the few places that
break a rule; the row engine's own functions word them and reckon deadlines and check
characters, once per distinct value."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import duckdb

from gongkai.identifiers import uscc_correction
from gongkai.standard import FORMATS, Format, load_standard, publication_deadline
from gongkai.validation import shape
from gongkai.validation.columnar.tables import RULES, SHAPE
from gongkai.validation.issues import Issue
from gongkai.validation.rules import format_of_year

Found = Iterator[tuple[int, int, Issue]]  # (package number, report id or 0, issue)
Shaped = Iterator[tuple[int, tuple[int, int, int], Issue]]  # (package, order, issue)
Ordered = Iterator[tuple[int, tuple[int, int, int, int], Issue]]  # (package, order, issue)


def _one(table_field: str) -> tuple[str, str]:
    table, _, name = table_field.partition(".")
    return table, name


def _cell_sql(table_field: str, alias: str) -> str:
    """A LEFT JOIN to the report's cell `table.field` (a one-row table) as `alias`."""
    table, name = _one(table_field)
    return (
        f"LEFT JOIN repcells {alias} ON {alias}.rid = r.rid AND {alias}.tbl = '{table}' "
        f"AND {alias}.item_key = '' AND {alias}.fld = '{name}'"
    )


def check_shape(con: duckdb.DuckDBPyConnection, rule: dict[str, Any], fmt: Format) -> Shaped:
    """Each finding with its place in the row engine's order: the package's, then per report
    (proactive, reviews, missing items, then item by item in the order they first appear)."""
    code = fmt.code
    for (pkg,) in con.execute(
        "SELECT pkg FROM batch_packages WHERE fmt = ? "
        "AND pkg NOT IN (SELECT pkg FROM rowkeys WHERE tbl = 'reports')",
        [code],
    ).fetchall():
        yield pkg, (-2, 0, 0), shape.no_report_row(rule)
    for pkg, declared, line in con.execute(
        "SELECT pkg, txt, line FROM cells WHERE fmt = ? AND tbl = 'reports' AND fld = 'format' "
        "AND txt <> '' AND txt <> ?",
        [code, code],
    ).fetchall():
        yield pkg, (-1, line, 0), shape.other_format(rule, fmt, declared, line)
    for pkg, rid, table, agency, year, lines in con.execute(
        """
        SELECT r.pkg, r.rid, t.tbl, r.agency_id, r.year, coalesce(g.lines, [])
        FROM reps r CROSS JOIN (VALUES ('proactive'), ('reviews')) t(tbl)
        LEFT JOIN groups g ON g.rid = r.rid AND g.tbl = t.tbl
        WHERE r.fmt = ? AND len(coalesce(g.lines, [])) <> 1
        """,
        [code],
    ).fetchall():
        yield (
            pkg,
            (rid, 0 if table == "proactive" else 1, 0),
            shape.not_one_row(rule, table, agency, year, lines),
        )
    expected = fmt.table("applications").item_codes
    for pkg, rid, missing in con.execute(
        """
        SELECT r.pkg, r.rid, list(e.item ORDER BY e.position)
        FROM reps r CROSS JOIN (SELECT unnest(?) AS item, generate_subscripts(?, 1) AS position) e
        WHERE r.fmt = ? AND NOT EXISTS (
            SELECT 1 FROM groups g WHERE g.rid = r.rid
            AND g.tbl = 'applications' AND g.item_key = e.item)
        GROUP BY r.rid, r.pkg
        """,
        [expected, expected, code],
    ).fetchall():
        yield pkg, (rid, 2, 0), shape.missing_items(rule, fmt, missing)
    for pkg, rid, item, lines in con.execute(
        """
        SELECT g.pkg, g.rid, g.item_key, g.lines FROM groups g JOIN batch_packages USING (pkg)
        WHERE fmt = ? AND g.tbl = 'applications'
          AND (len(g.lines) > 1 OR NOT list_contains(?, g.item_key))
        """,
        [code, expected],
    ).fetchall():
        if item not in expected:
            yield pkg, (rid, 3, lines[0] * 2), shape.unknown_item(rule, fmt, item, lines[0])
        for line in lines[1:]:
            yield pkg, (rid, 3, lines[0] * 2 + 1), shape.repeated_item(rule, item, lines[0], line)


def check_uscc(con: duckdb.DuckDBPyConnection, rule: dict[str, Any], fmt: Format) -> Found:
    for spec in rule["fields"]:
        table, name = _one(spec)
        rows = con.execute(
            f"SELECT r.pkg, r.rid, c.txt, c.line FROM reps r {_cell_sql(spec, 'c')} "
            "WHERE r.fmt = ? AND c.status = 'ok' AND c.txt IS NOT NULL",
            [fmt.code],
        ).fetchall()
        for pkg, rid, value, line in rows:
            if corrected := uscc_correction(value):
                yield pkg, rid, Issue(
                    code=rule["id"], severity=rule["severity"], resource=table, row=line,
                    field=name, expected=corrected, found=value,
                )  # fmt: skip


def _equals(alias: str, wanted: Any) -> tuple[str, list[Any]]:
    if isinstance(wanted, str):
        return f"{alias}.txt = ?", [wanted]
    return f"{alias}.num = ?", [wanted]


def check_zero_when(con: duckdb.DuckDBPyConnection, rule: dict[str, Any], fmt: Format) -> Found:
    joins, conditions, params = [], [], []
    for k, (spec, wanted) in enumerate(rule["when"].items()):
        joins.append(_cell_sql(spec, f"w{k}"))
        test, values = _equals(f"w{k}", wanted)
        conditions.append(f"w{k}.status = 'ok' AND {test}")
        params += values
    for spec in rule["cells"]:
        table, name = _one(spec)
        rows = con.execute(
            f"SELECT r.pkg, r.rid, c.num, c.txt, c.line FROM reps r {' '.join(joins)} "
            f"{_cell_sql(spec, 'c')} WHERE r.fmt = ? AND {' AND '.join(conditions or ['true'])} "
            "AND c.status = 'ok' AND (c.num <> 0 OR c.txt <> '')",
            [fmt.code, *params],
        ).fetchall()
        for pkg, rid, num, txt, line in rows:
            yield pkg, rid, Issue(
                code=rule["id"], severity=rule["severity"], resource=table, row=line,
                field=name, expected=0, found=as_figure(num) if num is not None else txt,
            )  # fmt: skip


def check_deadline(con: duckdb.DuckDBPyConnection, rule: dict[str, Any], fmt: Format) -> Found:
    table, name = _one(rule["date"])
    rows = con.execute(
        f"SELECT r.pkg, r.rid, r.year, s.txt, c.txt, c.line FROM reps r "
        f"{_cell_sql(rule['date'], 'c')} "
        f"{_cell_sql('reports.scope', 's')} WHERE r.fmt = ? AND c.status = 'ok'",
        [fmt.code],
    ).fetchall()
    deadlines: dict[tuple[int, str | None], Any] = {}
    for pkg, rid, year, scope, published, line in rows:
        if (year, scope) not in deadlines:
            deadlines[(year, scope)] = publication_deadline(year, scope, fmt.code)
        deadline = deadlines[(year, scope)]
        if deadline is not None and published > deadline.isoformat():
            yield pkg, rid, Issue(
                code=rule["id"], severity=rule["severity"], resource=table, row=line,
                field=name, expected=deadline.isoformat(), found=published,
            )  # fmt: skip


def check_format_year(con: duckdb.DuckDBPyConnection, rule: dict[str, Any], fmt: Format) -> Found:
    rows = con.execute(
        f"SELECT r.pkg, r.rid, r.year, c.txt, r.line FROM reps r "
        f"{_cell_sql('reports.format', 'c')} "
        "WHERE r.fmt = ? AND c.txt <> ''",
        [fmt.code],
    ).fetchall()
    for pkg, rid, year, declared, line in rows:
        code = format_of_year(rule, year)
        if code is not None and declared != code:
            yield pkg, rid, Issue(
                code=rule["id"], severity=rule["severity"], resource="reports", row=line,
                field="format", expected=code, found=declared,
            )  # fmt: skip


def as_figure(value: Any) -> Any:
    """A figure from the engine as the row engine holds it: integral values as int."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value.normalize()


_CHECKS: dict[str, Callable[[duckdb.DuckDBPyConnection, dict[str, Any], Format], Found]] = {
    "uscc-checksum": check_uscc,
    "zero-when": check_zero_when,
    "deadline": check_deadline,
    "format-year": check_format_year,
}


def check_reports(con: duckdb.DuckDBPyConnection) -> Ordered:
    """Every rule kind but `equation`, for each format's reports in the batch, each issue with
    its place in the row engine's order."""
    seq = 0
    for code in FORMATS:
        fmt = load_standard().format(code)
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
