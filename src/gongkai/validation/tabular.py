"""The Frictionless pass: types, constraints, headers, keys — and the typed rows for the rules.

One Frictionless validation reads every row once; a capturing Check keeps the typed
values as they stream past, so the rules afterwards cost almost nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from frictionless import Check, Checklist, Package, Resource, Schema

from gongkai.package import ReportPackage
from gongkai.standard import TABLE_NAMES, find_field, load_standard
from gongkai.validation.issues import ERROR, Issue

FULL_WIDTH = re.compile(r"[\uff10-\uff19\uff0e\uff0d\uff0b]")  # ０-９ ． － ＋


@dataclass
class Row:
    number: int  # line in the CSV file
    values: dict[str, Any]  # typed; None where blank or unreadable
    bad: set[str] = field(default_factory=set)  # fields whose cell has an error


HEADER_ERRORS = frozenset(
    ("incorrect-label", "missing-label", "extra-label", "duplicate-label", "blank-label")
)


@dataclass
class Tabular:
    rows: dict[str, list[Row]]  # table -> rows as read
    issues: list[Issue]

    @property
    def misread(self) -> set[str]:
        """Tables whose header is wrong: their cells may sit under other columns, so no rule
        may add them up (the header errors say what to fix)."""
        return {i.resource for i in self.issues if i.code in HEADER_ERRORS and i.resource}


@cache
def _schema(fmt: str, table: str, with_foreign_keys: bool) -> Schema:
    descriptor = dict(load_standard().format(fmt).table(table).descriptor)
    descriptor.pop("$schema", None)
    if not with_foreign_keys:
        descriptor.pop("foreignKeys", None)
    return Schema.from_descriptor(descriptor)


class _Capture(Check):
    """Keeps typed rows per resource and flags what Frictionless accepts but the standard does
    not: full-width digits (Python's int() reads them) and amounts with too many decimals."""

    type = "gongkai-capture"

    def __init__(self, fmt: str) -> None:
        super().__init__()
        self.rows: dict[str, list[Row]] = {}
        self.issues: list[Issue] = []
        tables = load_standard().format(fmt).tables
        self.value_fields = {n: [f for f in t.fields if f.is_value] for n, t in tables.items()}

    def validate_start(self):  # type: ignore[no-untyped-def,unused-ignore]
        self.rows[self.resource.name] = []
        yield from []

    def validate_row(self, row):  # type: ignore[no-untyped-def,unused-ignore]
        name = self.resource.name
        captured = Row(number=row.row_number, values=row.to_dict())
        captured.bad = {e.field_name for e in row.errors if getattr(e, "field_name", None)}
        raw = dict(zip(row.field_names, row.cells, strict=False))
        for spec in self.value_fields.get(name, []):
            cell = raw.get(spec.name)
            if isinstance(cell, str) and FULL_WIDTH.search(cell):
                captured.bad.add(spec.name)
                captured.values[spec.name] = None
                self.issues.append(
                    _issue(
                        "type-error",
                        name,
                        captured,
                        spec.name,
                        spec.type,
                        cell,
                        note="全角数字，请改为半角数字",
                        note_en="full-width digits",
                    )
                )
            value = captured.values.get(spec.name)
            if spec.decimals is not None and isinstance(value, Decimal):
                exponent = value.as_tuple().exponent
                if isinstance(exponent, int) and -exponent > spec.decimals:
                    captured.bad.add(spec.name)
                    self.issues.append(
                        _issue(
                            "constraint-error",
                            name,
                            captured,
                            spec.name,
                            f"decimals {spec.decimals}",
                            cell,
                        )
                    )
        self.rows[name].append(captured)
        yield from []


def _issue(
    code: str,
    resource: str,
    row: Row,
    field_name: str | None,
    expected: Any,
    found: Any,
    note: str | None = None,
    note_en: str | None = None,
) -> Issue:
    item = row.values.get("item") if resource == "applications" else None
    return Issue(
        code=code,
        severity=ERROR,
        resource=resource,
        row=row.number,
        item=item,
        field=field_name,
        expected=expected,
        found=found,
        note=note,
        note_en=note_en,
    )


def _constraint(note: str) -> str:
    match = re.match(r'constraint "(\w+)" is "(.*)"', note or "")
    if not match:
        return note
    name, value = match.groups()
    if name == "enum":
        value = ", ".join(re.findall(r"'([^']*)'", value)) or value
    return f"{name} {value}"


def issue_from_error(error: Any, resource: str, rows_by_number: dict[int, Row]) -> Issue:
    """A Frictionless error as an Issue, keeping its type name as the code."""
    number = getattr(error, "row_number", None)
    row = rows_by_number.get(number) if number else None
    item = row.values.get("item") if row and resource == "applications" else None
    field_name = getattr(error, "field_name", None)
    expected = found = None
    if error.type == "type-error":
        spec = find_field(resource, field_name) if field_name else None
        expected, found = (spec.type if spec else None), getattr(error, "cell", None)
    elif error.type == "constraint-error":
        expected, found = _constraint(error.note), getattr(error, "cell", None)
    elif error.type in ("incorrect-label", "missing-label"):
        expected, found = field_name, getattr(error, "label", None)
    elif error.type in ("extra-label", "duplicate-label", "extra-cell"):
        found = getattr(error, "label", None) or getattr(error, "cell", None)
    # Frictionless's notes are English and repeat what expected/found say: keep them only
    # where nothing else carries the specifics.
    note = None if error.type in ("type-error", "constraint-error") else error.note
    return Issue(
        code=error.type,
        severity=ERROR,
        resource=resource,
        row=number,
        item=item,
        field=field_name,
        expected=expected,
        found=found,
        note=note,
    )


def run_frictionless(package: ReportPackage, fmt: str) -> Tabular:
    present = [t for t in TABLE_NAMES if t in package.files]
    with_fk = "reports" in package.files
    resources = [
        Resource(
            name=table,
            data=package.files[table],
            format="csv",
            encoding="utf-8",
            schema=_schema(fmt, table, with_fk and table != "reports"),
        )
        for table in present
    ]
    capture = _Capture(fmt)
    issues: list[Issue] = []
    if resources:
        report = Package(resources=resources).validate(checklist=Checklist(checks=[capture]))
        for task in report.tasks:
            by_number = {r.number: r for r in capture.rows.get(task.name, [])}
            issues.extend(issue_from_error(e, task.name, by_number) for e in task.errors)
        issues.extend(Issue(code=e.type, severity=ERROR, note=e.note) for e in report.errors)
    issues.extend(capture.issues)
    issues.extend(Issue(code="encoding-error", resource=t) for t in package.undecodable)
    return Tabular(rows=capture.rows, issues=issues)
