"""One batch of one format, over the wide tables: cell issues, primary and foreign keys, the
reports and the rows that belong to each (reports.group_reports, set-wise).

Frictionless semantics kept: a key cell is its typed value (a type error makes it None, a
broken constraint keeps it); a primary key repeats when an earlier row has the same values;
a foreign key is looked up among the reports rows whose key is not all None. A row whose
agency_id or year has an error belongs to no report.
"""

from __future__ import annotations

import duckdb

from gongkai.standard import FORMATS, KEY_FIELDS, TABLE_NAMES, load_standard
from gongkai.validation.columnar.cells import insert_columns
from gongkai.validation.columnar.fields import bits, columns

ISSUE_COLUMNS = (
    "pkg INTEGER, code VARCHAR, severity VARCHAR, resource VARCHAR, row INTEGER, item VARCHAR, "
    "field VARCHAR, expected_txt VARCHAR, expected_num DECIMAL(38, 6), found_txt VARCHAR, "
    "found_num DECIMAL(38, 6), cells VARCHAR[], rule VARCHAR, note VARCHAR, note_en VARCHAR, "
    "stage INTEGER, k1 INTEGER, k2 INTEGER, k3 INTEGER"
)
# Issues come out in the row engine's order, by (stage, k1, k2, k3) within a package:
READ, CAPTURED, SHAPE, DESCRIPTOR, RULES, CONTINUITY = range(6)
_TABLE_ORDER = "list_position(['reports', 'proactive', 'applications', 'reviews'], {})"
FIGURE_TABLES = ("proactive", "applications", "reviews")


def key_ok(fmt: str, table: str, alias: str = "") -> str:
    """SQL: the row's agency_id and year were read without error (it names a report)."""
    prefix = f"{alias}." if alias else ""
    return f"{prefix}bad & {bits(fmt, table, KEY_FIELDS)} = 0"


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


def insert_cell_issues(con: duckdb.DuckDBPyConnection) -> None:
    """Type and constraint errors: each odd cell whose verdict has issues (an item outside the
    format's list is said by table-shape instead, as in the row engine)."""
    con.execute(
        f"""
        INSERT INTO issues (pkg, code, severity, resource, row, item, field, expected_txt,
                            found_txt, note, note_en, stage, k1, k2, k3)
        SELECT o.pkg, i.code, 'error', o.tbl, o.line, o.item, o.fld, i.expected, i.found,
               i.note, i.note_en,
               CASE WHEN i.note IS NOT NULL OR starts_with(i.expected, 'decimals ')
                    THEN {CAPTURED} ELSE {READ} END,
               {_TABLE_ORDER.format("o.tbl")}, o.line, f.pos
        FROM oddcells o
        JOIN cell_issues i USING (fmt, tbl, fld, raw)
        JOIN fieldpos f USING (fmt, tbl, fld)
        WHERE NOT (o.tbl = 'applications' AND o.fld = 'item' AND i.code = 'constraint-error')
        """
    )


def _key_fields(table: str) -> list[str]:
    descriptor = load_standard().format("2021").table(table).descriptor
    return list(descriptor.get("primaryKey", []))


def insert_primary_key_issues(con: duckdb.DuckDBPyConnection) -> None:
    """A repeated key; not in applications, where table-shape says it, nor where agency_id or
    year is None: such a row names no report."""
    for table in TABLE_NAMES:
        keys = _key_fields(table)
        if table == "applications" or not keys:
            continue
        con.execute(
            f"""
            INSERT INTO issues (pkg, code, severity, resource, row, note, stage, k1, k2, k3)
            SELECT pkg, 'primary-key', 'error', '{table}', line,
                   'the same as in the row at position ' || before,
                   {READ}, {_TABLE_ORDER.format(f"'{table}'")}, line, 1000
            FROM (
                SELECT pkg, line,
                       lag(line) OVER (PARTITION BY pkg, {", ".join(keys)} ORDER BY line) AS before
                FROM {table} WHERE agency_id IS NOT NULL AND year IS NOT NULL
            )
            WHERE before IS NOT NULL
            """
        )


