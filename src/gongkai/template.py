"""The Excel template agencies fill in: 表二, 表三 and 表四 in the official layout (merged cells,
labels as printed) and a sheet for the report details.

Labels come from the standard (item labels, field titles and descriptions), so the template
follows the schemas. Label cells are locked (sheet protection, no password); data cells are
unlocked and accept only what the column allows: whole numbers ≥ 0, decimals ≥ 0 for 万元
amounts, any whole number for the 2019 format's 本年增/减. Importing a filled template
(`gongkai import report.xlsx`) gives back exactly the figures typed in; a blank stays blank.
"""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from gongkai.standard import Field, Table, load_standard

DETAILS_SHEET = "报告信息"
SHEETS = {
    "proactive": "表二 主动公开",
    "applications": "表三 依申请公开",
    "reviews": "表四 复议诉讼",
}
TITLES = {
    "proactive": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "reviews": "四、政府信息公开行政复议、行政诉讼情况",
}
# rows from the top that hold the title and the column headings (repeated on every printed page;
# 表二 repeats only its title: each of its blocks has headings of its own)
HEADER_ROWS = {"proactive": 1, "applications": 4, "reviews": 4}
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANTS = "申请人情况"
RESULTS = "三、本年度办理结果"
DETAIL_FIELDS = (
    "agency_name",
    "agency_id",
    "region_code",
    "level",
    "scope",
    "year",
    "format",
    "published_on",
    "source_url",
)

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_OPEN = Protection(locked=False)


def _label(
    ws: Worksheet,
    row: int,
    col: int,
    text: str,
    *,
    to_row: int | None = None,
    to_col: int | None = None,
    left: bool = False,
) -> None:
    ws.cell(row, col, text)
    last_row, last_col = to_row or row, to_col or col
    for r in range(row, last_row + 1):
        for c in range(col, last_col + 1):
            cell = ws.cell(r, c)
            cell.border = _BORDER
            cell.alignment = _LEFT if left else _CENTER
    if (last_row, last_col) != (row, col):
        ws.merge_cells(start_row=row, start_column=col, end_row=last_row, end_column=last_col)


def _data(
    ws: Worksheet,
    row: int,
    col: int,
    field: Field,
    rules: dict[str, DataValidation],
    *,
    to_col: int | None = None,
) -> None:
    last = to_col or col
    for c in range(col, last + 1):
        cell = ws.cell(row, c)
        cell.border = _BORDER
        cell.protection = _OPEN
        cell.alignment = _CENTER
    if last != col:
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=last)
    cell = ws.cell(row, col)
    if field.type == "number":
        cell.number_format = "0.####"
    kind = "decimal" if field.type == "number" else ("whole" if field.minimum == 0 else "any-whole")
    rules[kind].add(cell.coordinate)


def _validations(ws: Worksheet) -> dict[str, DataValidation]:
    rules = {
        "whole": DataValidation(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            error="请填写大于或等于 0 的整数；未填报请留空（空白不等于 0）",
            errorTitle="整数",
            showErrorMessage=True,
            allow_blank=True,
        ),
        "any-whole": DataValidation(
            type="whole",
            operator="between",
            formula1="-999999999",
            formula2="999999999",
            error="请填写整数（可为负数）",
            errorTitle="整数",
            showErrorMessage=True,
            allow_blank=True,
        ),
        "decimal": DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            error="请填写大于或等于 0 的数（单位：万元，最多 4 位小数）",
            errorTitle="金额",
            showErrorMessage=True,
            allow_blank=True,
        ),
    }
    for rule in rules.values():
        ws.add_data_validation(rule)
    return rules


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _title(ws: Worksheet, table: str, width: int) -> int:
    _label(ws, 1, 1, TITLES[table], to_col=width, left=True)
    ws.cell(1, 1).font = Font(bold=True)
    ws.cell(1, 1).border = Border()
    return 2


