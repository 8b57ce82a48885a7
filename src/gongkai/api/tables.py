"""/tables/{table}: rows of current reports across agencies, keyset pages or a full CSV stream."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request, url_for

from gongkai.api.args import TableArgs
from gongkai.api.context import engine
from gongkai.api.errors import ApiError
from gongkai.api.out import RowsOut
from gongkai.api.represent import (
    csv_response,
    decode_token,
    encode_token,
    json_response,
    page_limit,
    parse_args,
    split_suffix,
    wants_csv,
)
from gongkai.standard import TABLE_NAMES, format_for_year, load_standard
from gongkai.store.queries import RowFilter, iter_rows, page_rows

bp = Blueprint("tables", __name__)


def table_name(name: str) -> tuple[str, bool]:
    table, suffix = split_suffix(name)
    if table not in TABLE_NAMES:
        raise ApiError(404, "unknown-table", f"no table {table!r}: one of {', '.join(TABLE_NAMES)}")
    return table, suffix


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
    )


@bp.get("/tables/<name>")
def rows(name: str) -> Response:
    table, suffix = table_name(name)
    args = parse_args(TableArgs)
    fmt = table_format(args)
    where = row_filter(args, table)
    columns = load_standard().formats[fmt].tables[table].field_names
    key_types = (str, int, int) if table == "applications" else (str, int)  # id, year[, seq]
    after = decode_token(args["next"], key_types) if args.get("next") else None
    if wants_csv(args, suffix) and args.get("limit") is None and after is None:
        return csv_response(
            columns,
            iter_rows(engine(), table, fmt, where),
            bom=args["bom"],
            filename=f"{table}.csv",
            stream=True,
        )
    limit = page_limit(args)
    page, next_key = page_rows(engine(), table, fmt, where, after=after, limit=limit)
    next_token = encode_token(next_key) if next_key else None
    if wants_csv(args, suffix):
        response = csv_response(columns, page, bom=args["bom"], filename=f"{table}.csv")
        if next_token:
            # the same query, one page on: every argument but `next` kept
            values: dict[str, Any] = dict(request.view_args or {})
            values |= {k: v for k, v in request.args.items() if k != "next"}
            link = url_for(request.endpoint or "", **values, next=next_token)
            response.headers["Link"] = f'<{link}>; rel="next"'
        return response
    return json_response(RowsOut, {"table": table, "format": fmt, "rows": page, "next": next_token})
