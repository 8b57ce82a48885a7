"""Word .docx reports: paragraphs give the narrative and details; tables (with gridSpan and
vMerge merged cells) become grids read by their labels."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl, CT_Tc

from gongkai.importers import sections as parts
from gongkai.importers.files import MAX_COLUMNS, MAX_ROWS, opening, too_many
from gongkai.importers.grid import Cell, Grid, grid_sections
from gongkai.importers.report import assemble
from gongkai.importers.result import ImportResult


def _text(tc: CT_Tc) -> str:
    paragraphs = tc.findall(qn("w:p"))
    return "".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in paragraphs).strip()


def table_grid(tbl: CT_Tbl, name: str = "", n: int = 0) -> Grid:
    where, where_en = f"第 {n} 个表格", f"table {n}"
    if len(tbl.tr_lst) > MAX_ROWS:
        raise too_many(name, where, where_en, len(tbl.tr_lst), MAX_ROWS, rows=True)
    grid: Grid = []
    for r, tr in enumerate(tbl.tr_lst):
        row: list[Cell] = []
        for tc in tr.tc_lst:
            span = tc.grid_span
            c = len(row)
            if c + span > MAX_COLUMNS:
                raise too_many(name, where, where_en, c + span, MAX_COLUMNS, rows=False)
            if tc.vMerge == "continue" and r > 0 and c < len(grid[r - 1]):
                cell = grid[r - 1][c]
            else:
                cell = Cell(_text(tc), (r, c))
            row.extend([cell] * span)
        grid.append(row)
    return grid


def import_docx(
    data: bytes, *, source: str, stem: str = "", overrides: dict[str, Any] | None = None
) -> ImportResult:
    with opening(source, "docx"):
        document = Document(io.BytesIO(data))
    lines: list[str] = []
    grids: list[Grid] = []
    with opening(source, "docx"):  # the library parses cell attributes as it goes
        for child in document.element.body.iterchildren():
            if child.tag == qn("w:p"):
                lines.append("".join(t.text or "" for t in child.iter(qn("w:t"))).strip())
            elif isinstance(child, CT_Tbl):
                grids.append(table_grid(child, source, len(grids) + 1))
    lines = [line for line in lines if line]
    return assemble(
        source=source,
        kind="docx",
        text="\n".join(lines),
        narrative=parts.narrative(lines),
        sections=grid_sections(grids),
        overrides=overrides or {},
        stem=stem,
    )
