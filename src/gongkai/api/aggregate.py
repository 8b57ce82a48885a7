"""/aggregate/{table} and /coverage: sums with reported/blank counts, and who filed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from flask import Blueprint, Response, url_for
from sqlalchemy import Engine

from gongkai.api.args import AggregateArgs, CoverageArgs
from gongkai.api.context import engine
from gongkai.api.listing import list_response, page_url, read_token, with_link
from gongkai.api.out import AggregateOut, CoverageOut
from gongkai.api.represent import csv_response, page_limit, parse_args, wants_csv
from gongkai.api.tables import row_filter, table_format, table_name
from gongkai.standard import load_standard
from gongkai.store.aggregates import Group, aggregate, count_reports
from gongkai.store.coverage import (
    coverage_agencies,
    coverage_by_group,
    coverage_counts,
    iter_coverage_agencies,
)
from gongkai.store.queries import RowFilter
from gongkai.store.regions import region_names

bp = Blueprint("aggregate", __name__)

REGION_GROUPINGS = ("province", "city", "county")
STREAM_BATCH = 2000  # agencies of a streamed coverage CSV named per look-up of region names


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
        [_group_body(g, names.get(g.key), values, args) for g in groups],
        total=len(groups),
        table=table,
        format=fmt,
        by=args["by"],
        year=args.get("year"),
        region=args.get("region"),
        scope=args["scope"],
        note=_scope_note(args["scope"], fmt, where, groups),
    )


def _group_body(
    group: Group, name: str | None, values: list[str], args: dict[str, Any]
) -> dict[str, Any]:
    agencies_url = _coverage_url(args, group.key)
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
        "coverage": {**group.coverage.as_dict(), "agencies": agencies_url},
    }


def _coverage_url(args: dict[str, Any], group: str) -> str:
    """The paged list of a group's agencies with their status (the registry's, so scope=all
    lists both kinds)."""
    query = {k: args.get(k) for k in ("year", "region", "level")}
    if args["scope"] != "all":
        query["scope"] = args["scope"]
    if args["by"] in REGION_GROUPINGS:
        query["region"] = group
    elif args["by"] == "level":
        query["level"] = group
    else:
        query["year"] = int(group)
    return url_for(
        "aggregate.coverage", **{k: v for k, v in query.items() if v is not None}, _external=True
    )


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


@bp.get("/coverage")
def coverage() -> Response:
    """Who filed, who filed late, who was refused, who is missing.
    ---
    get:
      operationId: getCoverage
      summary: Who filed, who filed late, who is missing (counts, and the agencies a page at a time)
      description: The counts of the slice (and per group with `by`), then a page of its
        agencies by agency_id, each with its status (`status` narrows the list); follow `next`.
        Lateness is judged by the report's published_on where it is known, else by
        the day of the first filing when it came through the API; a report loaded or imported
        without its publication date is `unknown`, not late.
      tags: [figures]
      parameters:
      - in: query
        schema: CoverageArgs
      responses:
        200:
          description: counts, and a page of the agencies of the slice with their status
          headers:
            Link: {$ref: '#/components/headers/Link'}
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
      summary: Coverage as CSV, one row per agency of the slice (streamed)
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


def _named(db: Engine, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = region_names(db, [r["region_code"] for r in rows])
    return [{**r, "region_name": names.get(r["region_code"])} for r in rows]


def _streamed(
    db: Engine, year: int, where: RowFilter, status: str | None
) -> Iterator[dict[str, Any]]:
    """Every agency of the slice, with region names looked up a batch at a time (the stream
    outlives the request's context: it is given the engine)."""
    batch: list[dict[str, Any]] = []
    for row in iter_coverage_agencies(db, year, where, status):
        batch.append(row)
        if len(batch) == STREAM_BATCH:
            yield from _named(db, batch)
            batch = []
    yield from _named(db, batch)


def _coverage(csv: bool) -> Response:
    args = parse_args(CoverageArgs)
    where = RowFilter(region=args.get("region"), level=args.get("level"), scope=args.get("scope"))
    year, status = args["year"], args.get("status")
    after, _ = read_token(args, (str,))
    if wants_csv(args, csv) and args.get("limit") is None and after is None:
        return csv_response(
            COVERAGE_COLUMNS,
            _streamed(engine(), year, where, status),
            bom=args["bom"],
            filename="coverage.csv",
            stream=True,
            labels=args.get("labels"),
            tables=[load_standard().agencies],
        )
    limit = page_limit(args)
    page = coverage_agencies(
        engine(), year, where, status=status, after=after[0] if after else None, limit=limit + 1
    )
    next_key = [page[limit - 1]["agency_id"]] if len(page) > limit else None
    items = _named(engine(), page[:limit])
    if wants_csv(args, csv):
        next_url = page_url(next_key) if next_key else None
        response = csv_response(
            COVERAGE_COLUMNS,
            items,
            bom=args["bom"],
            filename="coverage.csv",
            labels=args.get("labels"),
            tables=[load_standard().agencies],
        )
        return with_link(response, next_url)
    counts = coverage_counts(engine(), year, where)
    groups = None
    if args.get("by"):
        by = args["by"]
        per_group = coverage_by_group(engine(), replace(where, year=year), by)
        names = region_names(engine(), list(per_group)) if by in REGION_GROUPINGS else {}
        groups = [
            {"group": key, "name": names.get(key), **per_group[key].as_dict()}
            for key in sorted(per_group)
        ]
    return list_response(
        CoverageOut,
        items,
        total=counts.count(status),
        next_key=next_key,
        year=year,
        region=args.get("region"),
        scope=args.get("scope") or "all",  # which agencies were counted, said plainly
        status=status,
        by=args.get("by"),
        groups=groups,
        **counts.as_dict(),
    )
