"""The data cells of a sheet of the Excel template, for tests that fill it in."""

from __future__ import annotations

from typing import Any


def data_cells(ws: Any) -> list[Any]:
    """Unlocked cells in reading order, a merged cell once: the template's figures in the
    order of the schema's value columns (and of 表三's items)."""
    covered = {
        (r, c)
        for rng in ws.merged_cells.ranges
        for r in range(rng.min_row, rng.max_row + 1)
        for c in range(rng.min_col, rng.max_col + 1)
        if (r, c) != (rng.min_row, rng.min_col)
    }
    return [
        cell
        for row in ws.iter_rows()
        for cell in row
        if (cell.row, cell.column) not in covered and cell.protection.locked is False
    ]
