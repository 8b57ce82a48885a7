"""/export: a slice (year, region, level, scope) as one data package zip that validates."""

from __future__ import annotations

from flask import Blueprint, Response

from gongkai.api.args import ExportArgs
from gongkai.api.context import engine
from gongkai.api.represent import parse_args
from gongkai.api.tables import row_filter, table_format
from gongkai.package import package_zip_bytes
from gongkai.standard import TABLE_NAMES
from gongkai.store.queries import RowFilter, iter_rows

bp = Blueprint("export", __name__)


@bp.get("/export")
def export() -> Response:
    args = parse_args(ExportArgs)
    fmt = table_format(args)
    where: RowFilter = row_filter({**args, "report_format": fmt}, "reports")
    tables = {t: list(iter_rows(engine(), t, fmt, where)) for t in TABLE_NAMES}
    name = f"gongkai-{args['year']}-{args.get('region') or 'all'}"
    data = package_zip_bytes(
        tables,
        fmt,
        name=name,
        title=f"政府信息公开工作年度报告 {args['year']}",
        description=f"{len(tables['reports'])} reports, format {fmt}",
    )
    response = Response(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.zip"'
    return response
