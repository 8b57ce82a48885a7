"""Continuity across years: each report against last year's report of the same agency.

The engine keeps, for every report of every batch (and of the packages the row engine read),
one wide row `contwide` of the cells the continuity equations read — value, status and line of
each — so that at the end each report meets last year's in one join, and every equation is
column arithmetic over the pair (equations.row_issues_sql).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

import duckdb

from gongkai.standard import FORMATS, load_standard
from gongkai.validation.columnar.cells import insert_columns
from gongkai.validation.columnar.equations import TermSQL, _text, cell_ids, plan, row_issues_sql
from gongkai.validation.columnar.fields import NUMBER, column
from gongkai.validation.columnar.tables import CONTINUITY, key_ok
from gongkai.validation.reports import ABSENT, ReportData
from gongkai.validation.rules import equations


@cache
def continuity_cells() -> tuple[tuple[int, str, str, str], ...]:
    """(cid, table, item or '', field) of every cell a continuity equation reads."""
    wanted = {
        (t.table, t.item or "", t.field)
        for fmt in FORMATS
        for n in plan(fmt).continuity
        for t in equations(fmt)[n].left + equations(fmt)[n].right
    }
    return tuple(sorted((cell_ids()[c], *c) for c in wanted))


def create_table(con: duckdb.DuckDBPyConnection) -> None:
    cells = ", ".join(
        f"v{cid} {NUMBER}, s{cid} VARCHAR, l{cid} INTEGER" for cid, *_ in continuity_cells()
    )
    con.execute(
        "CREATE TABLE contwide (rid INTEGER, pkg INTEGER, fmt VARCHAR, agency_id VARCHAR, "
        f"year INTEGER, checked BOOLEAN{', ' if cells else ''}{cells})"
    )


def insert_batch(con: duckdb.DuckDBPyConnection, fmt: str) -> None:
    """The batch's reports of this format (`reps`, `batch_packages`) into `contwide`."""
    spec = load_standard().format(fmt)
    items_table = next(t.name for t in spec.tables.values() if t.items)
    by_row: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for cid, table, item, name in continuity_cells():
        if table in spec.tables and spec.table(table).field(name) is not None:
            by_row.setdefault((table, item), []).append((cid, name))
    joins, picks = [], []
    for k, ((table, item), cells) in enumerate(sorted(by_row.items())):
        test = ""
        if item and table == items_table:
            codes = spec.table(table).item_codes
            position = codes.index(item) + 1 if item in codes else None
            test = f"AND x.pos = {position}" if position else f"AND x.item = {_text(item)}"
        values = ", ".join(
            f'CAST(x."{n}" AS {NUMBER}) AS v{cid}, '
            f"CASE WHEN x.bad & {1 << _bit(fmt, table, n)} <> 0 THEN 'bad' "
            f"WHEN x.\"{n}\" IS NULL THEN 'blank' ELSE 'ok' END AS s{cid}"
            for cid, n in cells
        )
        # the report's only row there: a window count, not a GROUP BY (no aggregate over the
        # text of each status: a third less time)
        joins.append(
            f"""LEFT JOIN (
                SELECT r.rid, x.line, {values}
                FROM {table} x JOIN reps r USING (pkg, agency_id, year)
                WHERE {key_ok(fmt, table, "x")} {test}
                QUALIFY count(*) OVER (PARTITION BY r.rid) = 1
            ) c{k} ON c{k}.rid = r.rid"""
        )
        picks += [f"c{k}.v{cid}, c{k}.s{cid}, c{k}.line AS l{cid}" for cid, _ in cells]
    con.execute(
        f"""
        INSERT INTO contwide BY NAME
        SELECT r.rid, r.pkg, r.fmt, r.agency_id, r.year, b.checked
               {"".join(", " + p for p in picks)}
        FROM reps r JOIN batch_packages b USING (pkg)
        {" ".join(joins)}
        """
    )


def _bit(fmt: str, table: str, name: str) -> int:
    return column(fmt, table, name).bit


def insert_reports(
    con: duckdb.DuckDBPyConnection,
    reports: list[tuple[int, int, str, ReportData, bool]],
) -> None:
    """Reports the row engine read, as (rid, package, format, report, checked)."""
    rows = []
    for rid, pkg, fmt, report, checked in reports:
        row: dict[str, object] = {
            "rid": rid, "pkg": pkg, "fmt": fmt, "agency_id": report.agency_id,
            "year": report.year, "checked": checked,
        }  # fmt: skip
        for cid, table, item, name in continuity_cells():
            cell = report.cell(table, item or None, name)
            if cell.status == ABSENT:
                row |= {f"v{cid}": None, f"s{cid}": None, f"l{cid}": None}
                continue
            value = cell.value if isinstance(cell.value, int | Decimal) else None
            row |= {
                f"v{cid}": value,
                f"s{cid}": cell.status,
                f"l{cid}": cell.row.number if cell.row else None,
            }
        rows.append(row)
    if rows:
        insert_columns(con, "contwide", {n: [r[n] for r in rows] for n in rows[0]})


def check(con: duckdb.DuckDBPyConnection) -> None:
    """Each checked report against last year's report of the same agency: the one in the
    last package holding it (packages given as previous come first)."""
    _pairs(con)
    for fmt in FORMATS:
        for n in plan(fmt).continuity:
            eq = equations(fmt)[n]
            terms = []
            for t in eq.left + eq.right:
                cid = cell_ids()[(t.table, t.item or "", t.field)]
                side = "p" if t.previous else "c"
                terms.append(
                    TermSQL(
                        value=f"{side}_v{cid}",
                        status=f"{side}_s{cid}",
                        line=f"{side}_l{cid}",
                        table=t.table,
                        item=_text(t.item),
                        field=t.field,
                        label=_text(t.label),
                        sign=t.sign,
                        previous=t.previous,
                    )
                )
            sql = row_issues_sql(
                terms, len(eq.left), eq.rule, f"pairs x WHERE x.fmt = '{fmt}'",
                "x.pkg, x.rid AS k1", str(n), CONTINUITY,
            )  # fmt: skip
            con.execute(
                "INSERT INTO issues (pkg, k1, code, severity, resource, row, item, field, "
                f"expected_num, found_num, cells, rule, stage, k2, k3) {sql}"
            )


def _pairs(con: duckdb.DuckDBPyConnection) -> None:
    cells = [cid for cid, *_ in continuity_cells()]
    current = "".join(f", c.v{k} AS c_v{k}, c.s{k} AS c_s{k}, c.l{k} AS c_l{k}" for k in cells)
    previous = "".join(f", p.v{k} AS p_v{k}, p.s{k} AS p_s{k}, p.l{k} AS p_l{k}" for k in cells)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE pairs AS
        SELECT c.pkg, c.rid, c.fmt {current} {previous}
        FROM contwide c
        JOIN (SELECT agency_id, year, arg_max(rid, pkg) AS rid FROM contwide GROUP BY ALL) last
          ON last.agency_id = c.agency_id AND last.year = c.year - 1
        JOIN contwide p ON p.rid = last.rid
        WHERE c.checked
        """
    )
