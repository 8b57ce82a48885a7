"""/export: a slice (year, region, level, scope) as one data package zip that validates.

The zip is streamed as it is written, row by row from keyset batches: the first bytes leave at
once, memory stays flat and no single statement outlasts the statement time limit, however
large the slice (docs/deployment.md, "Long exports").
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from flask import Blueprint, Response

from gongkai.api.args import ExportArgs
from gongkai.api.context import engine, settings
from gongkai.api.errors import ApiError
from gongkai.api.represent import parse_args
from gongkai.api.tables import row_filter, table_format
from gongkai.package import format_cell
from gongkai.package.writer import descriptor
from gongkai.settings import license_entry
from gongkai.standard import TABLE_NAMES, load_standard
from gongkai.store.queries import RowFilter, iter_rows

bp = Blueprint("export", __name__)
FLUSH_ROWS = 2000  # rows between two chunks sent


@bp.get("/export")
def export() -> Response:
    """A slice of current reports as one data package.
    ---
    get:
      operationId: exportPackage
      summary: A slice as one data package zip
      tags: [figures]
      parameters:
      - in: query
        schema: ExportArgs
      responses:
        200:
          description: a data package zip
          content:
            application/zip: {schema: {type: string, format: binary}}
        400: Problem
        404: Problem
    """
    args = parse_args(ExportArgs)
    fmt = table_format(args)
    where: RowFilter = row_filter({**args, "report_format": fmt}, "reports")
    _require_a_report(fmt, where, args)
    name = f"gongkai-{args['year']}-{args.get('region') or 'all'}"
    meta = descriptor(
        fmt,
        name=name,
        title=f"政府信息公开工作年度报告 {args['year']}",
        description=f"year {args['year']}, region {args.get('region') or 'all'}, format {fmt}",
        license=license_entry(settings().license),
    )
    rows = partial(iter_rows, engine(), fmt=fmt, where=where)  # the stream runs after the view
    response = Response(_zip_stream(meta, fmt, rows), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.zip"'
    return response


def _require_a_report(fmt: str, where: RowFilter, args: dict[str, Any]) -> None:
    """An empty slice is no package (a package holds at least one report): 404, said so."""
    if next(iter_rows(engine(), "reports", fmt, where), None) is None:  # batches: no open cursor
        raise ApiError(
            404,
            "no-report",
            f"no {fmt}-format report filed in this slice (year {args['year']})",
            message_zh=f"该范围内没有已报送的 {fmt} 格式报告（{args['year']} 年度）",
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


def _zip_stream(
    meta: dict[str, Any], fmt: str, rows: Callable[[str], Iterator[dict[str, Any]]]
) -> Iterator[bytes]:
    """The package zip, sent as it is written: the first bytes leave at once and memory stays
    flat however large the slice (the sink cannot seek, so zipfile writes data descriptors)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        # datapackage.json at the root: the zip opens in any Frictionless tool as it is
        archive.writestr("datapackage.json", json.dumps(meta, ensure_ascii=False, indent=2))
        yield sink.take()
        for table in TABLE_NAMES:
            columns = load_standard().formats[fmt].tables[table].field_names
            with (
                archive.open(f"{table}.csv", "w", force_zip64=True) as raw,
                io.TextIOWrapper(raw, encoding="utf-8", newline="") as text,
            ):
                writer = csv.writer(text, lineterminator="\n")
                writer.writerow(columns)
                for count, row in enumerate(rows(table), start=1):
                    writer.writerow([format_cell(row.get(c)) for c in columns])
                    if count % FLUSH_ROWS == 0:
                        text.flush()
                        if chunk := sink.take():
                            yield chunk
            yield sink.take()
    yield sink.take()  # the central directory
