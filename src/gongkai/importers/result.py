"""What an import produces: the tables, the format, the report details found, and notes.

Notes are `gongkai.validation.Issue` values, so they print and serialise like validation
issues. `format-deviation` and `narrative-mismatch` are warnings of the standard (STANDARD.md
§3); the others are severity `info`: how a cell or a table was read, or that it was not found.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from gongkai.standard import load_standard
from gongkai.validation.issues import WARNING, Issue

INFO = "info"
DATA_TABLES = ("proactive", "applications", "reviews")
TABLE_TITLES = {
    "proactive": ("表二 主动公开政府信息情况", "table 2 (proactive disclosure)"),
    "applications": ("表三 收到和处理政府信息公开申请情况", "table 3 (applications)"),
    "reviews": ("表四 行政复议、行政诉讼情况", "table 4 (reviews and lawsuits)"),
}


def note(
    code: str,
    zh: str,
    en: str,
    *,
    resource: str | None = None,
    item: str | None = None,
    field: str | None = None,
    severity: str = INFO,
) -> Issue:
    return Issue(
        code=code,
        severity=severity,
        resource=resource,
        item=item,
        field=field,
        note=zh,
        note_en=en,
    )


def deviation(zh: str, en: str, **where: Any) -> Issue:
    return note("format-deviation", zh, en, severity=WARNING, **where)


@dataclass
class Details:
    """Report details read from the text or given by the caller."""

    agency_name: str | None = None
    year: int | None = None
    published_on: dt.date | None = None
    agency_id: str | None = None
    region_code: str | None = None
    level: str | None = None
    scope: str | None = None
    source_url: str | None = None

    def merged(self, overrides: dict[str, Any]) -> Details:
        values = {k: v for k, v in vars(self).items()}
        values.update({k: v for k, v in overrides.items() if v is not None and k in values})
        return Details(**values)


@dataclass
class ImportResult:
    """One imported report. `tables` holds all four tables; blank cells are None."""

    source: str
    kind: str  # which importer read it: text-layout, text-flat, html, docx, pdf, xlsx
    format: str  # 2021 or 2019
    details: Details
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    missing_tables: list[str] = field(default_factory=list)
    companions: list[ImportResult] = field(default_factory=list)  # more reports in the file

    def table_notes(self, table: str) -> list[Issue]:
        return [i for i in self.issues if i.resource == table]

    def filled_cells(self, table: str) -> tuple[int, int]:
        """(cells with a value, value cells) of a table."""
        fields = [f.name for f in load_standard().format(self.format).table(table).value_fields]
        rows = self.tables.get(table, [])
        filled = sum(1 for r in rows for f in fields if r.get(f) is not None)
        return filled, len(fields) * len(rows)
