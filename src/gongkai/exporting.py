"""A slice of current reports out of the store: one table as a file, or the four tables as a
data package, in CSV or Parquet. `/export`, `/tables/{table}.parquet` and `gongkai export`
all write here, so a file is the same whichever way it was asked for.

Rows come from keyset batches (no statement outlasts the statement time limit, memory stays
flat); a package zip is produced as it is written, so the API sends its first bytes at once.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from gongkai.package.parquet import write_csv_rows, write_parquet
from gongkai.package.writer import descriptor, format_cell
from gongkai.standard import TABLE_NAMES, load_standard
from gongkai.store.queries import RowFilter, iter_rows

FLUSH_ROWS = 2000  # CSV rows between two chunks of a package stream
COPY_BYTES = 1 << 20  # a Parquet file goes into the zip in pieces of this size
# table name, rows written so far: how a long export tells where it is
Progress = Callable[[str, int], None]


def has_report(engine: Engine, fmt: str, where: RowFilter) -> bool:
    """Whether the slice holds a report (a package holds at least one)."""
    reports = replace(where, items=())  # items are rows of applications, not reports
    return next(iter_rows(engine, "reports", fmt, reports, batch=1), None) is not None


def slice_name(where: RowFilter) -> str:
    return f"gongkai-{where.year}-{where.region or 'all'}"


def slice_descriptor(
    fmt: str, where: RowFilter, license: Mapping[str, str], file_format: str = "csv"
) -> dict[str, Any]:
    """The data package's descriptor: its name, title and licence, the schemas inlined."""
    return descriptor(
        fmt,
        name=slice_name(where),
        title=f"政府信息公开工作年度报告 {where.year}",
        description=f"year {where.year}, region {where.region or 'all'}, format {fmt}",
        license=license,
        file_format=file_format,
    )


def write_table(
    engine: Engine,
    path: Path,
    table: str,
    fmt: str,
    where: RowFilter,
    file_format: str,
    columns: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> int:
    """One table of the slice (all its schema's columns, or `columns`) written to `path`;
    returns how many rows it has."""
    rows = iter_rows(engine, table, fmt, where, columns=list(columns) if columns else None)
    heard = (lambda count: progress(table, count)) if progress else None
    if file_format == "parquet":
        schema = load_standard().formats[fmt].tables[table]
        return write_parquet(path, schema, rows, columns, heard)
    names = list(columns or load_standard().formats[fmt].tables[table].field_names)
    with path.open("w", encoding="utf-8", newline="") as out:
        return _write_csv(out, names, rows, heard)


def _write_csv(
    out: io.TextIOBase,
    columns: list[str],
    rows: Iterator[dict[str, Any]],
    progress: Callable[[int], None] | None,
) -> int:
    """The CSV of /tables/{table}.csv: the schema's columns, a blank an empty cell."""
    return write_csv_rows(
        csv.writer(out, lineterminator="\n"), columns, rows, format_cell, progress
    )


class _Sink(io.RawIOBase):
    """Where the zip is written: what has come since the last take() is sent on."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def package_stream(
    engine: Engine,
    fmt: str,
    where: RowFilter,
    meta: Mapping[str, Any],
    file_format: str = "csv",
    progress: Progress | None = None,
) -> Iterator[bytes]:
    """The slice as a data package zip (datapackage.json `meta` at its root, then the four
    tables), sent as it is written: memory stays flat however large the slice (the sink
    cannot seek, so zipfile writes data descriptors). A Parquet table is written whole to a
    temporary file first (its footer comes last) and then sent."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        # datapackage.json at the root: the zip opens in any Frictionless tool as it is
        archive.writestr("datapackage.json", json.dumps(meta, ensure_ascii=False, indent=2))
        yield sink.take()
        for table in TABLE_NAMES:
            if file_format == "parquet":
                yield from _parquet_member(engine, archive, sink, table, fmt, where, progress)
                continue
            columns = load_standard().formats[fmt].tables[table].field_names
            count = 0
            with (
                archive.open(f"{table}.csv", "w", force_zip64=True) as raw,
                io.TextIOWrapper(raw, encoding="utf-8", newline="") as text,
            ):
                writer = csv.writer(text, lineterminator="\n")
                writer.writerow(columns)
                for count, row in enumerate(iter_rows(engine, table, fmt, where), start=1):
                    writer.writerow([format_cell(row.get(c)) for c in columns])
                    if count % FLUSH_ROWS == 0:
                        text.flush()
                        if chunk := sink.take():
                            yield chunk
                        if progress is not None:
                            progress(table, count)
            if progress is not None:
                progress(table, count)
            yield sink.take()
    yield sink.take()  # the central directory


def _parquet_member(
    engine: Engine,
    archive: zipfile.ZipFile,
    sink: _Sink,
    table: str,
    fmt: str,
    where: RowFilter,
    progress: Progress | None,
) -> Iterator[bytes]:
    with tempfile.TemporaryDirectory(prefix="gongkai-export-") as work:
        path = Path(work) / f"{table}.parquet"
        write_table(engine, path, table, fmt, where, "parquet", progress=progress)
        # stored, not deflated: Parquet's pages are compressed already
        member = zipfile.ZipInfo(f"{table}.parquet", time.localtime()[:6])
        member.compress_type = zipfile.ZIP_STORED
        with path.open("rb") as source, archive.open(member, "w", force_zip64=True) as target:
            while piece := source.read(COPY_BYTES):
                target.write(piece)
                yield sink.take()
    yield sink.take()
