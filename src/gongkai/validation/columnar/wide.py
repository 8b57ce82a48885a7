"""One batch of one format in the engine: each table as one wide table, a typed column per
field (fields.columns), read and typed in one scan of its file.

Table `w_<table>`: `pkg` and `line` (the row's package and its line in the package's file),
one column per field, `bad` (a bit per field whose cell has an error), and for the few rows
holding a cell that is not plain, `oddmask` (those cells' bits) and `odd` (the line as read).
The odd cells are judged once per distinct value (cells.Verdicts) and their verdicts written
back into the row.
In the table with items (表三), `pos` is the item's place in the format's list and `item` holds
only an item outside it; view `<table>` puts the item back.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from gongkai.standard import TABLE_NAMES, load_standard
from gongkai.validation.columnar.cells import Verdicts
from gongkai.validation.columnar.fields import Column, columns
from gongkai.validation.columnar.intake import Batch, Piece


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def item_list(fmt: str) -> str:
    """SQL: the format's item codes, in order (a row's `pos` indexes it)."""
    codes = load_standard().format(fmt).table("applications").item_codes
    return "[" + ", ".join("'" + c.replace("'", "''") + "'" for c in codes) + "]"


def _has_items(fmt: str, table: str) -> bool:
    return bool(load_standard().format(fmt).table(table).items)


def _scan_sql(fmt: str, table: str, piece: Piece) -> str:
    """SELECT of the typed row from `read_csv` (parameters: the path, the columns). A row's
    line is its place in the piece (its ordinality, kept through a parallel read) counted
    from its package's first line."""
    cols = columns(fmt, table)
    raw = [f"r{c.bit}" for c in cols]
    keys = (
        "pkg, CAST(ordinality - start + 1 AS INTEGER) AS line"
        if piece.package is None
        else f"{piece.package} AS pkg, CAST(ordinality + {piece.first + 1} AS INTEGER) AS line"
    )
    plain = ", ".join(f"{c.plain_sql(r)} AS p{c.bit}" for c, r in zip(cols, raw, strict=True))
    typed = []
    for c, r in zip(cols, raw, strict=True):
        value = f"CASE WHEN p{c.bit} THEN {c.value_sql(r)} END"
        if c.name == "item" and _has_items(fmt, table):
            typed.append(f"CAST(list_position({item_list(fmt)}, {value}) AS UTINYINT) AS pos")
            value = f"CASE WHEN NOT p{c.bit} THEN {r} END"  # only an item outside the list
        typed.append(f"CAST({value} AS {c.sql_type}) AS {quoted(c.name)}")
    mask = " | ".join(f"(CASE WHEN p{c.bit} THEN 0 ELSE {1 << c.bit} END)" for c in cols)
    line = ", ".join(f"coalesce({r}, '')" for r in raw)
    return f"""
        SELECT pkg, line, {", ".join(typed)}, CAST(0 AS UBIGINT) AS bad,
               CASE WHEN oddmask <> 0 THEN concat_ws(',', {line}) END AS odd,
               CASE WHEN oddmask <> 0 THEN oddmask END AS oddmask
        FROM (
            SELECT {keys}, {", ".join(raw)}, {plain},
                   CAST({mask} AS UBIGINT) AS oddmask
            FROM read_csv(?, header = false, delim = ',', quote = '', escape = '',
                          auto_detect = false, columns = ?, nullstr = '', strict_mode = true)
                 WITH ORDINALITY
        )
    """


def _view_sql(fmt: str, table: str) -> str:
    if _has_items(fmt, table):
        return f"SELECT * REPLACE (coalesce({item_list(fmt)}[pos], item) AS item) FROM w_{table}"
    return f"SELECT * FROM w_{table}"


def load(
    con: duckdb.DuckDBPyConnection, folder: Path, batch: Batch, fmt: str, verdicts: Verdicts
) -> list[int]:
    """Tables w_<table>, views <table> and `oddcells` (the cells judged, with their raw text)
    for the batch's packages of this format. Returns the packages holding a value the engine
    cannot hold exactly (a figure past 12 digits or 6 decimals): they are left out, for the
    row engine. Raises duckdb.InvalidInputException on a line with the wrong number of cells
    (only in a large table, which Python did not count)."""
    # One thread per query: a piece's rows keep their order, and the pieces of all four
    # tables are read side by side, each by a thread of its own (the engine's threads setting
    # is global).
    (threads,) = con.execute("SELECT current_setting('threads')").fetchone() or (1,)
    con.execute("SET threads = 1")
    try:
        _read_tables(
            con,
            fmt,
            {table: batch.pieces(folder, fmt, table, int(threads)) for table in TABLE_NAMES},
            int(threads),
        )
    finally:
        con.execute(f"SET threads = {int(threads)}")
    _odd_cells(con, fmt)
    verdicts.add_new()
    inexact = [
        pkg
        for (pkg,) in con.execute(
            "SELECT DISTINCT o.pkg FROM oddcells o JOIN verdicts v USING (fmt, tbl, fld, raw) "
            "WHERE NOT v.exact"
        ).fetchall()
    ]
    if inexact:
        for table in TABLE_NAMES:
            con.execute(f"DELETE FROM w_{table} WHERE list_contains(?, pkg)", [inexact])
        con.execute("DELETE FROM oddcells WHERE list_contains(?, pkg)", [inexact])
    _fold(con, fmt)
    return inexact


