"""The rows of one report (agency and year) inside a package, addressable cell by cell.

A package usually holds one report; a collection (a region's or a year's data) holds many
with the same schemas. Rules run per report, so rows are grouped by (agency_id, year).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gongkai.validation.tabular import Row

OK, BLANK, BAD, ABSENT = "ok", "blank", "bad", "absent"


@dataclass
class Cell:
    status: str
    value: Any = None
    row: Row | None = None


@dataclass
class ReportData:
    agency_id: str
    year: int
    report: Row | None = None
    tables: dict[str, list[Row]] = field(default_factory=dict)  # proactive, reviews
    items: dict[str, list[Row]] = field(default_factory=dict)  # applications, by item

    @property
    def key(self) -> tuple[str, int]:
        return (self.agency_id, self.year)

    def value(self, name: str) -> Any:
        return self.report.values.get(name) if self.report else None

    def cell(self, table: str, item: str | None, field_name: str) -> Cell:
        if table == "reports":
            rows = [self.report] if self.report else []
        elif item is not None:
            rows = self.items.get(item, [])
        else:
            rows = self.tables.get(table, [])
        if len(rows) != 1:  # missing or duplicated: table-shape says so
            return Cell(ABSENT)
        row = rows[0]
        if field_name in row.bad:
            return Cell(BAD, row=row)
        if field_name not in row.values:
            return Cell(ABSENT, row=row)
        value = row.values[field_name]
        return Cell(BLANK if value is None else OK, value, row)


def _key(row: Row) -> tuple[str, int] | None:
    """(agency_id, year) when both cells are valid; a bad key (a year out of range, an id of
    the wrong form) already has its own issue and names no report."""
    if {"agency_id", "year"} & row.bad:
        return None
    agency_id, year = row.values.get("agency_id"), row.values.get("year")
    if isinstance(agency_id, str) and isinstance(year, int):
        return (agency_id, year)
    return None


def group_reports(rows: dict[str, list[Row]]) -> dict[tuple[str, int], ReportData]:
    """Reports keyed by (agency_id, year); rows whose key is unreadable are left out
    (Frictionless reports them), rows without a reports row too (a foreign-key error)."""
    reports: dict[tuple[str, int], ReportData] = {}
    for row in rows.get("reports", []):
        key = _key(row)
        if key is None or key in reports:  # a repeated key is a primary-key error
            continue
        reports[key] = ReportData(agency_id=key[0], year=key[1], report=row)
    for table in ("proactive", "applications", "reviews"):
        for row in rows.get(table, []):
            key = _key(row)
            data = reports.get(key) if key else None
            if data is None:
                continue
            if table == "applications":
                data.items.setdefault(row.values.get("item") or "", []).append(row)
            else:
                data.tables.setdefault(table, []).append(row)
    return reports
