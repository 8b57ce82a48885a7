"""validate(): Frictionless first, then the declared rules, then continuity across years."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from gongkai.package import ReportPackage
from gongkai.standard import FORMATS, format_for_year, load_standard
from gongkai.validation.blank import check_something_reported
from gongkai.validation.issues import Issue
from gongkai.validation.reports import ReportData, group_reports
from gongkai.validation.rules import check_continuity, check_report
from gongkai.validation.shape import check_descriptor, check_encodings, check_shape
from gongkai.validation.tabular import HEADER_ERRORS, Tabular, run_frictionless


@dataclass
class ValidationResult:
    package: ReportPackage
    format: str
    issues: list[Issue]
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # typed rows
    reports: dict[tuple[str, int], ReportData] = field(default_factory=dict)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def report(self) -> dict[str, Any] | None:
        """The reports row of a one-report package (the first one of a collection)."""
        rows = self.tables.get("reports")
        return rows[0] if rows else None


def detect_format(package: ReportPackage) -> str:
    """The format named in reports.csv; else the one its year calls for; else what 表三's
    items show; else 2021."""
    if "reports" in package.files:
        reader = csv.DictReader(io.StringIO(package.files["reports"].decode("utf-8")))
        first = next(reader, None) or {}
        if (declared := (first.get("format") or "").strip()) in FORMATS:
            return declared
        year = (first.get("year") or "").strip()
        if year.isdigit() and (by_year := format_for_year(int(year))):
            return by_year
    if "applications" in package.files:
        text = package.files["applications"].decode("utf-8")
        if ",other," in text and ",other_other," not in text:
            return "2019"
    return "2021"


def _superseded(issue: Issue, tabular: Tabular, misread: set[str]) -> bool:
    """Frictionless errors said better by another issue: in a table with a wrong header the
    header errors (cells may sit under other columns); table-shape for repeated and unknown
    items; a blank or keyless row has nothing to repeat."""
    if issue.resource in misread and issue.code not in HEADER_ERRORS:
        return True
    if issue.resource == "applications" and (
        issue.code == "primary-key" or (issue.code == "constraint-error" and issue.field == "item")
    ):
        return True
    if issue.code == "primary-key" and issue.resource and issue.row:
        row = next((r for r in tabular.rows.get(issue.resource, []) if r.number == issue.row), None)
        return row is None or None in (row.values.get("agency_id"), row.values.get("year"))
    return False


def validate_alone(package: ReportPackage) -> ValidationResult:
    """Everything but continuity, which needs the other years."""
    fmt = load_standard().format(detect_format(package))
    tabular = run_frictionless(package, fmt.code)
    misread = tabular.misread  # tables with a wrong header: not counted, not added up
    reports = group_reports({t: r for t, r in tabular.rows.items() if t not in misread})
    issues = [i for i in tabular.issues if not _superseded(i, tabular, misread)]
    shape_rule = next(r for r in fmt.rules if r["kind"] == "shape")
    issues.extend(check_shape(shape_rule, fmt, package, tabular.rows, reports, misread))
    issues.extend(check_descriptor(fmt, package))
    issues.extend(check_encodings(package))
    for report in reports.values():
        issues.extend(i.of(report.key) for i in check_report(fmt, report))
        issues.extend(i.of(report.key) for i in check_something_reported(fmt, report))
    return ValidationResult(
        package=package,
        format=fmt.code,
        issues=issues,
        tables={t: [r.values for r in rows] for t, rows in tabular.rows.items()},
        reports=reports,
    )


def check_continuity_across(
    results: list[ValidationResult], previous: Iterable[ValidationResult] = ()
) -> None:
    """Add continuity issues to each report whose previous year is among `results` (in the same
    package or another) or `previous`, which only supplies last year's figures."""
    by_key: dict[tuple[str, int], ReportData] = {}
    for result in [*previous, *results]:
        by_key.update(result.reports)
    for result in results:
        fmt = load_standard().format(result.format)
        for (agency_id, year), report in result.reports.items():
            before = by_key.get((agency_id, year - 1))
            if before is not None:
                found = check_continuity(fmt, report, before)
                result.issues.extend(i.of(report.key) for i in found)


def validate(package: ReportPackage, previous: Iterable[ValidationResult] = ()) -> ValidationResult:
    """Validate one package; `previous` supplies last year's reports for continuity."""
    return validate_many([package], previous)[0]


def validate_many(
    packages: Iterable[ReportPackage], previous: Iterable[ValidationResult] = ()
) -> list[ValidationResult]:
    """Validate packages together: consecutive years of an agency, in one package or in two,
    are checked for continuity (once)."""
    results = [validate_alone(p) for p in packages]
    check_continuity_across(results, previous)
    for result in results:
        result.issues = [i.at(result.package.source) for i in result.issues]
    return results
