"""One batch in the engine: typed cells, rows and their keys, primary and foreign keys, the
reports and the rows that belong to each (reports.group_reports, set-wise).

Frictionless semantics kept: a key cell is its typed value (a type error makes it None, a
broken constraint keeps it); a primary key repeats when an earlier row has the same values;
a foreign key is looked up among the reports rows whose key is not all None.
"""

from __future__ import annotations

import duckdb

from gongkai.standard import FORMATS, TABLE_NAMES, load_standard
from gongkai.validation.columnar.cells import insert_columns

ISSUE_COLUMNS = (
    "pkg INTEGER, code VARCHAR, severity VARCHAR, resource VARCHAR, row INTEGER, item VARCHAR, "
    "field VARCHAR, expected_txt VARCHAR, expected_num DECIMAL(38, 6), found_txt VARCHAR, "
    "found_num DECIMAL(38, 6), cells VARCHAR[], rule VARCHAR, note VARCHAR, note_en VARCHAR, "
    "stage INTEGER, k1 INTEGER, k2 INTEGER, k3 INTEGER"
)
# Issues come out in the row engine's order, by (stage, k1, k2, k3) within a package:
READ, CAPTURED, SHAPE, DESCRIPTOR, RULES, CONTINUITY = range(6)
_TABLE_ORDER = "list_position(['reports', 'proactive', 'applications', 'reviews'], {})"


def create_issue_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE TABLE issues ({ISSUE_COLUMNS})")
    con.execute("CREATE TABLE fieldpos (fmt VARCHAR, tbl VARCHAR, fld VARCHAR, pos INTEGER)")
    rows = [
        (fmt, table, name, pos)
        for fmt in FORMATS
        for table in TABLE_NAMES
        for pos, name in enumerate(load_standard().format(fmt).table(table).field_names)
    ]
    names = ("fmt", "tbl", "fld", "pos")
    insert_columns(con, "fieldpos", {n: [r[k] for r in rows] for k, n in enumerate(names)})


