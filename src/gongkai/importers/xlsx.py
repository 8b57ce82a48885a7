"""Excel workbooks: the filled template (gongkai template), or any workbook whose sheets hold
the tables with their printed labels. Each sheet becomes a grid read by labels; the 报告信息
sheet gives the report details."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gongkai.importers.grid import Cell, Grid, grid_sections
from gongkai.importers.labels import clean
from gongkai.importers.report import assemble
from gongkai.importers.result import ImportResult
from gongkai.standard import load_standard


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def sheet_grid(ws: Worksheet) -> Grid:
    origin: dict[tuple[int, int], tuple[int, int]] = {}
    for merged in ws.merged_cells.ranges:
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                origin[(r, c)] = (merged.min_row, merged.min_col)
    grid: Grid = []
    for r in range(1, (ws.max_row or 0) + 1):
        row: list[Cell] = []
        for c in range(1, (ws.max_column or 0) + 1):
            top = origin.get((r, c), (r, c))
            row.append(Cell(_text(ws.cell(*top).value), (top[0] - 1, top[1] - 1)))
        grid.append(row)
    return grid


def _cell_ref(r: int, c: int) -> tuple[str, str]:
    ref = f"{get_column_letter(c + 1)}{r + 1}"
    return f"单元格 {ref}", f"cell {ref}"


def _details(ws: Worksheet) -> dict[str, Any]:
    """The 报告信息 sheet: field code in the hidden column C (else matched by the title)."""
    reports = load_standard().format("2021").table("reports")
    titles = {clean(f.title): f.name for f in reports.fields}
    found: dict[str, Any] = {}
    for row in ws.iter_rows(min_row=1, max_col=3):
        title, value, code = (row[0].value, row[1].value, row[2].value if len(row) > 2 else None)
        name = code if code in reports.field_names else titles.get(clean(str(title or "")))
        if name is None or value is None or str(value).strip() == "":
            continue
        found[name] = _detail_value(name, value)
    return found


def _detail_value(name: str, value: Any) -> Any:
    if name == "year":
        return int(value)
    if name == "published_on":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(str(value).strip())
    text = str(value).strip()
    if name in ("level", "scope"):  # “县级（county）” as the list offers it, or the code
        match = re.search(r"[（(]([a-z]+)[)）]", text)
        return match.group(1) if match else text
    return text


def import_xlsx(
    data: bytes, *, source: str, stem: str = "", overrides: dict[str, Any] | None = None
) -> ImportResult:
    workbook = load_workbook(io.BytesIO(data), data_only=True)
    details: dict[str, Any] = {}
    grids: list[Grid] = []
    names: list[tuple[str, str]] = []
    for ws in workbook.worksheets:
        if clean(ws.title) == clean("报告信息") or ws.cell(1, 1).value == "报告信息":
            details = _details(ws)
        else:
            grids.append(sheet_grid(ws))
            names.append((f"工作表“{ws.title}”", f"sheet “{ws.title}”, "))
    given = {**details, **{k: v for k, v in (overrides or {}).items() if v is not None}}
    return assemble(
        source=source,
        kind="xlsx",
        text="",
        narrative="",
        sections=grid_sections(grids, names, [_cell_ref] * len(grids)),
        overrides=given,
        stem=stem,
    )
