"""Arguments in, JSON or CSV out: parsing query strings, CSV bodies, ETags and caching."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from flask import Response, request
from marshmallow import Schema, ValidationError, fields

from gongkai.api.context import settings
from gongkai.api.labels import labelled, titles
from gongkai.package import format_cell
from gongkai.package.cells import spreadsheet_text
from gongkai.standard import Table

CSV_MIMETYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"


def parse_args(args_class: type[Schema]) -> dict[str, Any]:
    """The query string through an …Args class; unknown arguments are a 400, and so is a
    repeated one unless it is a list (`?a=x&a=y` or `?a=x,y`)."""
    if not request.args:  # the usual read: the class's defaults, parsed once
        defaults = _DEFAULTS.get(args_class)
        if defaults is None:  # a class that needs an argument raises here, every time
            loaded = _args_schema(args_class).load({})
            if not all(isinstance(v, (str, int, float, type(None))) for v in loaded.values()):
                return loaded  # a default that could be changed in place is never shared
            defaults = _DEFAULTS[args_class] = loaded
        return dict(defaults)
    schema = _args_schema(args_class)
    lists = {
        field.data_key or name
        for name, field in schema.fields.items()
        if isinstance(field, fields.List)
    }
    data: dict[str, Any] = {}
    for name in request.args:
        values = request.args.getlist(name)
        if name in lists:
            data[name] = [part for value in values for part in value.split(",")]
        elif len(values) > 1:
            raise ValidationError({name: ["given more than once"]})
        else:
            data[name] = values[0]
    return schema.load(data)


_ARGS: dict[type[Schema], Schema] = {}
_DEFAULTS: dict[type[Schema], dict[str, Any]] = {}


def _args_schema(args_class: type[Schema]) -> Schema:
    """One instance per …Args class (loading keeps no state in it)."""
    schema = _ARGS.get(args_class)
    if schema is None:
        schema = _ARGS[args_class] = args_class()
    return schema


def split_suffix(name: str) -> tuple[str, bool]:
    """'applications.csv' -> ('applications', True)."""
    if name.endswith(".csv"):
        return name[:-4], True
    return name, False


def wants_csv(args: Mapping[str, Any], suffix: bool) -> bool:
    return suffix or args.get("format") == "csv"


def csv_lines(
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    bom: bool,
    header: Sequence[str] | None = None,
) -> Iterator[str]:
    """CSV text in chunks: the header (`columns`, or `header` in their place), then rows;
    a blank (None) is an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header or columns)
    head = _drain(buffer)
    yield (BOM + head) if bom else head
    for count, row in enumerate(rows, 1):
        writer.writerow([_cell(row.get(c)) for c in columns])
        if count % 500 == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _cell(value: Any) -> Any:
    """Ints and text as they are (the csv module writes them); the rest via format_cell."""
    if value is None:
        return ""
    if type(value) is int:
        return value
    if type(value) is str:
        return spreadsheet_text(value)  # a formula's first character made inert
    return format_cell(value)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def csv_response(
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    bom: bool,
    filename: str,
    stream: bool = False,
    labels: str | None = None,
    tables: Sequence[Table] = (),
) -> Response:
    """CSV of `columns`; with labels="zh", titled from `tables` and items labelled."""
    header = None
    if labels == "zh":
        header = titles(columns, tables)
        for table in tables:
            rows = labelled(rows, table)
    lines = csv_lines(columns, rows, bom, header)
    body: Any = lines if stream else "".join(lines)
    response = Response(body, content_type=CSV_MIMETYPE)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


_OUT: dict[type[Schema], Schema] = {}


def json_body(out_class: type[Schema], data: Any) -> str:
    """`data` through an …Out class, as JSON text (Decimal as a number, dates ISO 8601)."""
    schema = _OUT.get(out_class)
    if schema is None:
        schema = _OUT[out_class] = out_class()
    return _dumps(schema.dump(data))


def json_response(out_class: type[Schema], data: Any, status: int = 200) -> Response:
    return Response(json_body(out_class, data), status=status, mimetype="application/json")


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _dumps(body: Any) -> str:
    return json.dumps(body, ensure_ascii=False, default=_default)


def cached(response: Response, tag_parts: Iterable[Any], *, immutable: bool) -> Response:
    """ETag from the content's identity; 304 when the client has it already."""
    return conditional(response, etag_of(tag_parts), immutable=immutable)


def etag_of(tag_parts: Iterable[Any]) -> str:
    """The ETag of content identified by `tag_parts`."""
    return hashlib.sha256("\0".join(map(str, tag_parts)).encode()).hexdigest()[:32]


def conditional(response: Response, etag: str, *, immutable: bool) -> Response:
    """`response` with its ETag and caching headers; a 304 when the client has it already.

    A read pinned to a version never changes: it is cacheable for GONGKAI_CACHE_MAX_AGE.
    The current version can be corrected at any time: clients revalidate with the ETag.
    """
    response.set_etag(etag)
    if immutable:
        response.headers["Cache-Control"] = f"public, max-age={settings().cache_max_age}, immutable"
    else:
        response.headers["Cache-Control"] = "public, no-cache"
    if request.if_none_match.contains_weak(etag):  # If-None-Match compares weakly (RFC 9110)
        response.status_code = 304
        response.set_data(b"")
        response.headers.pop("Content-Disposition", None)
    return response


def encode_token(key: Sequence[Any]) -> str:
    """An opaque page token for a keyset position."""
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def decode_token(token: str, types: Sequence[type]) -> list[Any]:
    """The keyset position of a page token; the key's parts must have the `types` of this
    query's key (a hand-made token must not reach the database as a wrong-typed value)."""
    try:
        padded = token + "=" * (-len(token) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, RecursionError) as exc:  # bad base64 or JSON, nested too deep
        raise ValidationError({"next": ["not a page token of this API"]}) from exc
    if (
        not isinstance(key, list)
        or len(key) != len(types)
        or not all(_fits(part, kind) for part, kind in zip(key, types, strict=True))
    ):
        raise ValidationError({"next": ["not a page token of this query"]})
    return key


def _fits(part: Any, kind: type) -> bool:
    if kind is int:
        return type(part) is int and -(2**31) <= part < 2**31
    return isinstance(part, kind) and len(str(part)) <= 200 and _storable(str(part))


def _storable(text: str) -> bool:
    """No NUL (PostgreSQL refuses it) and no lone surrogate (not encodable as UTF-8)."""
    return "\0" not in text and not any("\ud800" <= c <= "\udfff" for c in text)


def page_limit(args: Mapping[str, Any]) -> int:
    """Rows a page: `limit`, at most GONGKAI_PAGE_MAX (a larger one gives that many: the
    document cannot state a bound each deployment configures)."""
    limit = args.get("limit") or settings().page_size
    return int(min(limit, settings().page_max))
