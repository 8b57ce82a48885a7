"""/aggregate/{table} and /coverage: sums with reported/blank counts, and who filed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from gongkai.api.args import AggregateArgs, CoverageArgs
from gongkai.api.context import engine
from gongkai.api.out import AggregateOut, CoverageOut
from gongkai.api.represent import csv_response, json_response, parse_args, wants_csv
from gongkai.api.tables import row_filter, table_format, table_name
from gongkai.standard import load_standard
from gongkai.store.aggregates import aggregate, coverage_detail
from gongkai.store.queries import RowFilter

bp = Blueprint("aggregate", __name__)


@bp.get("/aggregate/<name>")
def aggregate_table(name: str) -> Response:
    table, suffix = table_name(name)
    args = parse_args(AggregateArgs)
    fmt = table_format(args)
    groups = aggregate(engine(), table, fmt, row_filter(args, table), args["by"])
    schema = load_standard().formats[fmt].tables[table]
    values = [f.name for f in schema.value_fields]
    if wants_csv(args, suffix):
        columns = ["group", *(["item"] if schema.items else []), *values]
        rows = [{"group": g.key, **r} for g in groups for r in g.rows]
        return csv_response(columns, rows, bom=args["bom"], filename=f"aggregate-{table}.csv")
    body: dict[str, Any] = {
        "table": table,
        "format": fmt,
        "by": args["by"],
        "year": args.get("year"),
        "region": args.get("region"),
        "scope": args["scope"],
        "groups": [
            {
                "group": g.key,
                "reports": g.reports,
                "rows": [
                    {
                        **({"item": r["item"]} if "item" in r else {}),
                        "sums": {v: r[v] for v in values},
                        "reported": {v: c[v]["reported"] for v in values},
                        "blank": {v: c[v]["blank"] for v in values},
                    }
                    for r, c in zip(g.rows, g.counts, strict=True)
                ],
                "coverage": g.coverage.__dict__,
            }
            for g in groups
        ],
    }
    return json_response(AggregateOut, body)


COVERAGE_COLUMNS = [
    "agency_id",
    "agency_name",
    "region_code",
    "status",
    "version",
    "received_at",
    "published_on",
    "deadline",
]


@bp.get("/coverage")
@bp.get("/coverage.csv", endpoint="coverage_csv")
def coverage() -> Response:
    from flask import request

    args = parse_args(CoverageArgs)
    where = RowFilter(region=args.get("region"), level=args.get("level"), scope=args.get("scope"))
    detail = coverage_detail(engine(), args["year"], where)
    if wants_csv(args, request.path.endswith(".csv")):
        rows = [{**r, "status": "late" if r["late"] else "filed"} for r in detail["reports"]]
        rows += [
            {**m, "status": "refused" if m["refused"] else "missing"} for m in detail["missing"]
        ]
        return csv_response(COVERAGE_COLUMNS, rows, bom=args["bom"], filename="coverage.csv")
    return json_response(CoverageOut, {**detail, "region": args.get("region")})
