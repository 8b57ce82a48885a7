"""The `equation` rules, compiled from rules.equations() — the same expansion of rules.json the
row engine interprets — into set-wise queries over the wide tables.

The reading is the row engine's (rules.check_equation): an equation with a missing, repeated or
unreadable cell is not checked (that cell has its own issue), one with a blank cell is
`incomplete` naming the blank cells, otherwise left and right must add up. Three forms:

- an equation within one row (表三 row totals, 表四 group totals, one per item or group) is
  column arithmetic over that table's rows, one query per shape of equation;
- an equation across the rows of 表三 (column totals, the balance) is, for a report whose 表三
  holds each item once and no blank or unreadable figure, one weighted sum per equation in a
  single aggregate over 表三 (a weight per item: +1 left, -1 right); it holds when the sum is 0;
- anything else — a report whose 表三 is irregular, a sum that is not 0, a blank or unreadable
  figure, an equation across tables — is read cell by cell (`long_check`): the equation's terms
  joined to the report's cells, then grouped per (report, equation). Those are few.

Continuity compares each report with last year's (continuity.py) through the row form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import duckdb

from gongkai.standard import FORMATS, load_standard
from gongkai.validation.columnar.cells import insert_columns
from gongkai.validation.columnar.fields import NUMBER, column
from gongkai.validation.columnar.tables import RULES, key_ok
from gongkai.validation.columnar.wide import item_list
from gongkai.validation.rules import Equation, equations


def create_terms(con: duckdb.DuckDBPyConnection) -> None:
    """Tables `equations` (one row per expanded equation), `terms` (one per term) and
    `cellids` (a number for each cell an equation reads)."""
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
                (fmt, number, eq.rule["id"], eq.rule["severity"], needs, first.table,
                 first.item, first.field)
            )  # fmt: skip
            for ord_, term in enumerate(eq.left + eq.right):
                term_rows.append(
                    (
                        fmt, number, ord_, ord_ < len(eq.left), term.table, term.item,
                        term.item or "", term.field, term.sign, term.previous, term.label, needs,
                        cell_ids()[(term.table, term.item or "", term.field)],
                    )
                )  # fmt: skip
    for table, rows in (("equations", eq_rows), ("terms", term_rows)):
        names = [d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description]
        insert_columns(con, table, {n: [r[k] for r in rows] for k, n in enumerate(names)})
    con.execute(
        "CREATE TABLE cellids AS SELECT DISTINCT cid, tbl, item_key, fld FROM terms ORDER BY cid"
    )


@cache
def cell_ids() -> dict[tuple[str, str, str], int]:
    """(table, item or '', field) -> a number, for every cell an equation of any format reads."""
    cells = sorted(
        {(t.table, t.item or "", t.field) for fmt in FORMATS for eq in equations(fmt)
         for t in eq.left + eq.right}
    )  # fmt: skip
    return {cell: number for number, cell in enumerate(cells, start=1)}


# --- the plan: which form each equation takes -------------------------------------------------


@dataclass(frozen=True)
class Plan:
    row: dict[tuple[str, tuple], list[int]]  # (table, shape) -> equations within one row
    across: list[int]  # equations across the rows of the items table
    other: list[int]  # equations across tables: read cell by cell for every report
    continuity: list[int]


def _items_table(fmt: str) -> str:
    return next(t.name for t in load_standard().format(fmt).tables.values() if t.items)


def shape_of(eq: Equation) -> tuple:
    """An equation without its item: the equations of one rule over each item share it."""
    return (
        eq.rule["id"],
        tuple((t.field, t.sign, k < len(eq.left)) for k, t in enumerate(eq.left + eq.right)),
    )


@cache
def plan(fmt: str) -> Plan:
    items_table = _items_table(fmt)
    row: dict[tuple[str, tuple], list[int]] = {}
    across, other, continuity = [], [], []
    for number, eq in enumerate(equations(fmt)):
        terms = eq.left + eq.right
        tables = {t.table for t in terms}
        if eq.rule.get("needs_previous"):
            continuity.append(number)
        elif len(tables) != 1:
            other.append(number)
        elif len({t.item for t in terms}) == 1:
            row.setdefault((terms[0].table, shape_of(eq)), []).append(number)
        elif tables == {items_table}:
            across.append(number)
        else:
            other.append(number)
    return Plan(row, across, other, continuity)


# --- the row form ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermSQL:
    """A term as SQL over the rows at hand: its value, status ('ok', 'blank', 'bad', or NULL
    when the cell is missing) and line, and its description (SQL too: the item may vary)."""

    value: str
    status: str
    line: str
    table: str
    item: str  # SQL
    field: str
    label: str  # SQL
    sign: int
    previous: bool
    integral: bool = False  # its value is a BIGINT: summed as one, not as a DECIMAL(38, 6)


def status_sql(fmt: str, table: str, name: str, alias: str) -> str:
    """SQL: the status of a cell of a wide table's row."""
    bit = 1 << column(fmt, table, name).bit
    return (
        f"CASE WHEN {alias}.bad & {bit} <> 0 THEN 'bad' "
        f"WHEN {alias}.\"{name}\" IS NULL THEN 'blank' ELSE 'ok' END"
    )


