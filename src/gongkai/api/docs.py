"""/api/v1/ (an index of the endpoints, JSON) and /api/v1/docs (the OpenAPI document drawn by
Swagger UI, whose files are served from the package: see static/swagger-ui/README.md)."""

from __future__ import annotations

from html import escape

from flask import Blueprint, Response, current_app, redirect, url_for

from gongkai.api.openapi import PREFIX, spec_of
from gongkai.api.out import IndexOut
from gongkai.api.represent import json_response

bp = Blueprint("docs", __name__, static_folder="static", static_url_path="/docs/static")
outside = Blueprint("docs_redirect", __name__)  # /docs, outside the API's prefix

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gongkai API</title>
<link rel="icon" href="{icon}">
<link rel="stylesheet" href="{css}">
</head>
<body data-openapi="{openapi}">
<div id="swagger-ui"></div>
<script src="{bundle}"></script>
<script src="{init}"></script>
</body>
</html>
"""


@bp.get("/")
def index() -> Response:
    """Every operation of the API, with a link to it in the docs page.
    ---
    get:
      operationId: getIndex
      summary: An index of the endpoints
      tags: [about]
      responses:
        200:
          description: the endpoints
          content:
            application/json: {schema: IndexOut}
    """
    spec = spec_of(current_app)
    docs = url_for("docs.page", _external=True)
    items = [
        {
            "method": method.upper(),
            "path": PREFIX + path,
            "summary": operation.get("summary", ""),
            "operation_id": operation["operationId"],
            "docs": f"{docs}#/{operation.get('tags', ['default'])[0]}/{operation['operationId']}",
        }
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
    ]
    body = {
        "title": spec["info"]["title"],
        "openapi": url_for("openapi.serve", _external=True),
        "docs": docs,
        "items": items,
        "total": len(items),
        "next": None,
    }
    return json_response(IndexOut, body)


@bp.get("/docs")
def page() -> Response:
    """The docs page.
    ---
    get:
      operationId: getDocsPage
      summary: The docs page for people (Swagger UI on this document)
      tags: [about]
      responses:
        200:
          description: an HTML page
          content:
            text/html: {schema: {type: string}}
    """
    static = "docs.static"
    html = PAGE.format(
        icon=escape(url_for(static, filename="swagger-ui/favicon-32x32.png")),
        css=escape(url_for(static, filename="swagger-ui/swagger-ui.css")),
        bundle=escape(url_for(static, filename="swagger-ui/swagger-ui-bundle.js")),
        init=escape(url_for(static, filename="docs.js")),
        openapi=escape(url_for("openapi.serve")),
    )
    return Response(html, mimetype="text/html")


@outside.get("/docs")
def to_docs() -> Response:
    return redirect(url_for("docs.page"), code=301)  # type: ignore[return-value]
