"""The one list envelope: {"items": [...], "total": N or null, "next": URL or null, …}.

`next` is the full URL of the following page (the same query, one page on) and is also sent
as an RFC 8288 `Link: <…>; rel="next"` header, so clients can follow pages without knowing
how the cursor is made. Its token holds the keyset position and the `total` counted on the
first page: a COUNT over a national table costs far more than a page (bench/api_total.py), so
it is paid once per walk, not once per page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask import Response, request, url_for
from marshmallow import Schema

from gongkai.api.represent import decode_token, encode_token, json_response

NOT_COUNTED = -1  # in a token: the total was not counted (a CSV page)


def page_url(key: Sequence[Any], total: int | None = None) -> str:
    """The full URL of this query's page after the keyset position `key`."""
    values: dict[str, Any] = dict(request.view_args or {})
    for name in request.args:
        if name != "next":
            values[name] = request.args.getlist(name)
    token = encode_token([*key, NOT_COUNTED if total is None else total])
    return url_for(request.endpoint or "", **values, next=token, _external=True)


def read_token(
    args: Mapping[str, Any], key_types: Sequence[type]
) -> tuple[list[Any] | None, int | None]:
    """The keyset position of the `next` argument (None: the first page), and the total
    counted on the first page (None: not counted yet)."""
    if not args.get("next"):
        return None, None
    *key, total = decode_token(args["next"], (*key_types, int))
    return key, (total if total >= 0 else None)


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
    next_url = page_url(next_key, total) if next_key else None
    body = {**metadata, "items": items, "total": total, "next": next_url}
    return with_link(json_response(out_class, body), next_url)
