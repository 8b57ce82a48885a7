"""/tables/{table}: rows of current reports across agencies, keyset pages, a full CSV stream
or one Parquet file."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, request
from werkzeug.wsgi import wrap_file

from gongkai.api.args import TableArgs
from gongkai.api.context import engine
from gongkai.api.errors import ApiError
from gongkai.api.listing import page_url, read_token, with_link
from gongkai.api.out import RowsOut
from gongkai.api.represent import (
    csv_response,
    json_response,
    page_limit,
    parse_args,
    split_suffix,
    wants_csv,
)
from gongkai.exporting import write_table
from gongkai.package.writer import PARQUET_MEDIATYPE
from gongkai.standard import KEY_FIELDS, TABLE_NAMES, Table, format_for_year, load_standard
from gongkai.store.queries import RowFilter, count_rows, iter_rows, page_rows

bp = Blueprint("tables", __name__)


def table_name(name: str) -> tuple[str, bool]:
    table, suffix = split_suffix(name)
    if table not in TABLE_NAMES:
        raise ApiError(404, "unknown-table", f"no table {table!r}: one of {', '.join(TABLE_NAMES)}")
    return table, suffix


def _table_and_suffix(name: str) -> tuple[str, str | None]:
    """'applications.parquet' -> ('applications', 'parquet'); an unknown table is a 404."""
    base, _, suffix = name.partition(".")
    if suffix == "parquet" and base in TABLE_NAMES:
        return base, "parquet"
    table, csv_suffix = table_name(name)
    return table, "csv" if csv_suffix else None


def table_format(args: dict[str, Any]) -> str:
    """The format whose columns a cross-agency table uses."""
    if args.get("report_format"):
        return str(args["report_format"])
    year = args.get("year")
    return (format_for_year(year) if year else None) or "2021"


def row_filter(args: dict[str, Any], table: str) -> RowFilter:
    scope = args.get("scope")
    return RowFilter(
        year=args.get("year"),
        region=args.get("region"),
        level=args.get("level"),
        scope=None if scope == "all" else scope,
        format=args.get("report_format") or (table_format(args) if table == "proactive" else None),
        agencies=tuple(args.get("agency_id") or ()),
        items=tuple(args.get("item") or ()),
    )


def unknown_names(argument: str, given: list[str], allowed: list[str]) -> None:
    """A 400 naming the argument and the values it may take, for names not among them."""
    unknown = [name for name in given if name not in allowed]
    if unknown:
        raise ApiError(
            400,
            "bad-argument",
            f"query argument {argument!r}: unknown {', '.join(map(repr, unknown))}; "
            f"one of {', '.join(allowed)}",
            argument=argument,
            allowed=allowed,
        )


def selected_columns(args: dict[str, Any], schema: Table) -> list[str]:
    """The schema's columns, or those of `fields` (key columns always kept) in schema order."""
    if args.get("item"):
        if not schema.items:
            raise ApiError(
                400,
                "bad-argument",
                f"query argument 'item': table {schema.name} has no items (applications has)",
                argument="item",
                allowed=[],
            )
        unknown_names("item", args["item"], schema.item_codes)
    if not args.get("fields_"):
        return schema.field_names
    unknown_names("fields", args["fields_"], schema.field_names)
    keep = {*KEY_FIELDS, "item", *args["fields_"]}
    return [name for name in schema.field_names if name in keep]


@bp.get("/tables/<table>")
def rows(table: str) -> Response:
    """Rows of the current reports across agencies.
    ---
    get:
      operationId: listTableRows
      summary: Rows of current reports across agencies (a table.csv streams every row,
        a table.parquet is every row in one Parquet file)
      description: >-
        Filters: year, region, level, scope, report_format, agency_id, item (applications),
        fields (columns; agency_id, year and item are always kept). JSON comes a page at a
        time: follow `next`. CSV (`.csv` or format=csv) streams every row unless `limit` or
        `next` is given; then the next page is in the `Link` header. Parquet (`.parquet` or
        format=parquet) is every row of the slice in one file, typed by the schema (INT64,
        DECIMAL(18,6) amounts, DATE, UTF-8 text; a blank is NULL), columns named as the
        schema's fields; it is written whole before it is sent, and takes no limit, next
        or labels.
      tags: [figures]
      parameters:
      - table_file
      - in: query
        schema: TableArgs
      responses:
        200:
          description: a page of rows (JSON), or the rows as CSV
          headers:
            Link: {$ref: '#/components/headers/Link'}
          content:
            application/json: {schema: RowsOut}
            text/csv: {schema: {type: string}}
            application/vnd.apache.parquet: {schema: {type: string, format: binary}}
        400: Problem
        404: Problem
    """
    table, file_suffix = _table_and_suffix(table)
    args = parse_args(TableArgs)
    fmt = table_format(args)
    where = row_filter(args, table)
    schema = load_standard().formats[fmt].tables[table]
    columns = selected_columns(args, schema)
    if (file_suffix or args.get("format")) == "parquet":
        return _parquet(args, table, fmt, where, columns)
    suffix = file_suffix == "csv"
    key_types = (str, int, int) if table == "applications" else (str, int)  # id, year[, seq]
    after, total = read_token(args, key_types)
    if wants_csv(args, suffix) and args.get("limit") is None and after is None:
        return csv_response(
            columns,
            iter_rows(engine(), table, fmt, where, columns=columns),
            bom=args["bom"],
            filename=f"{table}.csv",
            stream=True,
            labels=args.get("labels"),
            tables=[schema],
        )
    limit = page_limit(args)
    page, next_key = page_rows(
        engine(), table, fmt, where, after=after, limit=limit, columns=columns
    )
    if wants_csv(args, suffix):
        next_url = page_url(next_key, total) if next_key else None
        response = csv_response(
            columns,
            page,
            bom=args["bom"],
            filename=f"{table}.csv",
            labels=args.get("labels"),
            tables=[schema],
        )
        return with_link(response, next_url)
    if total is None:
        total = count_rows(engine(), table, fmt, where)
    next_url = page_url(next_key, total) if next_key else None
    body = {"table": table, "format": fmt, "items": page, "total": total, "next": next_url}
    return with_link(json_response(RowsOut, body), next_url)


def _parquet(
    args: dict[str, Any], table: str, fmt: str, where: RowFilter, columns: list[str]
) -> Response:
    """Every row of the slice as one Parquet file, written to a temporary file and sent with
    its length (Parquet's footer comes last: it cannot be sent as it is written)."""
    for argument in ("limit", "next", "labels"):
        if args.get(argument) is not None:
            raise ApiError(
                400,
                "bad-argument",
                f"query argument {argument!r}: Parquet gives every row of the slice in one "
                "file, with the schema's field names; use CSV or JSON for pages or labels",
                argument=argument,
                message_zh=f"查询参数 {argument}：Parquet 文件包含该范围的全部行，"
                "列名为字段名；分页或中文标签请用 CSV 或 JSON",
            )
    work = Path(tempfile.mkdtemp(prefix="gongkai-table-"))
    try:
        path = work / f"{table}.parquet"
        write_table(engine(), path, table, fmt, where, "parquet", columns)
        data = path.open("rb")
    finally:
        shutil.rmtree(work)  # the open file stays readable until it is closed
    response = Response(
        wrap_file(request.environ, data), mimetype=PARQUET_MEDIATYPE, direct_passthrough=True
    )
    response.content_length = os.fstat(data.fileno()).st_size
    response.call_on_close(data.close)
    response.headers["Content-Disposition"] = f'inline; filename="{table}.parquet"'
    return response
