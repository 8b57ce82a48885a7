"""The OpenAPI 3 document, built with apispec from the …Args and …Out classes.

`python -m gongkai.api > api/openapi.json` writes the checked-in copy; a test keeps
it equal to what /api/v1/openapi.json serves.
"""

from __future__ import annotations

import json
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Response

from gongkai.api import args, out
from gongkai.api.workbook import XLSX_TYPE
from gongkai.standard import TABLE_NAMES

bp = Blueprint("openapi", __name__)

PREFIX = "/api/v1"
AGENCY = {"name": "agency_id", "in": "path", "required": True, "schema": {"type": "string"}}
YEAR = {"name": "year", "in": "path", "required": True, "schema": {"type": "integer"}}
TABLE = {
    "name": "table",
    "in": "path",
    "required": True,
    "description": "a table name, optionally with a .csv suffix",
    "schema": {"type": "string", "enum": [*TABLE_NAMES, *(f"{t}.csv" for t in TABLE_NAMES)]},
}
CSV = {"text/csv": {"schema": {"type": "string"}}}
ZIP = {"application/zip": {"schema": {"type": "string", "format": "binary"}}}


def _json(schema: str) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _problems(*statuses: int) -> dict[str, Any]:
    return {str(s): {"$ref": "#/components/responses/Problem"} for s in statuses}


# path -> method -> (summary, query Args class or None, path params, 2xx responses, problems)
OPERATIONS: list[
    tuple[str, str, str, Any, list[dict[str, Any]], dict[str, Any], tuple[int, ...]]
] = [
    (
        "/agencies",
        "get",
        "The registry of agencies expected to file",
        args.AgencyListArgs,
        [],
        {"200": {"description": "agencies", "content": {**_json("AgencyListOut"), **CSV}}},
        (400,),
    ),
    (
        "/agencies/{agency_id}",
        "get",
        "One agency of the registry",
        None,
        [AGENCY],
        {"200": {"description": "the agency", "content": _json("AgencyOut")}},
        (404,),
    ),
    (
        "/agencies/{agency_id}/reports",
        "get",
        "Years and versions filed by an agency",
        args.OutputArgs,
        [AGENCY],
        {"200": {"description": "versions", "content": _json("VersionListOut")}},
        (400, 404),
    ),
    (
        "/agencies/{agency_id}/reports/{year}",
        "get",
        "A filed report: four tables, version, warnings",
        args.ReportArgs,
        [AGENCY, YEAR],
        {
            "200": {"description": "the report", "content": _json("ReportOut")},
            "304": {"description": "not modified (If-None-Match)"},
        },
        (400, 404),
    ),
    (
        "/agencies/{agency_id}/reports/{year}",
        "post",
        "File a report package (zip body, the CSV files as multipart/form-data, "
        "or the filled Excel template)",
        None,
        [AGENCY, YEAR],
        {
            "201": {"description": "filed as a new version", "content": _json("ReceiptOut")},
            "200": {
                "description": "identical to an earlier filing",
                "content": _json("ReceiptOut"),
            },
        },
        (400, 401, 403, 404, 413, 415, 422),
    ),
    (
        "/agencies/{agency_id}/reports/{year}/{table}",
        "get",
        "One table of a filed report",
        args.ReportArgs,
        [AGENCY, YEAR, TABLE],
        {
            "200": {"description": "rows", "content": {**_json("TableOut"), **CSV}},
            "304": {"description": "not modified (If-None-Match)"},
        },
        (400, 404),
    ),
    (
        "/agencies/{agency_id}/reports/{year}/datapackage.zip",
        "get",
        "The filed package with its schemas inlined",
        args.ReportArgs,
        [AGENCY, YEAR],
        {"200": {"description": "a data package zip", "content": ZIP}},
        (400, 404),
    ),
    (
        "/tables/{table}",
        "get",
        "Rows of current reports across agencies",
        args.TableArgs,
        [TABLE],
        {
            "200": {
                "description": "a page of rows, or every row as CSV",
                "content": {**_json("RowsOut"), **CSV},
            }
        },
        (400, 404),
    ),
    (
        "/aggregate/{table}",
        "get",
        "Sums per group with reported/blank counts and coverage",
        args.AggregateArgs,
        [TABLE],
        {"200": {"description": "groups", "content": {**_json("AggregateOut"), **CSV}}},
        (400, 404),
    ),
    (
        "/coverage",
        "get",
        "Who filed, who filed late, who is missing",
        args.CoverageArgs,
        [],
        {"200": {"description": "coverage", "content": {**_json("CoverageOut"), **CSV}}},
        (400,),
    ),
    (
        "/export",
        "get",
        "A slice as one data package zip",
        args.ExportArgs,
        [],
        {"200": {"description": "a data package zip", "content": ZIP}},
        (400,),
    ),
]


COMPONENTS = [
    out.IssueOut,
    out.AgencyOut,
    out.VersionOut,
    out.AggregateRowOut,
    out.CoverageGroupOut,
    out.CoverageReportOut,
    out.AggregateGroupOut,
    out.ProblemOut,
    out.AgencyListOut,
    out.VersionListOut,
    out.ReceiptOut,
    out.ReportOut,
    out.TableOut,
    out.RowsOut,
    out.AggregateOut,
    out.CoverageOut,
]


def build_spec() -> dict[str, Any]:
    spec = APISpec(
        title="gongkai API",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={
            "description": "政府信息公开工作年度报告 as validated open data: filing, figures by "
            "agency and year, aggregates with coverage. Errors are application/problem+json."
        },
        servers=[{"url": PREFIX}],
        components={
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    )
    for schema in COMPONENTS:  # nested ones first, so each is added once under its name
        spec.components.schema(schema.__name__.removesuffix("Out"), schema=schema)
    spec.components.response(
        "Problem",
        {
            "description": "an error (RFC 9457)",
            "content": {"application/problem+json": {"schema": "ProblemOut"}},
        },
    )
    paths: dict[str, dict[str, Any]] = {}
    for path, method, summary, query, params, responses, problems in OPERATIONS:
        operation: dict[str, Any] = {
            "summary": summary,
            "parameters": [*params, *([{"in": "query", "schema": query}] if query else [])],
            "responses": {**responses, **_problems(*problems)},
        }
        if method == "post":
            operation["security"] = [{"bearer": []}]
            operation["requestBody"] = {
                "required": True,
                "content": {
                    **ZIP,
                    XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "additionalProperties": {"type": "string", "format": "binary"},
                        }
                    },
                },
            }
        paths.setdefault(path, {})[method] = operation
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def document() -> str:
    return json.dumps(build_spec(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@bp.get("/openapi.json")
def serve() -> Response:
    return Response(document(), mimetype="application/json")
