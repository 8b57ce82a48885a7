"""The OpenAPI 3 document, generated from the routes.

Each view's docstring carries its operation in YAML after a `---` line (apispec's convention):
operationId, summary, tags, query arguments as an …Args class, responses with …Out classes and
`Problem` for errors. Path parameters come from the route's converters, and every operation
also lists the statuses any route can answer with (COMMON_PROBLEMS). A route under /api/v1
without such a docstring stops the build, so the document cannot miss a route.

`python -m gongkai.api > api/openapi.json` writes the checked-in copy; a test keeps it equal
to what /api/v1/openapi.json serves.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.yaml_utils import load_operations_from_docstring
from flask import Blueprint, Flask, Response, current_app
from werkzeug.routing import IntegerConverter, Rule

from gongkai.api import out
from gongkai.standard import TABLE_NAMES

bp = Blueprint("openapi", __name__)

PREFIX = "/api/v1"
# 405: a method the path does not have; 414: a URL over the limit; 500: a bug; 503: a database
# statement past GONGKAI_STATEMENT_TIMEOUT
COMMON_PROBLEMS = ("405", "414", "500", "503")
NOT_OPERATIONS = {"docs.static"}
PATH_EXAMPLES = {
    "agency_id": "320800-huaian-government",
    "year": 2024,
}  # datasets/ has it  # the docs page's script and style files
TABLE_PARAMETER = {
    "name": "table",
    "in": "path",
    "required": True,
    "description": "a table name; with a .csv suffix, the same as CSV",
    "schema": {"type": "string", "enum": [*TABLE_NAMES, *(f"{t}.csv" for t in TABLE_NAMES)]},
}
# /tables/{table} also answers a table.parquet
TABLE_FILE_PARAMETER = {
    **TABLE_PARAMETER,
    "description": "a table name; with a .csv suffix, the same as CSV; with .parquet, Parquet",
    "schema": {
        "type": "string",
        "enum": [*TABLE_NAMES, *(f"{t}{s}" for s in (".csv", ".parquet") for t in TABLE_NAMES)],
    },
}
TAGS = [  # in the order the docs page shows them
    ("figures", "Figures across agencies: rows, aggregates, coverage, export"),
    ("reports", "One agency's filed reports, every version"),
    ("registry", "The agencies expected to file"),
    ("filing", "Sending a report package (needs a token)"),
    ("about", "This index, the OpenAPI document and the docs page"),
]
COMPONENTS = [  # nested ones first, so each is added once under its name
    out.IssueOut,
    out.AgencyOut,
    out.VersionOut,
    out.AggregateRowOut,
    out.CoverageGroupOut,
    out.CoverageAgencyOut,
    out.AggregateGroupOut,
    out.EndpointOut,
    out.ProblemOut,
    out.AgencyListOut,
    out.VersionListOut,
    out.ReceiptOut,
    out.ValidatedReportOut,
    out.ValidationOut,
    out.ReportOut,
    out.TableOut,
    out.RowsOut,
    out.AggregateOut,
    out.CoverageOut,
    out.IndexOut,
]


def _new_spec() -> APISpec:
    spec = APISpec(
        title="gongkai API",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={
            "description": "政府信息公开工作年度报告 as validated open data: filing, figures by "
            "agency and year, aggregates with coverage. Lists share one envelope (items, total, "
            "next as a full URL, also in a Link header). Errors are application/problem+json."
        },
        servers=[{"url": PREFIX}],
        components={"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    )
    for name, description in TAGS:
        spec.tag({"name": name, "description": description})
    for schema in COMPONENTS:
        spec.components.schema(schema.__name__.removesuffix("Out"), schema=schema)
    spec.components.response(
        "Problem",
        {
            "description": "an error (RFC 9457)",
            "content": {"application/problem+json": {"schema": "ProblemOut"}},
        },
    )
    spec.components.response(
        "TooManyRequests",
        {
            "description": "over the rate limit (GONGKAI_RATELIMIT_FILING or _VALIDATION); "
            "nothing was read",
            "headers": {
                "Retry-After": {
                    "description": "seconds until a request is accepted again",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1},
                }
            },
            "content": {"application/problem+json": {"schema": "ProblemOut"}},
        },
    )
    spec.components.header(
        "ETag", {"description": "the content's identity", "schema": {"type": "string"}}
    )
    spec.components.header(
        "Link",
        {"description": 'RFC 8288: <next page URL>; rel="next"', "schema": {"type": "string"}},
    )
    spec.components.response(
        "NotModified",
        {
            "description": "not modified (If-None-Match matched the ETag)",
            "headers": {"ETag": {"$ref": "#/components/headers/ETag"}},
        },
    )
    spec.components.parameter("table", "path", {k: v for k, v in TABLE_PARAMETER.items()})
    spec.components.parameter("table_file", "path", dict(TABLE_FILE_PARAMETER))
    return spec


def openapi_path(rule: Rule) -> str:
    """/api/v1/agencies/<agency_id>/reports/<int(min=2008):year> -> /agencies/{agency_id}/…"""
    path = rule.rule.removeprefix(PREFIX) or "/"
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", path)


def _path_parameters(rule: Rule, operation: dict[str, Any]) -> list[dict[str, Any]]:
    """A parameter per route variable the operation does not declare, typed by its converter."""
    parameters = operation.get("parameters", [])
    declared = {p if isinstance(p, str) else p.get("name") for p in parameters}  # str: a ref
    out: list[dict[str, Any]] = []
    for name, converter in rule._converters.items():
        if name in declared:
            continue
        schema: dict[str, Any] = {"type": "string"}
        if isinstance(converter, IntegerConverter):
            schema = {"type": "integer"}
            if converter.min is not None:
                schema["minimum"] = converter.min
            if converter.max is not None:
                schema["maximum"] = converter.max
        parameter = {"name": name, "in": "path", "required": True, "schema": schema}
        if name in PATH_EXAMPLES:
            parameter["example"] = PATH_EXAMPLES[name]
        out.append(parameter)
    return out


def build_spec(app: Flask) -> dict[str, Any]:
    """The document of every route of `app` under /api/v1."""
    spec = _new_spec()
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(PREFIX) or rule.endpoint in NOT_OPERATIONS:
            continue
        documented = load_operations_from_docstring(app.view_functions[rule.endpoint].__doc__ or "")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if method.lower() not in documented:
                raise LookupError(
                    f"{method} {rule.rule} ({rule.endpoint}): its view's docstring has no "
                    f"OpenAPI operation for {method.lower()} after a '---' line"
                )
            operation = copy.deepcopy(documented[method.lower()])
            operation["parameters"] = [
                *_path_parameters(rule, operation),
                *operation.get("parameters", []),
            ]
            responses = {str(k): v for k, v in operation["responses"].items()}
            for status in COMMON_PROBLEMS:
                responses.setdefault(status, "Problem")
            operation["responses"] = responses
            paths.setdefault(openapi_path(rule), {})[method.lower()] = operation
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def spec_of(app: Flask) -> dict[str, Any]:
    """The app's document, built once (routes do not change while it serves)."""
    built = app.extensions.get("gongkai.openapi")
    if built is None:
        built = app.extensions["gongkai.openapi"] = build_spec(app)
    return built


def document(app: Flask) -> str:
    return json.dumps(spec_of(app), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@bp.get("/openapi.json")
def serve() -> Response:
    """This document.
    ---
    get:
      operationId: getOpenApi
      summary: The OpenAPI document of this API
      tags: [about]
      responses:
        200:
          description: OpenAPI 3.0
          content:
            application/json: {schema: {type: object}}
    """
    return Response(document(current_app), mimetype="application/json")
