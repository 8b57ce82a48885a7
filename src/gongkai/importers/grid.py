"""The cell grid: a printed table with its merged cells expanded, as HTML, Word and Excel
tables and `a | b |` text give it. Every grid position holds the text of the cell covering it
and that cell's origin (top-left position), so a merged label is seen on every row it spans
while a merged value cell is read once."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.importers.labels import clean, is_value_token, key
from gongkai.importers.rows import Row, Section


@dataclass(frozen=True)
class Cell:
    text: str
    origin: tuple[int, int]


Grid = list[list[Cell]]
PADDING = (-1, -1)  # the origin of the filler after a row shorter than the table


def from_texts(rows: list[list[str]]) -> Grid:
    """A grid without merged cells."""
    return [[Cell(t.strip(), (r, c)) for c, t in enumerate(row)] for r, row in enumerate(rows)]


def expand(spans: list[list[tuple[str, int, int]]]) -> Grid:
    """Rows of (text, rowspan, colspan) cells, as HTML gives them, to a full grid."""
    grid: dict[tuple[int, int], Cell] = {}
    for r, row in enumerate(spans):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in grid:
                c += 1
            cell = Cell(text.strip(), (r, c))
            for dr in range(max(rowspan, 1)):
                for dc in range(max(colspan, 1)):
                    grid.setdefault((r + dr, c + dc), cell)
            c += max(colspan, 1)
    if not grid:
        return []
    height = max(r for r, _ in grid) + 1
    width = max(c for _, c in grid) + 1
    empty = Cell("", PADDING)
    return [[grid.get((r, c), empty) for c in range(width)] for r in range(height)]


def text_of(grid: Grid) -> str:
    seen: set[tuple[int, int]] = set()
    out: list[str] = []
    for row in grid:
        for cell in row:
            if cell.text and cell.origin not in seen:
                seen.add(cell.origin)
                out.append(cell.text)
    return "\n".join(out)


def classify(grid: Grid) -> str | None:
    """Which table of the report a grid holds, from the words it prints."""
    text = clean(text_of(grid))
    if "本年新收" in text or "办理结果" in text:
        return "applications"
    if "复议后起诉" in text or "未经复议" in text or ("行政复议" in text and "行政诉讼" in text):
        return "reviews"
    if any(w in text for w in ("规章", "行政许可", "行政处罚", "行政事业性收费", "本年制发件数")):
        return "proactive"
    return None


def _is_label(cell: Cell) -> bool:
    return bool(cell.text) and not is_value_token(cell.text)


def grid_rows(grid: Grid, where: str = "") -> tuple[list[Row], list[str] | None]:
    """Labelled rows of a grid, and the header label of each value column (lowest header)."""
    rows: list[Row] = []
    headers: list[str] | None = None
    for r, cells in enumerate(grid):
        last_label = max((c for c, cell in enumerate(cells) if _is_label(cell)), default=-1)
        chunks: list[str] = []
        for cell in cells[: last_label + 1]:
            if cell.text and (not chunks or chunks[-1] != cell.text) and len(key(cell.text)) > 0:
                chunks.append(cell.text)
        value_cells: list[tuple[int, Cell]] = []
        for c in range(last_label + 1, len(cells)):
            cell = cells[c]
            if cell.origin == PADDING:
                continue  # past the end of a short row: no cell was printed here
            if cell.origin[0] != r:
                continue  # a value cell merged down from the row above: read there
            if value_cells and value_cells[-1][1].origin == cell.origin:
                continue  # merged across: one value
            value_cells.append((c, cell))
        if not chunks and not value_cells:
            continue
        if value_cells and headers is None:
            headers = [_header_above(grid, r, c) for c, _ in value_cells]
        rows.append(
            Row(
                label=" ".join(chunks),
                values=[cell.text for _, cell in value_cells],
                chunks=chunks,
                where=f"{where}第 {r + 1} 行",
            )
        )
    return rows, headers


def _header_above(grid: Grid, row: int, col: int) -> str:
    for r in range(row - 1, -1, -1):
        cell = grid[r][col] if col < len(grid[r]) else None
        if cell is not None and _is_label(cell):
            return cell.text
    return ""


def grid_sections(grids: list[Grid]) -> dict[str, Section]:
    """The report's tables from all grids of a document (表二 is often printed as four)."""
    sections: dict[str, Section] = {}
    for n, grid in enumerate(grids):
        table = classify(grid)
        if table is None:
            continue
        rows, headers = grid_rows(grid, where=f"表格 {n + 1} ")
        if table in sections:
            sections[table].rows += rows
            sections[table].text += "\n" + text_of(grid)
        else:
            sections[table] = Section(table=table, rows=rows, text=text_of(grid), headers=headers)
    return sections