def _read_tables(
    con: duckdb.DuckDBPyConnection, fmt: str, pieces: dict[str, list[Piece]], workers: int
) -> None:
    """Tables w_<table> from their pieces, and their views. The pieces of all tables are read
    side by side by `workers` threads, the largest first (a small table read alone would
    leave the other threads idle)."""

    def read(piece: Piece, sql: str, types: dict[str, str]) -> None:
        piece.write()
        try:
            con.cursor().execute(sql, [str(piece.path), types])
        finally:
            piece.path.unlink()

    jobs = []
    for table, parts in pieces.items():
        first = parts[0]
        names = ([] if first.package is not None else ["pkg", "start"]) + [
            f"r{c.bit}" for c in columns(fmt, table)
        ]
        types = {n: ("INTEGER" if n in ("pkg", "start") else "VARCHAR") for n in names}
        empty = Piece(first.path.with_suffix(".none"), first.package, 0, b"")
        read(empty, f"CREATE OR REPLACE TABLE w_{table} AS {_scan_sql(fmt, table, empty)}", types)
        jobs += [(p, f"INSERT INTO w_{table} {_scan_sql(fmt, table, p)}", types) for p in parts]
    jobs.sort(key=lambda job: -len(job[0].lines))
    with ThreadPoolExecutor(max(1, min(workers, len(jobs)))) as pool:
        done = [pool.submit(read, *job) for job in jobs]
    for future in done:
        future.result()  # a piece's error (a ragged line) is the table's
    for table in pieces:
        con.execute(f"CREATE OR REPLACE VIEW {table} AS {_view_sql(fmt, table)}")


def _odd_cells(con: duckdb.DuckDBPyConnection, fmt: str) -> None:
    """Table oddcells (fmt, tbl, rid, pkg, line, fld, bit, raw, item): each cell that is not
    plain, and the item of its row (in the table with items)."""
    selects = []
    for table in TABLE_NAMES:
        fields = ", ".join(f"('{c.name}', {c.bit})" for c in columns(fmt, table))
        item = f"coalesce({item_list(fmt)}[w.pos], w.item)" if _has_items(fmt, table) else "NULL"
        selects.append(
            f"""
            SELECT '{fmt}' AS fmt, '{table}' AS tbl, w.rowid AS rid, w.pkg, w.line, f.fld, f.bit,
                   string_split(w.odd, ',')[f.bit + 1] AS raw, {item} AS item
            FROM w_{table} w CROSS JOIN (VALUES {fields}) f(fld, bit)
            WHERE w.oddmask IS NOT NULL AND (w.oddmask >> f.bit) & 1 = 1
            """
        )
    con.execute(f"CREATE OR REPLACE TABLE oddcells AS {' UNION ALL '.join(selects)}")


def _fold(con: duckdb.DuckDBPyConnection, fmt: str) -> None:
    """Write the verdicts of the odd cells into their rows: the typed value, the bad bit."""
    present = set(con.execute("SELECT DISTINCT tbl, fld FROM oddcells").fetchall())
    for table in TABLE_NAMES:
        for c in columns(fmt, table):
            if (table, c.name) in present:
                con.execute(_fold_sql(fmt, table, c))


def _fold_sql(fmt: str, table: str, c: Column) -> str:
    source = "v.txt" if c.sql_type == "VARCHAR" else "v.num"
    value = f"CAST({source} AS {c.sql_type})"
    if c.name == "item" and _has_items(fmt, table):
        value = f"CASE WHEN list_contains({item_list(fmt)}, {source}) THEN NULL ELSE {value} END"
    return f"""
        UPDATE w_{table} SET {quoted(c.name)} = {value},
               bad = w_{table}.bad | CASE WHEN v.bad THEN {1 << c.bit} ELSE 0 END
        FROM oddcells o JOIN verdicts v USING (fmt, tbl, fld, raw)
        WHERE o.tbl = '{table}' AND o.fld = '{c.name}' AND w_{table}.rowid = o.rid
    """
