"""The one list envelope: {"items": [...], "total": N or null, "next": URL or null, …}.

`next` is the full URL of the following page (the same query, one page on) and is also sent
as an RFC 8288 `Link: <…>; rel="next"` header, so clients can follow pages without knowing
how the cursor is made.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Response, request, url_for
from marshmallow import Schema

from gongkai.api.represent import encode_token, json_response


def page_url(key: Sequence[Any]) -> str:
    """The full URL of this query's page after the keyset position `key`."""
    values: dict[str, Any] = dict(request.view_args or {})
    for name in request.args:
        if name != "next":
            values[name] = request.args.getlist(name)
    return url_for(request.endpoint or "", **values, next=encode_token(key), _external=True)


def with_link(response: Response, next_url: str | None) -> Response:
    if next_url:
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return response


def list_response(
    out_class: type[Schema],
    items: Sequence[Any],
    *,
    total: int | None,
    next_key: Sequence[Any] | None = None,
    **metadata: Any,
) -> Response:
    """A list body (endpoint metadata first) with its `next` URL and `Link` header."""
    next_url = page_url(next_key) if next_key else None
    body = {**metadata, "items": items, "total": total, "next": next_url}
    return with_link(json_response(out_class, body), next_url)
