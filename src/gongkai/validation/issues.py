"""The Issue: one thing found wrong (or worth a warning) in a package, as data."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from gongkai.validation.messages import render

ERROR = "error"
WARNING = "warning"


def json_value(value: Any) -> Any:
    """Decimal and dates as JSON-friendly values (integral decimals become ints)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Issue:
    """Stable `code` (a rule id of STANDARD.md §3 or a Frictionless error type) and where it is."""

    code: str
    severity: str = ERROR
    resource: str | None = None
    row: int | None = None  # line in the CSV file, the header being line 1
    item: str | None = None
    field: str | None = None
    expected: Any = None
    found: Any = None
    cells: tuple[str, ...] = ()  # blank cells, for `incomplete`
    rule: str | None = None  # the rule an `incomplete` issue could not check
    note: str | None = None  # specifics in Chinese
    note_en: str | None = None  # the same in English
    package: str | None = None
    # The report (agency_id, year) a finding of one report belongs to: said by both executors
    # for the rules, shape and continuity of a report, so that a collection validated as one
    # can be judged report by report (a finding with neither report nor row is the package's).
    # Not part of what an issue is: equal issues may come from either side.
    report: tuple[str, int] | None = dataclasses.field(default=None, compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def at(self, package: str) -> Issue:
        return replace(self, package=package)

    def of(self, report: tuple[str, int]) -> Issue:
        return replace(self, report=report)

    def message(self, lang: str = "zh") -> str:
        return render(self, lang)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "package": self.package,
            "code": self.code,
            "severity": self.severity,
            "resource": self.resource,
            "row": self.row,
            "item": self.item,
            "field": self.field,
            "expected": json_value(self.expected),
            "found": json_value(self.found),
            "cells": list(self.cells),
            "rule": self.rule,
            "message": self.message(lang),
        }