def _text(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def row_issues_sql(
    terms: list[TermSQL],
    n_left: int,
    rule: dict,
    source: str,
    keys: str,
    eq: str,
    stage: int,
    then: str = "",
    readable: str | None = None,
) -> str:
    """SELECT of the issues of one equation evaluated on each row `x` of `source` (a FROM
    clause naming its rows x): columns as table `issues` wants them. The rows that break the
    equation or meet a blank are found first; only they go through `then` (a JOIN … WHERE …
    on x, e.g. to their report) and are worded. `keys`: SQL of (pkg, k1) for each row; `eq`:
    SQL of the equation's number (k3). `readable`: SQL that is true when no term's cell is
    missing or unreadable, if cheaper than asking each term's status."""
    readable = readable or " AND ".join(
        f"coalesce({t.status} IN ('ok', 'blank'), false)" for t in terms
    )
    labels = ", ".join(f"CASE WHEN {t.status} = 'blank' THEN {t.label} END" for t in terms)

    def first_blank(part: Callable[[TermSQL], str]) -> str:
        cases = " ".join(f"WHEN {t.status} = 'blank' THEN {part(t)}" for t in terms)
        return f"CASE {cases} END"

    def total(side: list[TermSQL]) -> str:
        if all(t.integral for t in terms):
            return " + ".join(f"{t.value} * {t.sign}" for t in side)
        return " + ".join(f"CAST({t.value} AS DECIMAL(38, 6)) * {t.sign}" for t in side)

    # once the cells are readable, a blank one is a NULL value
    any_blank = " OR ".join(f"{t.value} IS NULL" for t in terms)
    lead = terms[0]
    blank = "x._b IS NOT NULL"
    return f"""
        SELECT {keys},
               CASE WHEN {blank} THEN 'incomplete' ELSE '{rule["id"]}' END AS code,
               CASE WHEN {blank} THEN 'warning' ELSE '{rule["severity"]}' END AS severity,
               CASE WHEN {blank} THEN {first_blank(lambda t: _text(t.table))}
                    ELSE '{lead.table}' END AS resource,
               CASE WHEN {blank} THEN {first_blank(lambda t: "NULL" if t.previous else t.line)}
                    ELSE {lead.line} END AS row,
               CASE WHEN {blank} THEN {first_blank(lambda t: t.item)} ELSE {lead.item} END
                   AS item,
               CASE WHEN {blank} THEN {first_blank(lambda t: _text(t.field))}
                    ELSE '{lead.field}' END AS field,
               CASE WHEN {blank} THEN NULL ELSE x._expected END AS expected_num,
               CASE WHEN {blank} THEN NULL ELSE x._found END AS found_num,
               list_filter([{labels}], v -> v IS NOT NULL) AS cells,
               CASE WHEN {blank} THEN '{rule["id"]}' END AS rule,
               {stage} AS stage, 0 AS k2, {eq} AS k3
        FROM (
            SELECT * FROM (
                SELECT x.*, {readable} AS _readable,
                       CASE WHEN {any_blank} THEN {first_blank(lambda t: "true")} END AS _b,
                       {total(terms[:n_left])} AS _found, {total(terms[n_left:])} AS _expected
                FROM {source}
            ) x
            WHERE x._readable AND (x._b IS NOT NULL OR x._found <> x._expected)
        ) x {then}
    """


def _same_row_terms(fmt: str, eq: Equation, alias: str, item_sql: str) -> list[TermSQL]:
    found = []
    for t in eq.left + eq.right:
        label = f"{item_sql} || '.{t.field}'" if t.item else _text(t.label)
        found.append(
            TermSQL(
                value=f'{alias}."{t.field}"',
                status=status_sql(fmt, t.table, t.field, alias),
                line=f"{alias}.line",
                table=t.table,
                item=item_sql if t.item else "NULL",
                field=t.field,
                label=label,
                sign=t.sign,
                previous=False,
                integral=column(fmt, t.table, t.field).sql_type == "BIGINT",
            )
        )
    return found


def _same_row_readable(fmt: str, eq: Equation, alias: str) -> str:
    """SQL: no cell of the equation in this row has an error (one mask test)."""
    table = eq.left[0].table
    mask = sum(1 << column(fmt, table, t.field).bit for t in eq.left + eq.right)
    return f"{alias}.bad & {mask} = 0"


def insert_row_equations(con: duckdb.DuckDBPyConnection, fmt: str) -> None:
    """The equations within one row, for each row that is its report's only row of that table
    and item: in the items table, the rows of reports whose 表三 holds each item once (`ga`,
    column `regular`; the others are read cell by cell); in a one-row table, the rows of
    reports with one row there (`g_<table>`)."""
    items_table = _items_table(fmt)
    codes = load_standard().format(fmt).table(items_table).item_codes
    all_eqs = equations(fmt)
    for (table, _), numbers in plan(fmt).row.items():
        if table != items_table:
            then = (
                "JOIN reps r USING (pkg, agency_id, year) "
                f"JOIN g_{table} g ON g.rid = r.rid WHERE len(g.lines) = 1"
            )
            for n in numbers:
                _insert_row(con, fmt, all_eqs[n], _same_row_terms(fmt, all_eqs[n], "x", "NULL"),
                            f"{table} x", then, "r.rid", str(n))  # fmt: skip
            continue
        # one query for the equations of one rule over every item: the equation's number
        # looked up by the row's item
        by_pos = {codes.index(all_eqs[n].left[0].item) + 1: n for n in numbers}  # type: ignore[arg-type]
        numbers_by_pos = [by_pos.get(pos, -1) for pos in range(len(codes) + 1)]
        source = f"w_{table} x WHERE list_contains({sorted(by_pos)}, x.pos)"
        then = "JOIN ga g USING (pkg, agency_id, year) WHERE g.regular"
        eq = all_eqs[numbers[0]]
        terms = _same_row_terms(fmt, eq, "x", f"coalesce({item_list(fmt)}[x.pos], x.item)")
        _insert_row(con, fmt, eq, terms, source, then, "g.rid", f"{numbers_by_pos}[x.pos + 1]")


def _insert_row(
    con: duckdb.DuckDBPyConnection,
    fmt: str,
    eq: Equation,
    terms: list[TermSQL],
    source: str,
    then: str,
    rid: str,
    eq_sql: str,
) -> None:
    sql = row_issues_sql(
        terms, len(eq.left), eq.rule, source, f"x.pkg, {rid} AS k1", eq_sql, RULES, then,
        _same_row_readable(fmt, eq, "x"),
    )  # fmt: skip
    con.execute(
        "INSERT INTO issues (pkg, k1, code, severity, resource, row, item, field, expected_num, "
        f"found_num, cells, rule, stage, k2, k3) {sql}"
    )


# --- the form across the rows of 表三 ---------------------------------------------------------


def across_aggregates(con: duckdb.DuckDBPyConnection, fmt: str) -> list[str]:
    """SQL aggregates over the items table's rows `x` of a report: `d<eq>`, the equation's left
    minus right for each equation across rows, and `dirty`: a figure those read is blank or
    unreadable (then the report is read cell by cell). Creates table `weights` (`pos`, and a
    weight per equation and field: +1 left, -1 right, 0 elsewhere), which `c` names."""
    codes = load_standard().format(fmt).table(_items_table(fmt)).item_codes
    all_eqs = equations(fmt)
    found = []
    weights: dict[str, list[int]] = {}
    names: set[str] = set()
    for n in plan(fmt).across:
        eq = all_eqs[n]
        parts = []
        for k, t in enumerate(eq.left + eq.right):
            side = 1 if k < len(eq.left) else -1
            name = f"w{n}_{t.field}"
            if name not in weights:
                weights[name] = [0] * len(codes)
                parts.append(f'x."{t.field}" * c.{name}')
            weights[name][codes.index(t.item)] += side * t.sign  # type: ignore[arg-type]
            names.add(t.field)
        found.append(f"sum({' + '.join(parts)}) AS d{n}")
    columns_sql = {"pos": [k + 1 for k in range(len(codes))]} | weights
    con.execute(
        "CREATE OR REPLACE TABLE weights ("
        + ", ".join(f"{n} {'UTINYINT' if n == 'pos' else 'INTEGER'}" for n in columns_sql)
        + ")"
    )
    insert_columns(con, "weights", columns_sql)
    table = _items_table(fmt)
    if names:
        mask = sum(1 << column(fmt, table, f).bit for f in names)
        blank = " OR ".join(f'x."{f}" IS NULL' for f in sorted(names))
        found.append(f"bool_or(x.bad & {mask} <> 0 OR {blank}) AS dirty")
    else:
        found.append("false AS dirty")
    return found


def across_broken(fmt: str) -> str:
    """SQL over a row of `ga`: some equation across rows does not hold (or cannot be read
    from the sums)."""
    tests = [f"d{n} <> 0" for n in plan(fmt).across]
    return " OR ".join(["dirty", *tests])


# --- cell by cell ------------------------------------------------------------------------------


def create_long_cells(con: duckdb.DuckDBPyConnection, fmt: str, reports: str) -> None:
    """Table `termcells` (rid, cid, status, num, line): the cells the equations read, of the
    reports in `reports` (a table of rid, pkg, agency_id, year), from the rows that are the
    only one of their report, table and item."""
    selects = []
    wanted: dict[str, set[str]] = {}  # table -> the fields of it that equations read
    for table, _, name in cell_ids():
        spec = load_standard().format(fmt).tables.get(table)
        if spec is not None and spec.field(name) is not None:
            wanted.setdefault(table, set()).add(name)
    for table, names in sorted(wanted.items()):
        items = _items_table(fmt) == table
        item = f"coalesce({item_list(fmt)}[x.pos], x.item)" if items else "NULL"
        # from the table itself, not its view: line and item only for the rows wanted; only
        # the columns the cells are read from
        kept = ", ".join(["x.line", "x.bad", *(f'x."{n}"' for n in sorted(names))])
        rows = (
            f"""
            SELECT r.rid, {kept}, {item} AS item
            FROM w_{table} x JOIN {reports} r USING (pkg, agency_id, year)
            WHERE {key_ok(fmt, table, "x")}
            QUALIFY count(*) OVER (PARTITION BY r.rid, coalesce({item}, '')) = 1
        """
            if items
            else f"""
            SELECT r.rid, {kept}
            FROM w_{table} x JOIN {reports} r USING (pkg, agency_id, year)
            WHERE {key_ok(fmt, table, "x")}
            QUALIFY count(*) OVER (PARTITION BY r.rid) = 1
        """
        )
        item_key = "coalesce(x.item, '')" if items else "''"
        # one pass per field over the rows, each cell matched to its number
        for name in sorted(names):
            selects.append(
                f"SELECT x.rid, c.cid, {status_sql(fmt, table, name, 'x')} AS status, "
                f'CAST(x."{name}" AS {NUMBER}) AS num, x.line FROM u_{table} x '
                f"JOIN cellids c ON c.tbl = '{table}' AND c.fld = '{name}' "
                f"AND c.item_key = {item_key}"
            )
        con.execute(f"CREATE OR REPLACE TEMP TABLE u_{table} AS {rows}")
    if not selects:
        con.execute(
            f"CREATE OR REPLACE TABLE termcells (rid INTEGER, cid INTEGER, status VARCHAR, "
            f"num {NUMBER}, line INTEGER)"
        )
        return
    con.execute(f"CREATE OR REPLACE TABLE termcells AS {' UNION ALL '.join(selects)}")


def long_check(
    con: duckdb.DuckDBPyConnection, reports: str, cells: str, numbers: list[int], stage: int
) -> None:
    """Check equations `numbers` of each report cell by cell.

    `reports`: SQL giving (rid, pkg, fmt, prev_rid, only) — prev_rid last year's report of the
    same agency (continuity only), `only` a list of the equations to check in that report (of
    `numbers`; NULL: all of them). `cells`: a table of (rid, cid, status, num, line): the cells of
    each report's rows that are there exactly once.
    """
    if not numbers:
        return
    con.execute(
        f"""
        INSERT INTO issues (pkg, code, severity, resource, row, item, field, expected_num,
                            found_num, cells, rule, stage, k1, k2, k3)
        WITH joined AS (
            SELECT r.rid, r.pkg, t.fmt, t.eq, t.ord, t.is_left, t.label, t.sign,
                   t.tbl, t.item, t.fld, t.previous, c.status, c.num, c.line
            FROM ({reports}) r
            JOIN terms t ON t.fmt = r.fmt AND list_contains(?, t.eq)
                        AND (r.only IS NULL OR list_contains(r.only, t.eq))
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
               {stage}, j.rid, 0, j.eq
        FROM judged j JOIN equations e USING (fmt, eq)
        WHERE j.readable AND (j.blank_labels IS NOT NULL OR j.found <> j.expected)
        """,
        [numbers],
    )
