"""A report that reports nothing is not a filing: every figure of 表二, 表三 and 表四 blank.

Blank means *not reported*, never 0, so such a report says nothing at all; filed, it would
count as a valid filing in coverage and replace a real report as the current version.
"""

from __future__ import annotations

from collections.abc import Iterator

from gongkai.standard import Format
from gongkai.validation.issues import ERROR, Issue
from gongkai.validation.reports import ReportData
from gongkai.validation.tabular import Row

FIGURE_TABLES = ("proactive", "applications", "reviews")


def _rows(report: ReportData, table: str) -> list[Row]:
    if table == "applications":
        return [row for rows in report.items.values() for row in rows]
    return report.tables.get(table, [])


def check_something_reported(fmt: Format, report: ReportData) -> Iterator[Issue]:
    """`nothing-reported` when the report's figure tables hold rows and not one figure: a
    cell that could not be read counts as something (its own issue says what is wrong)."""
    cells = 0
    for table in FIGURE_TABLES:
        names = [f.name for f in fmt.table(table).value_fields]
        for row in _rows(report, table):
            for name in names:
                cells += 1
                if name in row.bad or row.values.get(name) is not None:
                    return
    if cells and report.report is not None:
        yield Issue(
            code="nothing-reported", severity=ERROR, resource="reports", row=report.report.number
        )
