"""A descriptor as filed: `json.dumps(descriptor, ensure_ascii=False, indent=2) + "\\n"`, made
faster for many packages.

Python writes indented JSON with its slow pure-Python encoder, and a generated package's
datapackage.json is mostly the standard's inlined table schemas (21 KB), the same in every
package. Each distinct schema is indented once and remembered under its compact text (which
the fast C encoder writes); the rest of the descriptor is small. The bytes are the same.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

_MARKER = "gongkai-inlined-schema-{}"
_DEPTH = 3  # descriptor -> "resources" -> a resource -> its "schema"


class DescriptorText:
    def __init__(self) -> None:
        self.schemas: dict[str, str] = {}  # compact text -> indented text at its depth

    def __call__(self, descriptor: Mapping[str, Any]) -> bytes:
        resources = descriptor.get("resources")
        if not isinstance(resources, list):
            return _plain(descriptor)
        shown = []
        inlined: list[str] = []
        for resource in resources:
            schema = resource.get("schema") if isinstance(resource, dict) else None
            if not isinstance(schema, dict):
                shown.append(resource)
                continue
            shown.append({**resource, "schema": _MARKER.format(len(inlined))})
            inlined.append(self._indented(schema))
        if not inlined:
            return _plain(descriptor)
        text = json.dumps({**descriptor, "resources": shown}, ensure_ascii=False, indent=2)
        for number, schema_text in enumerate(inlined):
            marker = json.dumps(_MARKER.format(number))
            if text.count(marker) != 1:  # the marker's text stands in the descriptor itself
                return _plain(descriptor)
            text = text.replace(marker, schema_text)
        return (text + "\n").encode("utf-8")

    def _indented(self, schema: dict[str, Any]) -> str:
        compact = json.dumps(schema, ensure_ascii=False)
        found = self.schemas.get(compact)
        if found is None:
            lines = json.dumps(schema, ensure_ascii=False, indent=2).split("\n")
            pad = " " * (2 * _DEPTH)
            found = self.schemas[compact] = "\n".join([lines[0], *(pad + x for x in lines[1:])])
        return found


def _plain(descriptor: Mapping[str, Any]) -> bytes:
    return (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
