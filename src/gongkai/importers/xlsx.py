"""Excel workbooks: the filled template (gongkai template), or any workbook whose sheets hold
the tables with their printed labels. Each sheet becomes a grid read by labels; the 报告信息
sheet gives the report details."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from gongkai.importers.files import MAX_COLUMNS, MAX_ROWS, opening, too_many
from gongkai.importers.grid import Cell, Grid, grid_sections
from gongkai.importers.report import assemble
from gongkai.importers.result import ImportResult
from gongkai.importers.workbook_details import is_details_sheet, read_details
from gongkai.importers.xlsx_limits import check_workbook
from gongkai.validation.issues import Issue


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


def _extent(ws: Any, name: str) -> tuple[int, int]:
    """(last row, last column) holding a value, read as a stream; refuses a sheet with more
    rows or columns of values than a report has, without reading the rest of it."""
    ws.reset_dimensions()  # the stored dimension may understate the sheet
    rows = last_row = last_col = 0
    for r, values in enumerate(ws.iter_rows(values_only=True), start=1):
        filled = [c for c, v in enumerate(values, start=1) if v is not None and v != ""]
        if not filled:
            continue
        rows += 1
        last_row, last_col = r, max(last_col, filled[-1])
        where, where_en = f"工作表“{ws.title}”", f"sheet “{ws.title}”"
        if rows > MAX_ROWS:
            raise too_many(name, where, where_en, rows, MAX_ROWS, rows=True)
        if last_col > MAX_COLUMNS:
            raise too_many(name, where, where_en, last_col, MAX_COLUMNS, rows=False)
    return last_row, last_col


Merged = list[tuple[int, int, int, int]]  # (min_col, min_row, max_col, max_row), 1-based


def sheet_grid(ws: Any, height: int, width: int, merged: Merged) -> Grid:
    """The sheet as a grid of its used range (`height` × `width`, bounded by `_extent`)."""
    values = (
        [
            list(row) + [None] * (width - len(row))
            for row in ws.iter_rows(min_row=1, max_row=height, max_col=width, values_only=True)
        ]
        if height and width
        else []
    )
    origin: dict[tuple[int, int], tuple[int, int]] = {}
    for min_col, min_row, max_col, max_row in merged:
        for r in range(min_row, min(max_row, height) + 1):
            for c in range(min_col, min(max_col, width) + 1):
                origin[(r - 1, c - 1)] = (min_row - 1, min_col - 1)
    grid: Grid = []
    for r in range(len(values)):
        row: list[Cell] = []
        for c in range(width):
            top = origin.get((r, c), (r, c))
            inside = top[0] < len(values) and top[1] < width
            row.append(Cell(_text(values[top[0]][top[1]] if inside else None), top))
        grid.append(row)
    return grid


def _cell_ref(r: int, c: int) -> tuple[str, str]:
    ref = f"{get_column_letter(c + 1)}{r + 1}"
    return f"单元格 {ref}", f"cell {ref}"


def _read_sheets(
    workbook: Any, source: str, merged: dict[str, Merged]
) -> tuple[dict[str, Any], list[Issue], list[Grid], list[tuple[str, str]]]:
    """Every sheet read as a stream (read-only mode): the details sheet's values, the others
    as grids."""
    details: dict[str, Any] = {}
    notes: list[Issue] = []
    grids: list[Grid] = []
    names: list[tuple[str, str]] = []
    for ws in workbook.worksheets:
        if is_details_sheet(ws):
            details, notes = read_details(ws)
            continue
        # the declared dimension covers styled blank cells (a blank data row of the
        # template); it may also lie, so never past the limits
        declared = (ws.max_row or 0, ws.max_column or 0)
        last_row, last_col = _extent(ws, source)
        height = min(max(declared[0], last_row), MAX_ROWS)
        width = min(max(declared[1], last_col), MAX_COLUMNS)
        path = str(getattr(ws, "_worksheet_path", "")).lstrip("/")
        grids.append(sheet_grid(ws, height, width, merged.get(path, [])))
        names.append((f"工作表“{ws.title}”", f"sheet “{ws.title}”, "))
    return details, notes, grids, names


def import_xlsx(
    data: bytes, *, source: str, stem: str = "", overrides: dict[str, Any] | None = None
) -> ImportResult:
    with opening(source, "xlsx"):
        merged = check_workbook(data, source)  # before any parsing: cells, styles, strings
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            details, notes, grids, names = _read_sheets(workbook, source, merged)
        finally:
            workbook.close()
    given = {**details, **{k: v for k, v in (overrides or {}).items() if v is not None}}
    notes = [n for n in notes if n.field not in given]  # a value given instead of the typo
    return assemble(
        source=source,
        kind="xlsx",
        text="",
        narrative="",
        sections=grid_sections(grids, names, [_cell_ref] * len(grids)),
        overrides=given,
        stem=stem,
        notes=notes,
    )