def write_proactive(ws: Worksheet, table: Table) -> None:
    rules = _validations(ws)
    row = _title(ws, "proactive", 4)
    blocks: dict[str, dict[str, list[Field]]] = {}
    for field in table.value_fields:
        found = re.match(r"(第二十条第（.+?）项)", field.description)
        block = blocks.setdefault(found.group(1) if found else "", {})
        block.setdefault(field.title.split("·")[0], []).append(field)
    for heading, groups in blocks.items():
        _label(ws, row, 1, heading, to_col=4)
        columns = [f.title.split("·")[1] for f in next(iter(groups.values()))]
        _label(ws, row + 1, 1, "信息内容")
        for n, text in enumerate(columns):
            _label(ws, row + 1, 2 + n, text, to_col=4 if n == len(columns) - 1 else None)
        row += 2
        for label, fields in groups.items():
            _label(ws, row, 1, label)
            for n, field in enumerate(fields):
                _data(ws, row, 2 + n, field, rules, to_col=4 if n == len(fields) - 1 else None)
            row += 1
    ws.column_dimensions["A"].width = 22
    for col in "BCD":
        ws.column_dimensions[col].width = 18


def _item_layout(label: str) -> tuple[str | None, str]:
    """(group label or None, the row's own label) of a 表三 item label as printed."""
    label = label.removeprefix(RESULTS)
    if " " in label:
        group, own = label.split(" ", 1)
        return group, own
    return None, label


def write_applications(ws: Worksheet, table: Table) -> None:
    rules = _validations(ws)
    fields = table.value_fields
    width = 3 + len(fields)
    top = _title(ws, "applications", width)
    _label(ws, top, 1, BALANCE_NOTE, to_row=top + 2, to_col=3)
    _label(ws, top, 4, APPLICANTS, to_col=width)
    org = [f for f in fields if "·" in f.title]
    for n, field in enumerate(fields):
        col = 4 + n
        if "·" not in field.title:
            _label(ws, top + 1, col, field.title, to_row=top + 2)
        else:
            _label(ws, top + 2, col, field.title.split("·")[1])
    first_org = 4 + fields.index(org[0])
    _label(ws, top + 1, first_org, org[0].title.split("·")[0], to_col=first_org + len(org) - 1)
    row = top + 3
    results = [i for i in table.items if i.group in ("result", "total")]
    result_rows = (row + table.items.index(results[0]), row + table.items.index(results[-1]))
    groups: list[tuple[int, int, str]] = []  # (first row, last row, label) of （三）…（六）
    for item in table.items:
        group, own = _item_layout(item.label)
        if item.group in ("intake", "outcome"):
            _label(ws, row, 1, item.label, to_col=3, left=True)
        elif group is not None:
            groups.append((row, row, group))
            _label(ws, row, 3, own, left=True)
        elif re.match(r"\d", own) and groups:
            groups[-1] = (groups[-1][0], row, groups[-1][2])
            _label(ws, row, 3, own, left=True)
        else:
            _label(ws, row, 2, own, to_col=3, left=True)
        for n, field in enumerate(fields):
            _data(ws, row, 4 + n, field, rules)
        row += 1
    _label(ws, result_rows[0], 1, RESULTS, to_row=result_rows[1])
    for first, last, label in groups:
        _label(ws, first, 2, label, to_row=last)
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 40


def write_reviews(ws: Worksheet, table: Table) -> None:
    rules = _validations(ws)
    fields = table.value_fields
    top = _title(ws, "reviews", len(fields))
    paths = [f.title.split("·") for f in fields]
    col = 1
    while col <= len(fields):
        head = paths[col - 1][0]
        span = sum(1 for p in paths if p[0] == head)
        _label(ws, top, col, head, to_col=col + span - 1)
        col += span
    for col, path in enumerate(paths, 1):
        if len(path) == 2:
            _label(ws, top + 1, col, path[1], to_row=top + 2)
        else:
            _label(ws, top + 2, col, path[2])
    col = 1
    while col <= len(fields):
        path = paths[col - 1]
        if len(path) == 3:
            span = sum(1 for p in paths if p[:2] == path[:2])
            _label(ws, top + 1, col, path[1], to_col=col + span - 1)
            col += span
        else:
            col += 1
    for col, field in enumerate(fields, 1):
        _data(ws, top + 3, col, field, rules)
        ws.column_dimensions[get_column_letter(col)].width = 9


