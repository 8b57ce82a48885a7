"""Filing a package for an agency and year: validate it (with last year's stored report),
check it against what was asked and the registry, then store it as the next version or
record the refusal. The filing API and the 报送 page both file through `file_package`;
each words a refusal in its own way from the code and the details.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from gongkai.package import ReportPackage
from gongkai.store.filings import Receipt, file_report, issue_record, new_filing, record_rejection
from gongkai.store.queries import stored_package
from gongkai.store.registry import load_agencies
from gongkai.validation import Issue, ValidationResult, validate

PLACE_FIELDS = ("region_code", "level", "scope")  # where aggregates count a report
# The registry's name is what is served for an agency: a package naming it otherwise is
# refused, not renamed, so what is stored stays the package as sent (its sha256) and no
# text the registry's keeper did not write (a formula, another agency's name) is served.
REGISTRY_FIELDS = ("agency_name", *PLACE_FIELDS)


def registry_mismatch(
    report: Mapping[str, Any], agency: Mapping[str, Any]
) -> dict[str, Any] | None:
    """Where reports.csv's row differs from its agency's registry row: the `fields`, what was
    `found` and what the `registry` says of each; None where they agree. Aggregates group
    filings by the registry's region, level and scope, so a filing may not differ."""
    differ = [name for name in REGISTRY_FIELDS if report.get(name) != agency.get(name)]
    if not differ:
        return None
    return {
        "fields": differ,
        "found": {n: report.get(n) for n in differ},
        "registry": {n: agency.get(n) for n in differ},
    }


def registry_mismatch_text(details: Mapping[str, Any]) -> tuple[str, str]:
    """A registry mismatch (as `registry_mismatch` gives it) in Chinese and in English."""
    found, registry = details["found"], details["registry"]
    said = ", ".join(f"{n}={found[n]} (registry: {registry[n]})" for n in details["fields"])
    said_zh = "，".join(f"{n} 为 {found[n]}（名录中为 {registry[n]}）" for n in details["fields"])
    return (
        f"reports.csv 与应报告机关名录不一致：{said_zh}",
        f"reports.csv does not match the registry: {said}",
    )


class FilingRefused(Exception):
    """Nothing was stored. `code`: path-mismatch (reports.csv names another agency or year),
    registry-mismatch (region, level or scope differ from the registry), invalid-package."""

    def __init__(self, code: str, result: ValidationResult, **details: Any) -> None:
        super().__init__(code)
        self.code = code
        self.result = result
        self.details = details


@dataclass(frozen=True)
class Filed:
    result: ValidationResult
    receipt: Receipt


def previous_year(engine: Engine, agency_id: str, year: int) -> list[ValidationResult]:
    """Last year's stored report, so continuity rules can compare (warnings only)."""
    package = stored_package(engine, agency_id, year - 1)
    return [validate(package)] if package is not None else []


def file_package(
    engine: Engine,
    package: ReportPackage,
    notes: list[Issue],
    agency_id: str,
    year: int,
    agency: dict[str, Any] | None,
    token_id: int | None,
) -> Filed:
    """File `package` as the report of `agency_id` for `year` (`agency`: its registry row;
    None only when an admin files for an agency not registered yet). Raises FilingRefused."""
    result = validate(package, previous=previous_year(engine, agency_id, year))
    result.issues[:0] = notes
    report = result.report or {}
    if result.valid and (report.get("agency_id"), report.get("year")) != (agency_id, year):
        raise FilingRefused(
            "path-mismatch", result, agency_id=report.get("agency_id"), year=report.get("year")
        )
    if result.valid and agency is not None:
        differ = registry_mismatch(report, agency)
        if differ is not None:
            raise FilingRefused("registry-mismatch", result, **differ)
    if not result.valid:
        if agency is not None:
            issues = [issue_record(i) for i in result.issues]
            record_rejection(engine, agency_id, year, package.sha256, issues)
        raise FilingRefused("invalid-package", result, errors=len(result.errors))
    if agency is None:  # only an admin gets here: register the agency from reports.csv
        load_agencies(engine, [report])
    receipt = file_report(engine, new_filing(result), token_id=token_id)
    return Filed(result, receipt)
