"""/export: a slice (year, region, level, scope) as one data package zip that validates.

The zip is written row by row into a temporary file (spilling to disk past 8 MB), so a
national slice does not have to fit in memory.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from collections.abc import Iterator
from typing import IO, Any

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
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (closed by _chunks)
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
        # datapackage.json at the root: the zip opens in any Frictionless tool as it is
        archive.writestr("datapackage.json", json.dumps(meta, ensure_ascii=False, indent=2))
        for table in TABLE_NAMES:
            columns = load_standard().formats[fmt].tables[table].field_names
            with (
                archive.open(f"{table}.csv", "w") as raw,
                io.TextIOWrapper(raw, encoding="utf-8", newline="") as text,
            ):
                writer = csv.writer(text, lineterminator="\n")
                writer.writerow(columns)
                for row in iter_rows(engine(), table, fmt, where):
                    writer.writerow([format_cell(row.get(c)) for c in columns])
    size = spool.tell()
    spool.seek(0)
    response = Response(_chunks(spool), mimetype="application/zip")
    response.headers["Content-Length"] = str(size)
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


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := spool.read(256 * 1024):
            yield chunk
    finally:
        spool.close()
