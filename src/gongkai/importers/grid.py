"""The cell grid: a printed table with its merged cells expanded, as HTML, Word and Excel
tables and `a | b |` text give it. Every grid position holds the text of the cell covering it
and that cell's origin (top-left position), so a merged label is seen on every row it spans
while a merged value cell is read once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from gongkai.importers.labels import NUMBERING, clean, is_cell_like, is_value_token, key
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
            for dr in range(min(max(rowspan, 1), len(spans) - r)):  # not past the last row
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
    return bool(cell.text) and not is_value_token(cell.text) and not is_cell_like(cell.text)


Locate = Callable[[int, int], tuple[str, str]]


def _column(r: int, c: int) -> tuple[str, str]:
    return f"第 {c + 1} 列", f"column {c + 1}"


def _own(cell: Cell, r: int) -> bool:
    """A cell printed on this row (not padding, not merged down from a row above)."""
    return cell.origin != PADDING and cell.origin[0] == r


def _last_label_end(cells: list[Cell]) -> int:
    return max((c for c, cell in enumerate(cells) if _is_label(cell)), default=-1) + 1


def _has_figure(cells: list[Cell], r: int) -> bool:
    return any(_own(cell, r) and cell.text and is_value_token(cell.text) for cell in cells)


def value_columns(grid: Grid) -> set[int]:
    """Columns that hold values in most rows with figures (a label merged across counts as a
    label there)."""
    votes: Counter[int] = Counter()
    for r, cells in enumerate(grid):
        if not _has_figure(cells, r):
            continue
        for c, cell in enumerate(cells):
            if cell.origin != PADDING:
                votes[c] += -1 if _is_label(cell) else 1
    return {c for c, vote in votes.items() if vote > 0}


def _label_end(cells: list[Cell], r: int, columns: set[int]) -> int:
    """Where a row's labels end: after its last label cell; but a word printed in a value
    column of a row with figures (“见附件” under 自然人) is a value cell that cannot be read,
    not a label, so the figures after it keep their columns."""
    end = _last_label_end(cells)
    if not _has_figure(cells, r):
        return end
    while end > 0 and end - 1 in columns:
        cell = cells[end - 1]
        if not _own(cell, r) or cell.origin[1] != end - 1 or _numbered(cell.text):
            break  # a numbered label (“（一）予以公开” after its group's label) stays a label
        end -= 1
    return end


def _numbered(text: str) -> bool:
    return bool(NUMBERING.match(clean(text)))


def grid_rows(
    grid: Grid, where: tuple[str, str] = ("", ""), locate: Locate = _column
) -> tuple[list[Row], list[str] | None]:
    """Labelled rows of a grid, and the header label of each value column (lowest header)."""
    rows: list[Row] = []
    headers: list[str] | None = None
    columns = value_columns(grid)
    for r, cells in enumerate(grid):
        label_end = _label_end(cells, r, columns)
        chunks: list[str] = []
        for cell in cells[:label_end]:
            if cell.text and (not chunks or chunks[-1] != cell.text) and len(key(cell.text)) > 0:
                chunks.append(cell.text)
        value_cells: list[tuple[int, Cell]] = []
        for c in range(label_end, len(cells)):
            cell = cells[c]
            if not _own(cell, r):
                continue  # padding after a short row, or a value merged down from above
            if cell.origin[1] < label_end:
                continue  # a label merged across into the value columns
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
                where=f"{where[0]}第 {r + 1} 行",
                where_en=f"{where[1]}row {r + 1}",
                cells=[locate(r, c) for c, _ in value_cells],
            )
        )
    return rows, headers


def _header_above(grid: Grid, row: int, col: int) -> str:
    for r in range(row - 1, -1, -1):
        cell = grid[r][col] if col < len(grid[r]) else None
        if cell is not None and _is_label(cell):
            return cell.text
    return ""


def grid_sections(
    grids: list[Grid],
    names: list[tuple[str, str]] | None = None,
    locators: list[Locate] | None = None,
) -> dict[str, Section]:
    """The report's tables from all grids of a document (表二 is often printed as four).
    `names` says how notes name each grid (zh, en): a sheet's name, else “表格 n”."""
    sections: dict[str, Section] = {}
    for n, grid in enumerate(grids):
        table = classify(grid)
        if table is None:
            continue
        zh, en = names[n] if names else (f"表格 {n + 1} ", f"table {n + 1}, ")
        locate = locators[n] if locators else _column
        rows, headers = grid_rows(grid, where=(zh, en), locate=locate)
        if table in sections:
            sections[table].rows += rows
            sections[table].text += "\n" + text_of(grid)
        else:
            sections[table] = Section(table=table, rows=rows, text=text_of(grid), headers=headers)
    return sections