def write_details(ws: Worksheet, fmt: str) -> None:
    reports = load_standard().format(fmt).table("reports")
    ws.cell(1, 1, "报告信息").font = Font(bold=True)
    for n, name in enumerate(DETAIL_FIELDS, start=2):
        field = reports.field(name)
        assert field is not None
        _label(ws, n, 1, field.title, left=True)
        ws.cell(n, 3, name)
        value = ws.cell(n, 2)
        value.border = _BORDER
        if name == "format":
            value.value = fmt
            continue
        value.protection = _OPEN
        choices = _choices(reports, name)
        if choices:
            rule = DataValidation(
                type="list",
                formula1='"' + ",".join(choices) + '"',
                allow_blank=True,
                showErrorMessage=True,
            )
        elif name == "year":
            rule = DataValidation(
                type="whole",
                operator="between",
                formula1="2008",
                formula2="2100",
                allow_blank=True,
                showErrorMessage=True,
            )
        elif name == "published_on":
            value.number_format = "yyyy-mm-dd"
            rule = DataValidation(
                type="date",
                operator="greaterThan",
                formula1="39448",
                allow_blank=True,
                showErrorMessage=True,
            )
        else:
            ws.cell(n, 4, field.description).alignment = _LEFT
            continue
        ws.add_data_validation(rule)
        rule.add(value.coordinate)
        ws.cell(n, 4, field.description).alignment = _LEFT
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 36
    ws.column_dimensions["C"].hidden = True
    ws.column_dimensions["D"].width = 60
    _protect(ws)


def _choices(reports: Table, name: str) -> list[str]:
    field = next(f for f in reports.descriptor["fields"] if f["name"] == name)
    return [f"{c['label']}（{c['value']}）" for c in field.get("categories", [])]


def _text_width(text: str) -> float:
    """Width in Excel column units: a CJK character takes about two, others one."""
    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text)


def _column_width(ws: Worksheet, col: int) -> float:
    width = ws.column_dimensions[get_column_letter(col)].width
    return float(width) if width else 8.43  # Excel's default column width


def fit_row_heights(ws: Worksheet) -> None:
    """Rows tall enough for their wrapped labels: Excel and WPS do not grow a row for wrapped
    text in merged cells, so long labels would overlap the next row on screen and on paper."""
    spans = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
    lines_needed: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or cell.column is None:
                continue
            span = spans.get((cell.row, cell.column))
            first_col, last_col = (span.min_col, span.max_col) if span else (cell.column,) * 2
            rows = span.max_row - span.min_row + 1 if span else 1
            width = sum(_column_width(ws, c) for c in range(first_col, last_col + 1))
            lines = math.ceil(_text_width(cell.value) / max(width - 1, 1))
            per_row = math.ceil(lines / rows)
            lines_needed[cell.row] = max(lines_needed.get(cell.row, 1), per_row)
    for row_number, lines in lines_needed.items():
        if lines > 1:
            ws.row_dimensions[row_number].height = 15 * lines


def set_print_layout(ws: Worksheet, header_rows: int) -> None:
    """One A4 landscape page per table, its header rows repeated if a printer splits it."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.print_area = f"A1:{get_column_letter(ws.max_column)}{ws.max_row}"
    if header_rows:
        ws.print_title_rows = f"1:{header_rows}"


def build_workbook(fmt: str) -> Workbook:
    tables = load_standard().format(fmt).tables
    workbook = Workbook()
    details = workbook.active
    assert details is not None
    details.title = DETAILS_SHEET
    write_details(details, fmt)
    writers: dict[str, Any] = {
        "proactive": write_proactive,
        "applications": write_applications,
        "reviews": write_reviews,
    }
    fit_row_heights(details)
    set_print_layout(details, header_rows=0)
    for table, writer in writers.items():
        ws = workbook.create_sheet(SHEETS[table])
        writer(ws, tables[table])
        fit_row_heights(ws)
        set_print_layout(ws, header_rows=HEADER_ROWS[table])
        _protect(ws)
    return workbook


def write_template(path: Path, fmt: str) -> Path:
    """Write the template of format `fmt` (2021 or 2019) to `path` (.xlsx)."""
    build_workbook(fmt).save(path)
    return path
