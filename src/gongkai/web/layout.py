"""The three tables in the official layout, as HTML rows: read from the Excel template that
gongkai.template builds (the one place that knows the printed layout), so the pages and the
workbook cannot drift apart. Each data cell knows its item, its column and its sheet cell."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from openpyxl.worksheet.worksheet import Worksheet

from gongkai.standard import load_standard
from gongkai.template import SHEETS, build_workbook

TABLES = tuple(SHEETS)  # proactive, applications, reviews: 表二, 表三, 表四


@dataclass(frozen=True)
class LayoutCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    scope: str | None = None  # th scope; None for a data cell
    item: str | None = None  # data cells: the 表三 item (None elsewhere)
    field: str | None = None  # data cells: the column of the CSV
    coordinate: str | None = None  # data cells: where the template has it, e.g. "J7"

    @property
    def is_data(self) -> bool:
        return self.field is not None


@dataclass(frozen=True)
class TableLayout:
    table: str
    caption: str
    sheet: str  # the sheet's short name as printed: 表二, 表三, 表四
    rows: tuple[tuple[LayoutCell, ...], ...]
    coordinates: dict[tuple[str | None, str], str] = field(default_factory=dict)

    def sheet_cell(self, item: str | None, field_name: str) -> str | None:
        """`表三 J7`: where the template holds the figure of that item and column."""
        coordinate = self.coordinates.get((item, field_name))
        return f"{self.sheet} {coordinate}" if coordinate else None


def cell_id(table: str, item: str | None, field_name: str) -> str:
    """The stable HTML id of a data cell, which issues link to."""
    return f"cell-{table}-{item}-{field_name}" if item else f"cell-{table}-{field_name}"


def _keys(fmt: str, table: str) -> list[tuple[str | None, str]]:
    """(item, column) of each data cell in reading order: the template writes the value
    columns in schema order (per item for 表三)."""
    spec = load_standard().format(fmt).table(table)
    names = [f.name for f in spec.value_fields]
    if spec.items:
        return [(item, name) for item in spec.item_codes for name in names]
    return [(None, name) for name in names]


def _sheet_layout(ws: Worksheet, fmt: str, table: str) -> TableLayout:
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for merged in ws.merged_cells.ranges:
        spans[(merged.min_row, merged.min_col)] = (
            merged.max_row - merged.min_row + 1,
            merged.max_col - merged.min_col + 1,
        )
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if (r, c) != (merged.min_row, merged.min_col):
                    covered.add((r, c))
    keys = iter(_keys(fmt, table))
    grid: list[list[LayoutCell]] = []
    coordinates: dict[tuple[str | None, str], str] = {}
    for r in range(2, ws.max_row + 1):  # row 1 is the title: the caption
        row: list[LayoutCell] = []
        for c in range(1, ws.max_column + 1):
            if (r, c) in covered:
                continue
            cell = ws.cell(r, c)
            rowspan, colspan = spans.get((r, c), (1, 1))
            if cell.protection.locked is False:
                item, name = next(keys)
                coordinates[(item, name)] = cell.coordinate
                row.append(
                    LayoutCell(
                        "", rowspan, colspan, item=item, field=name, coordinate=cell.coordinate
                    )
                )
            elif cell.value is not None:
                row.append(LayoutCell(str(cell.value), rowspan, colspan))
        grid.append(row)
    rows = []
    for row in grid:
        has_data = any(cell.is_data for cell in row)
        rows.append(
            tuple(
                cell
                if cell.is_data
                else LayoutCell(
                    cell.text,
                    cell.rowspan,
                    cell.colspan,
                    scope=_scope(cell, has_data),
                )
                for cell in row
            )
        )
    leftover = next(keys, None)
    assert leftover is None, f"the template of {table} has fewer data cells than columns"
    return TableLayout(
        table=table,
        caption=str(ws.cell(1, 1).value),
        sheet=SHEETS[table].split(" ")[0],
        rows=tuple(r for r in rows if r),
        coordinates=coordinates,
    )


def _scope(cell: LayoutCell, row_has_data: bool) -> str:
    if row_has_data:
        return "rowgroup" if cell.rowspan > 1 else "row"
    return "colgroup" if cell.colspan > 1 else "col"


@cache
def report_layout(fmt: str) -> dict[str, TableLayout]:
    """表二, 表三 and 表四 of format `fmt` (2021 or 2019), by table name."""
    workbook = build_workbook(fmt)
    return {table: _sheet_layout(workbook[SHEETS[table]], fmt, table) for table in TABLES}
