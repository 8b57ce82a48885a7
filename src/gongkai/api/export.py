"""/export: a slice (year, region, level, scope, agencies) as one data package zip, its
tables as CSV (default) or Parquet.

The zip is streamed as it is written, row by row from keyset batches: the first bytes leave at
once, memory stays flat and no single statement outlasts the statement time limit, however
large the slice (docs/deployment.md, "Long exports").
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from gongkai.api.args import ExportArgs
from gongkai.api.context import engine, settings
from gongkai.api.errors import ApiError
from gongkai.api.represent import parse_args
from gongkai.api.tables import row_filter, table_format
from gongkai.exporting import has_report, package_stream, slice_descriptor, slice_name
from gongkai.settings import license_entry
from gongkai.store.queries import RowFilter

bp = Blueprint("export", __name__)


@bp.get("/export")
def export() -> Response:
    """A slice of current reports as one data package.
    ---
    get:
      operationId: exportPackage
      summary: A slice as one data package zip (CSV or Parquet tables)
      description: >-
        The four tables of the slice's current reports with a datapackage.json at the zip's
        root (the schemas inlined, the licence). format=parquet gives the tables as Parquet
        files (INT64, DECIMAL(18,6) amounts, DATE, UTF-8 text; a blank is NULL) and declares
        them `format: parquet` with the same schemas.
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
    file_format = args["format"]
    meta = slice_descriptor(fmt, where, license_entry(settings().license), file_format)
    chunks = package_stream(engine(), fmt, where, meta, file_format)  # runs after the view
    response = Response(chunks, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{slice_name(where)}.zip"'
    return response


def _require_a_report(fmt: str, where: RowFilter, args: dict[str, Any]) -> None:
    """An empty slice is no package (a package holds at least one report): 404, said so."""
    if not has_report(engine(), fmt, where):
        raise ApiError(
            404,
            "no-report",
            f"no {fmt}-format report filed in this slice (year {args['year']})",
            message_zh=f"该范围内没有已报送的 {fmt} 格式报告（{args['year']} 年度）",
        )