def create_reports(con: duckdb.DuckDBPyConnection, fmt: str, first_rid: int) -> int:
    """Table `reps` (rid, pkg, fmt, agency_id, year, line: the first reports row of each key
    read without error; rid numbers the reports from `first_rid`) and `lookup` (the keys of
    every reports row whose key is not all None, for foreign keys). Returns the next rid."""
    con.execute(
        f"""
        CREATE OR REPLACE TABLE reps AS
        SELECT CAST(? + row_number() OVER (ORDER BY pkg, line) - 1 AS INTEGER) AS rid, *
        FROM (
            SELECT pkg, '{fmt}' AS fmt, agency_id, CAST(year AS INTEGER) AS year,
                   min(line) AS line
            FROM reports WHERE {key_ok(fmt, "reports")}
              AND agency_id IS NOT NULL AND year IS NOT NULL
            GROUP BY pkg, agency_id, year
        )
        """,
        [first_rid],
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE lookup AS
        SELECT DISTINCT pkg, coalesce(agency_id, chr(0)) AS a, coalesce(year, -1) AS y
        FROM reports WHERE NOT (agency_id IS NULL AND year IS NULL)
        """
    )
    (count,) = con.execute("SELECT count(*) FROM reps").fetchone() or (0,)
    return first_rid + int(count)


def create_row_groups(con: duckdb.DuckDBPyConnection, fmt: str) -> None:
    """Tables `g_<table>` of the one-row figure tables: each report's rows (lines in order,
    their number, whether all their figures are blank)."""
    for table in FIGURE_TABLES:
        if table == "applications":
            continue
        con.execute(
            f"""
            CREATE OR REPLACE TABLE g_{table} AS
            SELECT r.rid, list(t.line ORDER BY t.line) AS lines, count(*) AS n,
                   bool_and({all_blank(fmt, table, "t")}) AS blank
            FROM {table} t JOIN reps r USING (pkg, agency_id, year)
            WHERE {key_ok(fmt, table, "t")}
            GROUP BY r.rid
            """
        )


def insert_foreign_key_issues(con: duckdb.DuckDBPyConnection, table: str, groups: str) -> None:
    """Rows of `table` whose key is not among the package's reports rows. `groups`: a table of
    the distinct (pkg, agency_id, year) of `table` (a table of millions of rows is looked up
    once per key, and read again only for the keys not found)."""
    con.execute(
        f"""
        INSERT INTO issues (pkg, code, severity, resource, row, item, note, stage, k1, k2, k3)
        WITH missing AS (
            SELECT pkg, agency_id, year FROM {groups} g
            WHERE NOT (agency_id IS NULL AND year IS NULL) AND NOT EXISTS (
                SELECT 1 FROM lookup l WHERE l.pkg = g.pkg
                AND l.a = coalesce(g.agency_id, chr(0)) AND l.y = coalesce(g.year, -1))
        )
        SELECT t.pkg, 'foreign-key', 'error', '{table}', t.line,
               {"t.item" if table == "applications" else "NULL"},
               'for "agency_id, year": values "' || coalesce(t.agency_id, 'None') || ', '
               || coalesce(CAST(t.year AS VARCHAR), 'None')
               || '" not found in the lookup table "reports" as "agency_id, year"',
               {READ}, {_TABLE_ORDER.format(f"'{table}'")}, t.line, 1001
        FROM {table} t
        SEMI JOIN missing m ON m.pkg = t.pkg AND m.agency_id IS NOT DISTINCT FROM t.agency_id
                           AND m.year IS NOT DISTINCT FROM t.year
        """
    )


def value_names(fmt: str, table: str) -> list[str]:
    return [f.name for f in load_standard().format(fmt).table(table).value_fields]


def all_blank(fmt: str, table: str, alias: str = "") -> str:
    """SQL: every figure of the row is blank (None and read without error)."""
    prefix = f"{alias}." if alias else ""
    names = value_names(fmt, table)
    tests = [f"{prefix}bad & {bits(fmt, table, names)} = 0"]
    tests += [f'{prefix}"{n}" IS NULL' for n in names]
    return " AND ".join(tests)


def column_names(fmt: str, table: str) -> list[str]:
    return [c.name for c in columns(fmt, table)]


def create_item_groups(con: duckdb.DuckDBPyConnection, fmt: str, aggregates: list[str]) -> None:
    """Table `ga`: the rows `x` of the items table (表三) by key (pkg, agency_id, year) with
    their report `rid`, whether they hold each item of the format once and nothing else
    (`regular`), whether all their figures are blank, and `aggregates` (SQL over the rows, with
    table `weights` as `c`)."""
    codes = load_standard().format(fmt).table("applications").item_codes
    if len(codes) > 63:
        raise ValueError("more than 63 items: the item mask holds 63")
    every = (1 << len(codes)) - 1
    con.execute(
        f"""
        CREATE OR REPLACE TABLE ga AS
        SELECT a.*, CASE WHEN NOT a.key_bad THEN r.rid END AS rid,
               coalesce(NOT a.key_bad AND r.rid IS NOT NULL AND a.n = {len(codes)}
                        AND a.n_known = {len(codes)} AND a.items = {every}, false) AS regular
        FROM (
            SELECT x.pkg, x.agency_id, x.year,
                   NOT ({key_ok(fmt, "applications", "x")}) AS key_bad,
                   count(*) AS n, count(x.pos) AS n_known,
                   bit_or(CAST(1 AS UBIGINT) << (x.pos - 1)) AS items,
                   bool_and({all_blank(fmt, "applications", "x")}) AS blank,
                   {", ".join(aggregates)}
            FROM w_applications x LEFT JOIN weights c ON c.pos = x.pos
            GROUP BY ALL
        ) a
        LEFT JOIN reps r ON r.pkg = a.pkg AND r.agency_id = a.agency_id AND r.year = a.year
        """
    )
