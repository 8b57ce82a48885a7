"""The agency registry (agencies.csv, STANDARD.md §2.5) checked by the same engine as packages:
Frictionless against schemas/agencies.schema.json (types, patterns, the primary key), and the
USCC check character of 18-character ids."""

from __future__ import annotations

import csv
import io
from typing import Any

from frictionless import Resource, Schema

from gongkai.identifiers import uscc_correction
from gongkai.package.encoding import decode_csv
from gongkai.standard import load_standard
from gongkai.validation.issues import Issue
from gongkai.validation.tabular import issue_from_error

RESOURCE = "agencies"


def validate_registry(data: bytes, source: str) -> tuple[list[dict[str, Any]], list[Issue]]:
    """The registry's rows (blank = None) when it has no error, and its issues."""
    decoded = decode_csv(data)
    if decoded is None:
        return [], [Issue(code="encoding-error", resource=RESOURCE, package=source)]
    text = decoded[0]
    descriptor = dict(load_standard().agencies.descriptor)
    descriptor.pop("$schema", None)
    resource = Resource(
        name=RESOURCE,
        data=text.encode("utf-8"),
        format="csv",
        encoding="utf-8",
        schema=Schema.from_descriptor(descriptor),
    )
    issues = [
        issue_from_error(error, RESOURCE, {}).at(source)
        for task in resource.validate().tasks
        for error in task.errors
    ]
    rows = [
        {k: (v or "").strip() or None for k, v in row.items()}
        for row in csv.DictReader(io.StringIO(text))
    ]
    for number, row in enumerate(rows, start=2):
        code = row.get("agency_id") or ""
        if corrected := uscc_correction(code):
            issues.append(
                Issue(
                    code="agency-id-checksum",
                    resource=RESOURCE,
                    row=number,
                    field="agency_id",
                    expected=corrected,
                    found=code,
                    package=source,
                )
            )
    return ([] if issues else rows), issues
