"""The 报告信息 sheet of a workbook (the template's report details): one field per row, its
code in the hidden column C, else matched by its title in column A; the value in column B.

Values are read leniently, as people type them: dates as Excel dates, 2024-01-20, 2024/01/20,
2024.1.20 or 2024年1月20日; the year as 2023, 2023.0 or 2023年(度). A value that cannot be read
is left blank with a note naming the sheet and the cell, and the import goes on.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.worksheet import Worksheet

from gongkai.importers.labels import clean
from gongkai.importers.result import note
from gongkai.standard import load_standard
from gongkai.validation.issues import Issue

SHEET = "报告信息"
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_YEAR = re.compile(r"^((?:19|20)\d{2})(?:\.0+)?\s*(?:年度?)?$")
_EXCEL_DAYS = (20000, 80000)  # Excel serial numbers of 1954…2119: a date typed as a number


def is_details_sheet(ws: Worksheet) -> bool:
    return clean(ws.title) == clean(SHEET) or ws.cell(1, 1).value == SHEET


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _EXCEL_DAYS[0] < value < _EXCEL_DAYS[1]:
            found = from_excel(value)
            return found.date() if isinstance(found, dt.datetime) else None
        return None
    match = _DATE.match(unicodedata.normalize("NFKC", str(value)).strip())
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def parse_year(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if float(value).is_integer() and 1900 <= value <= 2100 else None
    match = _YEAR.match(unicodedata.normalize("NFKC", str(value)).strip())
    return int(match.group(1)) if match else None


def _text(name: str, value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number: 320813
    text = str(value).strip()
    if name in ("level", "scope"):  # “县级（county）” as the list offers it, or the code
        match = re.search(r"[（(]([a-z]+)[)）]", text)
        return match.group(1) if match else text
    return text


_KINDS = {"year": ("年份（如 2023）", "a year (such as 2023)"), "published_on": ("日期", "a date")}


def read_details(ws: Worksheet) -> tuple[dict[str, Any], list[Issue]]:
    """The details found, and a note for each value that could not be read."""
    reports = load_standard().format("2021").table("reports")
    titles = {clean(f.title): f.name for f in reports.fields}
    found: dict[str, Any] = {}
    issues: list[Issue] = []
    for row in ws.iter_rows(min_row=1, max_col=3):
        title, value, code = (row[0].value, row[1].value, row[2].value if len(row) > 2 else None)
        name = code if code in reports.field_names else titles.get(clean(str(title or "")))
        if name is None or value is None or str(value).strip() == "":
            continue
        if name in _KINDS:
            parsed = parse_year(value) if name == "year" else parse_date(value)
            if parsed is None:
                zh, en = _KINDS[name]
                ref = row[1].coordinate
                shown = value.isoformat() if isinstance(value, dt.date) else str(value).strip()
                issues.append(
                    note(
                        "unreadable-cell",
                        f"工作表“{ws.title}”单元格 {ref}：“{shown}” 不是{zh}，留空",
                        f"sheet “{ws.title}”, cell {ref}: “{shown}” is not {en}; left blank",
                        resource="reports",
                        field=name,
                    )
                )
                continue
            found[name] = parsed
        else:
            found[name] = _text(name, value)
    return found, issues