def type_cells(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Tables `cells` and `rowkeys` of this batch. Returns the packages holding a value the
    engine cannot sum exactly (they are taken out of the batch, for the row engine)."""
    inexact = [
        pkg
        for (pkg,) in con.execute(
            "SELECT DISTINCT pkg FROM cellraw JOIN verdicts USING (fmt, tbl, fld, raw) "
            "WHERE NOT exact"
        ).fetchall()
    ]
    if inexact:
        con.execute("DELETE FROM cellraw WHERE list_contains(?, pkg)", [inexact])
    con.execute(
        """
        CREATE OR REPLACE TABLE cells AS
        SELECT c.pkg, c.fmt, c.tbl, c.line, c.fld, v.bad, v.num, v.txt,
               CASE WHEN v.bad THEN 'bad'
                    WHEN v.num IS NULL AND v.txt IS NULL THEN 'blank' ELSE 'ok' END AS status
        FROM cellraw c JOIN verdicts v USING (fmt, tbl, fld, raw)
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE rowkeys AS
        SELECT pkg, fmt, tbl, line,
               max(txt) FILTER (fld = 'agency_id') AS agency_id,
               max(num) FILTER (fld = 'year') AS year,
               max(txt) FILTER (fld = 'item') AS item,
               bool_or(bad) FILTER (fld IN ('agency_id', 'year')) AS key_bad
        FROM cells GROUP BY pkg, fmt, tbl, line
        """
    )
    return inexact


def insert_cell_issues(con: duckdb.DuckDBPyConnection) -> None:
    """Type and constraint errors: each cell holding a value whose verdict has issues (an item
    outside the format's list is said by table-shape instead, as in the row engine)."""
    con.execute(
        f"""
        INSERT INTO issues (pkg, code, severity, resource, row, item, field, expected_txt,
                            found_txt, note, note_en, stage, k1, k2, k3)
        SELECT c.pkg, i.code, 'error', c.tbl, c.line,
               CASE WHEN c.tbl = 'applications' THEN k.item END, c.fld, i.expected, i.found,
               i.note, i.note_en,
               CASE WHEN i.note IS NOT NULL OR starts_with(i.expected, 'decimals ')
                    THEN {CAPTURED} ELSE {READ} END,
               {_TABLE_ORDER.format("c.tbl")}, c.line, f.pos
        FROM cellraw c
        JOIN cell_issues i USING (fmt, tbl, fld, raw)
        JOIN rowkeys k USING (pkg, tbl, line)
        JOIN fieldpos f USING (fmt, tbl, fld)
        WHERE NOT (c.tbl = 'applications' AND c.fld = 'item' AND i.code = 'constraint-error')
        """
    )


def _key_fields(table: str) -> list[str]:
    descriptor = load_standard().format("2021").table(table).descriptor
    return list(descriptor.get("primaryKey", []))


def insert_key_issues(con: duckdb.DuckDBPyConnection) -> None:
    """primary-key (a repeated key; not in applications, where table-shape says it, nor
    where agency_id or year is None: such a row names no report) and foreign-key."""
    for table in TABLE_NAMES:
        keys = _key_fields(table)
        if table == "applications" or not keys:
            continue
        con.execute(
            f"""
            INSERT INTO issues (pkg, code, severity, resource, row, note, stage, k1, k2, k3)
            SELECT pkg, 'primary-key', 'error', tbl, line,
                   'the same as in the row at position ' || before,
                   {READ}, {_TABLE_ORDER.format("tbl")}, line, 1000
            FROM (
                SELECT pkg, tbl, line,
                       lag(line) OVER (PARTITION BY pkg, {", ".join(keys)} ORDER BY line) AS before
                FROM rowkeys
                WHERE tbl = '{table}' AND agency_id IS NOT NULL AND year IS NOT NULL
            )
            WHERE before IS NOT NULL
            """
        )
    con.execute(
        f"""
        INSERT INTO issues (pkg, code, severity, resource, row, item, note, stage, k1, k2, k3)
        WITH lookup AS (
            SELECT DISTINCT pkg, coalesce(agency_id, chr(0)) AS a, coalesce(year, -1) AS y
            FROM rowkeys WHERE tbl = 'reports' AND NOT (agency_id IS NULL AND year IS NULL)
        )
        SELECT r.pkg, 'foreign-key', 'error', r.tbl, r.line,
               CASE WHEN r.tbl = 'applications' THEN r.item END,
               'for "agency_id, year": values "' || coalesce(r.agency_id, 'None') || ', '
               || coalesce(CAST(CAST(r.year AS HUGEINT) AS VARCHAR), 'None')
               || '" not found in the lookup table "reports" as "agency_id, year"',
               {READ}, {_TABLE_ORDER.format("r.tbl")}, r.line, 1001
        FROM rowkeys r
        ANTI JOIN lookup l
          ON l.pkg = r.pkg AND l.a = coalesce(r.agency_id, chr(0)) AND l.y = coalesce(r.year, -1)
        WHERE r.tbl <> 'reports' AND NOT (r.agency_id IS NULL AND r.year IS NULL)
        """
    )


def group_reports(con: duckdb.DuckDBPyConnection, first_rid: int) -> int:
    """Tables `reps` (rid, pkg, fmt, agency_id, year, line: the first reports row of each
    readable key; rid numbers the reports from `first_rid`), `groups` (the rows of each report
    per table and item: lines in order), `repcells` (the cells of each report's rows that are
    there exactly once) and `termcells` (those the equations read, by cell id). Returns the
    next free rid."""
    con.execute(
        """
        CREATE OR REPLACE TABLE reps AS
        SELECT ? + row_number() OVER (ORDER BY pkg, line) - 1 AS rid, *
        FROM (
            SELECT pkg, fmt, agency_id, CAST(year AS INTEGER) AS year, min(line) AS line
            FROM rowkeys WHERE tbl = 'reports' AND NOT key_bad
              AND agency_id IS NOT NULL AND year IS NOT NULL
            GROUP BY pkg, fmt, agency_id, year
        )
        """,
        [first_rid],
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE groups AS
        SELECT p.rid, r.pkg, r.tbl,
               CASE WHEN r.tbl = 'applications' THEN coalesce(r.item, '') ELSE '' END AS item_key,
               list(r.line ORDER BY r.line) AS lines
        FROM rowkeys r
        JOIN reps p ON p.pkg = r.pkg AND p.agency_id = r.agency_id AND p.year = r.year
        WHERE r.tbl <> 'reports' AND NOT r.key_bad
        GROUP BY ALL
        UNION ALL
        SELECT rid, pkg, 'reports', '', [line] FROM reps
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE repcells AS
        SELECT g.rid, g.tbl, g.item_key, c.fld, c.status, c.num, c.txt, c.line
        FROM groups g JOIN cells c ON c.pkg = g.pkg AND c.tbl = g.tbl AND c.line = g.lines[1]
        WHERE len(g.lines) = 1
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE termcells AS
        SELECT c.rid, i.cid, c.status, c.num, c.line
        FROM repcells c JOIN cellids i USING (tbl, item_key, fld)
        """
    )
    (count,) = con.execute("SELECT count(*) FROM reps").fetchone() or (0,)
    return first_rid + int(count)
