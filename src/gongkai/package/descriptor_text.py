"""A descriptor as filed: `json.dumps(descriptor, ensure_ascii=False, indent=2) + "\\n"`, made
faster for many packages.

Python writes indented JSON with its slow pure-Python encoder, and a generated package's
datapackage.json is mostly the standard's inlined table schemas (21 KB), the same in every
package. Each distinct schema is indented once and remembered: by the object itself (the
reader shares one object among packages whose schema reads the same) or else under its compact
text (which the fast C encoder writes). The rest of the descriptor is written by orjson, which
indents as Python does (separators, escapes, empty containers) except for floats and integers
past 64 bits: a descriptor with either is written by Python. The bytes are the same.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson

_DEPTH = 3  # descriptor -> "resources" -> a resource -> its "schema"
_REMEMBERED = 256  # schemas remembered by object: a load meets a handful


class DescriptorText:
    def __init__(self) -> None:
        self.schemas: dict[str, str] = {}  # compact text -> indented text at its depth
        # id -> (the schema, kept alive so that its id stays its own; its indented text)
        self.by_object: dict[int, tuple[dict[str, Any], str]] = {}

    def __call__(self, descriptor: Mapping[str, Any]) -> bytes:
        resources = descriptor.get("resources")
        if not isinstance(resources, list):
            return _plain(descriptor)
        shown = []
        inlined = 0
        for resource in resources:
            schema = resource.get("schema") if isinstance(resource, dict) else None
            if not isinstance(schema, dict):
                shown.append(resource)
                continue
            shown.append({**resource, "schema": orjson.Fragment(self._indented(schema))})
            inlined += 1
        if not inlined:
            return _plain(descriptor)
        written = {**descriptor, "resources": shown}
        if not _written_alike(written):
            return _plain(descriptor)
        try:
            return orjson.dumps(written, option=orjson.OPT_INDENT_2) + b"\n"
        except orjson.JSONEncodeError:  # an integer past 64 bits, a lone surrogate, a key
            return _plain(descriptor)

    def _indented(self, schema: dict[str, Any]) -> str:
        known = self.by_object.get(id(schema))
        if known is not None and known[0] is schema:
            return known[1]
        compact = json.dumps(schema, ensure_ascii=False)
        found = self.schemas.get(compact)
        if found is None:
            lines = json.dumps(schema, ensure_ascii=False, indent=2).split("\n")
            pad = " " * (2 * _DEPTH)
            found = self.schemas[compact] = "\n".join([lines[0], *(pad + x for x in lines[1:])])
        if len(self.by_object) >= _REMEMBERED:
            self.by_object.clear()
        self.by_object[id(schema)] = (schema, found)
        return found


def _written_alike(value: Any) -> bool:
    """Whether orjson writes the value (its schemas already written) as Python does: no float
    (Python writes 1e+16, orjson 1e16) and no key but strings (Python turns 1 into "1")."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _written_alike(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_written_alike(v) for v in value)
    return not isinstance(value, float)


def _plain(descriptor: Mapping[str, Any]) -> bytes:
    return (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
