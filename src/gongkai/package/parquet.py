"""A table of the standard as a Parquet file, written by DuckDB (no pyarrow needed).

The rows go to a temporary CSV file first, which DuckDB reads with the schema's column types
declared (nothing guessed) and copies to Parquet: one pass, in DuckDB's own threads, within a
memory limit past which it spills to disk, so a national year costs no more memory than a
county. Handing DuckDB Python values one by one is two orders of magnitude slower.

Types follow the schema: integer is INT64, number (amounts in 万元, at most 4 decimals) is
DECIMAL(18,6), exact as filed and never a float; date is DATE; string is UTF-8 text. A blank
cell is NULL, never 0. Column names are the schema's field names. Text is written as stored:
a Parquet file is not opened by a spreadsheet, so it needs no formula guard (CSV does).
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from gongkai.standard import Table

AMOUNT = "DECIMAL(18,6)"  # 12 digits before the point: every amount the schemas allow fits
_TYPES = {"integer": "BIGINT", "number": AMOUNT, "date": "DATE"}
MEMORY_LIMIT = "128MB"  # DuckDB's, for one file; past it, it spills to the temporary folder
# One thread reading 4 MB buffers: a national 表三 converts in ~2 s with a peak of ~110 MB;
# two threads with DuckDB's default 32 MB buffers took twice as long on 2 busy cores and
# 340 MB (docs/benchmarks.md, "Parquet"). The rows' reading from the database dominates anyway.
THREADS, READ_BUFFER = 1, 4 * 1024 * 1024
PROGRESS_ROWS = 10_000  # rows between two calls of `progress`
# CRLF rows: the csv module then quotes any text holding a CR or an LF, which DuckDB needs
# to read such a cell back whole
_LINE_END = "\r\n"


def column_types(table: Table, columns: Sequence[str] | None = None) -> dict[str, str]:
    """DuckDB's type for each column (all of the schema's, or `columns` of them, in order)."""
    types = {f.name: _TYPES.get(f.type, "VARCHAR") for f in table.fields}
    return {name: types[name] for name in columns or table.field_names}


def write_parquet(
    path: Path,
    table: Table,
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write `rows` (dicts by field name) to `path` as Parquet; returns how many were written.
    `progress` hears the number of rows written so far now and then."""
    types = column_types(table, columns)
    with tempfile.TemporaryDirectory(prefix="gongkai-parquet-") as work:
        rows_csv = Path(work) / "rows.csv"
        count = _write_csv(rows_csv, list(types), rows, progress)
        _copy_to_parquet(rows_csv, types, path, Path(work) / "spill")
    return count


def _write_csv(
    path: Path,
    columns: list[str],
    rows: Iterable[Mapping[str, Any]],
    progress: Callable[[int], None] | None,
) -> int:
    with path.open("w", encoding="utf-8", newline="") as out:
        return write_csv_rows(
            csv.writer(out, lineterminator=_LINE_END), columns, rows, _cell, progress
        )


def write_csv_rows(
    writer: Any,
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    cell: Callable[[Any], Any],
    progress: Callable[[int], None] | None,
) -> int:
    """The header and every row (each value through `cell`), calling `progress` every
    PROGRESS_ROWS rows and at the end; returns the number of rows."""
    writer.writerow(columns)
    count = 0
    for count, row in enumerate(rows, start=1):
        writer.writerow([cell(row.get(c)) for c in columns])
        if progress is not None and count % PROGRESS_ROWS == 0:
            progress(count)
    if progress is not None:
        progress(count)
    return count


def _cell(value: Any) -> Any:
    """A value as DuckDB reads it back to the same value; None is the empty cell (NULL)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value  # int and str: the csv module writes them as they are


def _copy_to_parquet(rows_csv: Path, types: dict[str, str], path: Path, spill: Path) -> None:
    declared = "{" + ", ".join(f"{_text(n)}: {_text(t)}" for n, t in types.items()) + "}"
    connection = duckdb.connect()  # in memory
    try:
        connection.execute(f"SET temp_directory = {_text(str(spill))}")
        connection.execute(f"SET memory_limit = {_text(MEMORY_LIMIT)}")
        connection.execute("SET enable_progress_bar = false")
        connection.execute(f"SET threads = {THREADS}")
        # an empty cell, quoted or not, is NULL in every column: blank is never 0 nor ""
        connection.execute(
            f"COPY (SELECT * FROM read_csv({_text(str(rows_csv))}, header = true, "
            f"auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
            f"new_line = '\\r\\n', buffer_size = {READ_BUFFER}, columns = {declared})) "
            f"TO {_text(str(path))} (FORMAT parquet, COMPRESSION zstd)"
        )
    finally:
        connection.close()


def _text(value: str) -> str:
    """A SQL string literal (COPY takes no parameters for its file names)."""
    return "'" + value.replace("'", "''") + "'"
