"""A validation result as the pages draw it: verdict, counts, issues, the three tables."""

from __future__ import annotations

from typing import Any

from gongkai.uploads import XLSX
from gongkai.validation import ValidationResult
from gongkai.web.issue_view import issue_views
from gongkai.web.language import current_lang
from gongkai.web.layout import report_layout
from gongkai.web.report_view import table_values


def _first_report(result: ValidationResult) -> dict[str, list[dict[str, Any]]]:
    """The rows of the package's first report (a collection is drawn one report only)."""
    report = result.report or {}
    key = (report.get("agency_id"), report.get("year"))
    return {
        table: [r for r in rows if (r.get("agency_id"), r.get("year")) == key]
        for table, rows in result.tables.items()
    }


def result_context(result: ValidationResult, kind: str) -> dict[str, Any]:
    layouts = report_layout(result.format)
    issues, marks = issue_views(result.issues, layouts, current_lang(), workbook=kind == XLSX)
    return {
        "valid": result.valid,
        "format": result.format,
        "report": result.report or {},
        "errors": len(result.errors),
        "warnings": len(result.warnings),
        "issues": issues,
        "marks": marks,
        "layouts": layouts,
        "figures": table_values(result.format, _first_report(result)),
        "workbook": kind == XLSX,
    }
