"""The one engine for the declared rules of schemas/<format>/rules.json.

A rule is data: an id, a severity and a kind. The kinds are few — `equation` (cells that
must add up), `shape`, `uscc-checksum`, `zero-when`, `deadline`, `format-year` — and each
is interpreted here once. A blank cell is never read as 0: an equation with a blank cell
is reported as `incomplete`, naming the blank cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from gongkai.identifiers import uscc_correction
from gongkai.standard import Format, load_standard, publication_deadline
from gongkai.validation.issues import WARNING, Issue
from gongkai.validation.reports import ABSENT, BAD, BLANK, Cell, ReportData

_TERM = re.compile(
    r"^(?P<neg>-)?(?P<previous>previous:)?(?P<table>\w+)(?:\[(?P<item>[^\]]+)\])?\.(?P<field>\w+)$"
)


@dataclass(frozen=True)
class Term:
    table: str
    item: str | None
    field: str
    sign: int = 1
    previous: bool = False

    @property
    def label(self) -> str:
        name = f"{self.item}.{self.field}" if self.item else f"{self.table}.{self.field}"
        return f"previous:{name}" if self.previous else name


@dataclass(frozen=True)
class Equation:
    rule: dict[str, Any]
    left: tuple[Term, ...]
    right: tuple[Term, ...]


def _term(text: str) -> Term:
    match = _TERM.match(text)
    if not match:
        raise ValueError(f"rule term not understood: {text!r}")
    return Term(
        table=match["table"],
        item=match["item"],
        field=match["field"],
        sign=-1 if match["neg"] else 1,
        previous=bool(match["previous"]),
    )


def _bindings(rule: dict[str, Any], fmt: Format) -> list[dict[str, str]]:
    (name, values), *_ = rule.get("for_each", {"_": [""]}).items()
    if values == "*":
        values = fmt.table("applications").item_codes if name == "item" else []
    return [{name: v} for v in values]


@cache
def equations(fmt_code: str) -> tuple[Equation, ...]:
    """Every declared equation of the format, expanded over its `for_each`."""
    fmt = load_standard().format(fmt_code)
    result = []
    for rule in fmt.rules:
        if rule["kind"] != "equation":
            continue
        for binding in _bindings(rule, fmt):
            left = tuple(_term(t.format(**binding)) for t in rule["left"])
            right = tuple(_term(t.format(**binding)) for t in rule["right"])
            result.append(Equation(rule, left, right))
    return tuple(result)


def _lookup(term: Term, report: ReportData, previous: ReportData | None) -> Cell:
    source = previous if term.previous else report
    if source is None:
        return Cell(ABSENT)
    return source.cell(term.table, term.item, term.field)


def check_equation(
    eq: Equation, report: ReportData, previous: ReportData | None = None
) -> Issue | None:
    terms = eq.left + eq.right
    cells = [_lookup(t, report, previous) for t in terms]
    if any(c.status in (ABSENT, BAD) for c in cells):
        return None  # a missing row or an unreadable cell is reported by its own issue
    first = eq.left[0]
    blank = [(t, c) for t, c in zip(terms, cells, strict=True) if c.status == BLANK]
    if blank:
        term, cell = blank[0]
        return Issue(
            code="incomplete",
            severity=WARNING,
            resource=term.table,
            row=cell.row.number if cell.row and not term.previous else None,
            item=term.item,
            field=term.field,
            cells=tuple(t.label for t, _ in blank),
            rule=eq.rule["id"],
        )
    values = [c.value * t.sign for t, c in zip(terms, cells, strict=True)]
    found, expected = sum(values[: len(eq.left)]), sum(values[len(eq.left) :])
    if found == expected:
        return None
    anchor = cells[0]
    return Issue(
        code=eq.rule["id"],
        severity=eq.rule["severity"],
        resource=first.table,
        row=anchor.row.number if anchor.row else None,
        item=first.item,
        field=first.field,
        expected=expected,
        found=found,
    )


def check_report(fmt: Format, report: ReportData) -> Iterator[Issue]:
    """Every rule of the format that needs only this report."""
    for eq in equations(fmt.code):
        if not eq.rule.get("needs_previous") and (issue := check_equation(eq, report)):
            yield issue
    for rule in fmt.rules:
        check = _CHECKS.get(rule["kind"])
        if check:
            yield from check(rule, report, fmt)


def check_continuity(fmt: Format, report: ReportData, previous: ReportData) -> Iterator[Issue]:
    for eq in equations(fmt.code):
        if eq.rule.get("needs_previous") and (issue := check_equation(eq, report, previous)):
            yield issue


def _cell(report: ReportData, spec: str) -> tuple[str, str, Cell]:
    """A cell of a one-row table named `table.field` in a rule: (table, field, cell)."""
    table, _, name = spec.partition(".")
    return table, name, report.cell(table, None, name)


def _uscc(rule: dict[str, Any], report: ReportData, fmt: Format) -> Iterator[Issue]:
    for spec in rule["fields"]:
        table, name, cell = _cell(report, spec)
        if cell.status != "ok" or not isinstance(cell.value, str):
            continue
        if corrected := uscc_correction(cell.value):
            yield Issue(
                code=rule["id"],
                severity=rule["severity"],
                resource=table,
                row=cell.row.number if cell.row else None,
                field=name,
                expected=corrected,
                found=cell.value,
            )


def _zero_when(rule: dict[str, Any], report: ReportData, fmt: Format) -> Iterator[Issue]:
    for spec, wanted in rule["when"].items():
        if _cell(report, spec)[2].value != wanted:
            return
    for spec in rule["cells"]:
        table, name, cell = _cell(report, spec)
        if cell.status == "ok" and cell.value:
            yield Issue(
                code=rule["id"],
                severity=rule["severity"],
                resource=table,
                row=cell.row.number if cell.row else None,
                field=name,
                expected=0,
                found=cell.value,
            )


def _deadline(rule: dict[str, Any], report: ReportData, fmt: Format) -> Iterator[Issue]:
    table, name, cell = _cell(report, rule["date"])
    deadline = publication_deadline(report.year, report.value("scope"), fmt.code)
    if cell.status != "ok" or deadline is None:
        return
    if cell.value > deadline:
        yield Issue(
            code=rule["id"],
            severity=rule["severity"],
            resource=table,
            row=cell.row.number if cell.row else None,
            field=name,
            expected=deadline.isoformat(),
            found=cell.value.isoformat(),
        )


def format_of_year(rule: dict[str, Any], year: int) -> str | None:
    """The format a `format-year` rule declares for reports on `year`."""
    for code, (first, last) in rule["years"].items():
        if year >= first and (last is None or year <= last):
            return str(code)
    return None


def _format_year(rule: dict[str, Any], report: ReportData, fmt: Format) -> Iterator[Issue]:
    declared = report.value("format")
    code = format_of_year(rule, report.year)
    if code is not None and declared and declared != code:
        yield Issue(
            code=rule["id"],
            severity=rule["severity"],
            resource="reports",
            row=report.report.number if report.report else None,
            field="format",
            expected=code,
            found=declared,
        )


_CHECKS = {
    "uscc-checksum": _uscc,
    "zero-when": _zero_when,
    "deadline": _deadline,
    "format-year": _format_year,
}
