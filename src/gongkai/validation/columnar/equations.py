"""The `equation` rules as one set-wise query: every term of every expanded equation joined to
the cells of every report, then grouped per (report, equation).

The terms come from rules.equations(), the same expansion of rules.json the row engine
interprets, and the reading is the same: an equation with a missing or unreadable cell is not
checked (that cell has its own issue), one with a blank cell is `incomplete` naming the blank
cells, otherwise left and right must add up.
"""

from __future__ import annotations

import duckdb

from gongkai.standard import FORMATS
from gongkai.validation.columnar.cells import insert_columns
from gongkai.validation.columnar.tables import CONTINUITY, RULES
from gongkai.validation.rules import equations


def create_terms(con: duckdb.DuckDBPyConnection) -> None:
    """Tables `equations` (one row per expanded equation) and `terms` (one per term)."""
    con.execute(
        "CREATE TABLE equations (fmt VARCHAR, eq INTEGER, rule VARCHAR, severity VARCHAR, "
        "needs_previous BOOLEAN, tbl VARCHAR, item VARCHAR, fld VARCHAR)"
    )
    con.execute(
        "CREATE TABLE terms (fmt VARCHAR, eq INTEGER, ord INTEGER, is_left BOOLEAN, "
        "tbl VARCHAR, item VARCHAR, item_key VARCHAR, fld VARCHAR, sign INTEGER, "
        "previous BOOLEAN, label VARCHAR, needs_previous BOOLEAN, cid INTEGER)"
    )
    eq_rows: list[tuple] = []
    term_rows: list[tuple] = []
    for fmt in FORMATS:
        for number, eq in enumerate(equations(fmt)):
            needs = bool(eq.rule.get("needs_previous"))
            first = eq.left[0]
            eq_rows.append(
                (
                    fmt,
                    number,
                    eq.rule["id"],
                    eq.rule["severity"],
                    needs,
                    first.table,
                    first.item,
                    first.field,
                )
            )
            for ord_, term in enumerate(eq.left + eq.right):
                term_rows.append(
                    (
                        fmt, number, ord_, ord_ < len(eq.left), term.table, term.item,
                        term.item or "", term.field, term.sign, term.previous, term.label, needs,
                        None,
                    )
                )  # fmt: skip
    for table, rows in (("equations", eq_rows), ("terms", term_rows)):
        names = [d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description]
        insert_columns(con, table, {n: [r[k] for r in rows] for k, n in enumerate(names)})
    con.execute(
        "CREATE TABLE cellids AS SELECT row_number() OVER (ORDER BY tbl, item_key, fld) AS cid, * "
        "FROM (SELECT DISTINCT tbl, item_key, fld FROM terms)"
    )
    con.execute(
        "UPDATE terms SET cid = i.cid FROM cellids i WHERE (terms.tbl, terms.item_key, "
        "terms.fld) = (i.tbl, i.item_key, i.fld)"
    )


def continuity_cells() -> str:
    """SQL: the cells (cid, tbl, item_key, fld) the continuity equations read."""
    return "SELECT DISTINCT cid, tbl, item_key, fld FROM terms WHERE needs_previous ORDER BY cid"


def insert_equation_issues(
    con: duckdb.DuckDBPyConnection, reports: str, cells: str, needs_previous: bool
) -> None:
    """Check the equations (those with `needs_previous`, or the others) of each report.

    `reports`: SQL giving (rid, pkg, fmt, prev_rid) — prev_rid last year's report of the same
    agency (continuity only). `cells`: a table of (rid, cid, status, num, line): the cells of
    each report's rows that are there exactly once.
    """
    con.execute(
        f"""
        INSERT INTO issues (pkg, code, severity, resource, row, item, field, expected_num,
                            found_num, cells, rule, stage, k1, k2, k3)
        WITH joined AS (
            SELECT r.rid, r.pkg, t.fmt, t.eq, t.ord, t.is_left, t.label, t.sign,
                   t.tbl, t.item, t.fld, t.previous, c.status, c.num, c.line
            FROM ({reports}) r
            JOIN terms t ON t.fmt = r.fmt AND t.needs_previous = {needs_previous}
            LEFT JOIN {cells} c
              ON c.rid = CASE WHEN t.previous THEN r.prev_rid ELSE r.rid END AND c.cid = t.cid
        ),
        judged AS (
            SELECT rid, pkg, fmt, eq,
                   bool_and(coalesce(status IN ('ok', 'blank'), false)) AS readable,
                   arg_min({{'tbl': tbl, 'item': item, 'fld': fld,
                            'line': CASE WHEN previous THEN NULL ELSE line END}}, ord)
                       FILTER (status = 'blank') AS blank,
                   list(label ORDER BY ord) FILTER (status = 'blank') AS blank_labels,
                   sum(num * sign) FILTER (is_left) AS found,
                   sum(num * sign) FILTER (NOT is_left) AS expected,
                   arg_min(line, ord) AS anchor
            FROM joined GROUP BY rid, pkg, fmt, eq
        )
        SELECT j.pkg,
               CASE WHEN j.blank_labels IS NULL THEN e.rule ELSE 'incomplete' END,
               CASE WHEN j.blank_labels IS NULL THEN e.severity ELSE 'warning' END,
               coalesce(j.blank.tbl, e.tbl),
               CASE WHEN j.blank_labels IS NULL THEN j.anchor ELSE j.blank.line END,
               CASE WHEN j.blank_labels IS NULL THEN e.item ELSE j.blank.item END,
               coalesce(j.blank.fld, e.fld),
               CASE WHEN j.blank_labels IS NULL THEN j.expected END,
               CASE WHEN j.blank_labels IS NULL THEN j.found END,
               coalesce(j.blank_labels, []),
               CASE WHEN j.blank_labels IS NULL THEN NULL ELSE e.rule END,
               {CONTINUITY if needs_previous else RULES}, j.rid, 0, j.eq
        FROM judged j JOIN equations e USING (fmt, eq)
        WHERE j.readable AND (j.blank_labels IS NOT NULL OR j.found <> j.expected)
        """
    )
