"""/aggregate/{table} and /coverage: sums with reported/blank counts, and who filed."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, Response

from gongkai.api.args import AggregateArgs, CoverageArgs
from gongkai.api.context import engine
from gongkai.api.listing import list_response
from gongkai.api.out import AggregateOut, CoverageOut
from gongkai.api.represent import csv_response, parse_args, wants_csv
from gongkai.api.tables import row_filter, table_format, table_name
from gongkai.standard import load_standard
from gongkai.store.aggregates import Group, aggregate, count_reports, coverage_detail
from gongkai.store.queries import RowFilter
from gongkai.store.regions import region_names

bp = Blueprint("aggregate", __name__)

REGION_GROUPINGS = ("province", "city", "county")


@bp.get("/aggregate/<table>")
def aggregate_table(table: str) -> Response:
    """Sums per group, with reported and blank counts and coverage.
    ---
    get:
      operationId: aggregateTable
      summary: Sums per group with reported/blank counts and coverage (table.csv for CSV)
      description: >-
        The body echoes `scope`, the reports it counted (default agency: agencies' own reports,
        so that consolidated government reports are not counted twice), and a `note` when the
        slice has government reports that scope left out. The CSV has a scope column.
      tags: [figures]
      parameters:
      - table
      - in: query
        schema: AggregateArgs
      responses:
        200:
          description: one item per group
          content:
            application/json: {schema: AggregateOut}
            text/csv: {schema: {type: string}}
        400: Problem
        404: Problem
    """
    table, suffix = table_name(table)
    args = parse_args(AggregateArgs)
    fmt = table_format(args)
    where = row_filter(args, table)
    groups = aggregate(engine(), table, fmt, where, args["by"])
    names = (
        region_names(engine(), [g.key for g in groups]) if args["by"] in REGION_GROUPINGS else {}
    )
    schema = load_standard().formats[fmt].tables[table]
    values = [f.name for f in schema.value_fields]
    if wants_csv(args, suffix):
        columns = ["group", "group_name", "scope", *(["item"] if schema.items else []), *values]
        rows = [
            {"group": g.key, "group_name": names.get(g.key), "scope": args["scope"], **r}
            for g in groups
            for r in g.rows
        ]
        return csv_response(
            columns,
            rows,
            bom=args["bom"],
            filename=f"aggregate-{table}.csv",
            labels=args.get("labels"),
            tables=[schema],
        )
    return list_response(
        AggregateOut,
        [_group_body(g, names.get(g.key), values) for g in groups],
        total=len(groups),
        table=table,
        format=fmt,
        by=args["by"],
        year=args.get("year"),
        region=args.get("region"),
        scope=args["scope"],
        note=_scope_note(args["scope"], fmt, where, groups),
    )


def _group_body(group: Group, name: str | None, values: list[str]) -> dict[str, Any]:
    return {
        "group": group.key,
        "name": name,
        "reports": group.reports,
        "rows": [
            {
                **({"item": r["item"]} if "item" in r else {}),
                "sums": {v: r[v] for v in values},
                "reported": {v: c[v]["reported"] for v in values},
                "blank": {v: c[v]["blank"] for v in values},
            }
            for r, c in zip(group.rows, group.counts, strict=True)
        ],
        "coverage": group.coverage.__dict__,
    }


def _scope_note(scope: str, fmt: str, where: RowFilter, groups: list[Group]) -> str | None:
    """Says so when scope=agency left government reports of the slice out."""
    if scope != "agency":
        return None
    left_out = count_reports(engine(), replace(where, scope="government"))
    if not left_out:
        return None
    counted = sum(g.reports for g in groups)
    if not counted:
        return (
            f"scope=agency counted no report: this slice has only government reports "
            f"({left_out}); scope=government or scope=all counts them"
        )
    return (
        f"scope=agency counted agencies' own reports only; {left_out} government report(s) "
        "of this slice are not counted (scope=government or scope=all counts them)"
    )


COVERAGE_COLUMNS = [
    "agency_id",
    "agency_name",
    "region_code",
    "region_name",
    "status",
    "version",
    "received_at",
    "published_on",
    "deadline",
]


def coverage_items(detail: dict[str, Any]) -> list[dict[str, Any]]:
    """One item per agency of the slice: filed, late or unknown (with its filing: lateness
    cannot be told for a loaded report without its publication date), refused or missing."""
    rows = [{k: v for k, v in r.items() if k != "late"} for r in detail["reports"]]
    rows += [
        {
            "agency_id": m["agency_id"],
            "agency_name": m["agency_name"],
            "region_code": m["region_code"],
            "status": "refused" if m["refused"] else "missing",
        }
        for m in detail["missing"]
    ]
    names = region_names(engine(), [r["region_code"] for r in rows])
    return [{**r, "region_name": names.get(r["region_code"])} for r in rows]


@bp.get("/coverage")
def coverage() -> Response:
    """Who filed, who filed late, who was refused, who is missing.
    ---
    get:
      operationId: getCoverage
      summary: Who filed, who filed late, who is missing
      description: Lateness is judged by the report's published_on where it is known, else by
        the day of the first filing when it came through the API; a report loaded or imported
        without its publication date is `unknown`, not late.
      tags: [figures]
      parameters:
      - in: query
        schema: CoverageArgs
      responses:
        200:
          description: counts, and every agency of the slice with its status
          content:
            application/json: {schema: CoverageOut}
            text/csv: {schema: {type: string}}
        400: Problem
    """
    return _coverage(csv=False)


@bp.get("/coverage.csv")
def coverage_csv() -> Response:
    """Coverage as CSV.
    ---
    get:
      operationId: getCoverageCsv
      summary: Coverage as CSV, one row per agency of the slice
      tags: [figures]
      parameters:
      - in: query
        schema: CoverageArgs
      responses:
        200:
          description: one row per agency
          content:
            text/csv: {schema: {type: string}}
        400: Problem
    """
    return _coverage(csv=True)


def _coverage(csv: bool) -> Response:
    args = parse_args(CoverageArgs)
    where = RowFilter(region=args.get("region"), level=args.get("level"), scope=args.get("scope"))
    detail = coverage_detail(engine(), args["year"], where)
    items = coverage_items(detail)
    if wants_csv(args, csv):
        return csv_response(
            COVERAGE_COLUMNS,
            items,
            bom=args["bom"],
            filename="coverage.csv",
            labels=args.get("labels"),
            tables=[load_standard().agencies],
        )
    counts = {k: detail[k] for k in ("year", "expected", "filed", "valid", "late", "unknown")}
    return list_response(
        CoverageOut,
        items,
        total=len(items),
        **counts,
        region=args.get("region"),
        scope=args.get("scope") or "all",  # which agencies were counted, said plainly
    )
