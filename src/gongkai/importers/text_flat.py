"""Text without the table's layout: plain `pdftotext` (one cell per line, labels sometimes
moved away from their figures) and text copied from a web page (one cell per line, or each
row as an `a | b | c |` run or tab-separated cells, as a browser copies a table)."""

from __future__ import annotations

from gongkai.importers.columns import trim_residue
from gongkai.importers.grid import from_texts, grid_rows
from gongkai.importers.labels import is_cell_like, is_value_token
from gongkai.importers.rows import Row, Section
from gongkai.importers.sections import is_footer
from gongkai.importers.text_layout import section_rows, split_line

WIDTH = {"applications": 7, "reviews": 15}


def is_delimited(line: str) -> bool:
    """A table row with its cells delimited: `a | b | c |` or a\tb\tc."""
    return line.count("|") >= 2 or line.strip(" ").count("\t") >= 2


def _cells(line: str) -> list[str]:
    if line.count("|") < 2:
        cells = [c.strip() for c in line.strip(" \r\n").split("\t")]
    else:
        text = line.strip()
        text = text[1:] if text.startswith("|") else text
        text = text[:-1] if text.endswith("|") else text
        cells = [c.strip() for c in text.split("|")]
    # a row of figures whose label comes after empty cells (a leading tab, `|| 规章 | 0 |`):
    # those cells are separators' residue, so the label is the row's first cell
    first = next((n for n, c in enumerate(cells) if c), 0)
    if first and not is_value_token(cells[first]) and any(is_value_token(c) for c in cells):
        cells = cells[first:]
    return cells


def delimited_section(lines: list[str], table: str) -> Section:
    kept = [line for line in lines if is_delimited(line) or "\t" in line.strip(" \r\n")]
    grid = from_texts([_cells(line) for line in kept])
    rows, headers = grid_rows(grid)
    if table in WIDTH:
        _trim_by_layout(rows, WIDTH[table])
    return Section(table=table, rows=rows, text="\n".join(lines), headers=headers)


def _trim_by_layout(rows: list[Row], width: int) -> None:
    """Rows wider than the table with empty cells at both ends: which end is residue is told
    by the rows that print every figure — at the start of a row when they have an empty cell
    before their figures (a label merged over two columns leaves one), at its end when they
    have one after (trailing separators). When the table has both, a row whose figures would
    land in different columns either way cannot be placed: its figures are kept without their
    empty cells, so it is left blank with a note that says so."""
    wide = [r.values for r in rows if len(r.values) > width]
    complete = [v for v in wide if sum(1 for x in v if x.strip()) == width]
    at_start = any(not v[0].strip() for v in complete)
    at_end = any(not v[-1].strip() for v in complete)
    for row in rows:
        values = row.values
        if len(values) <= width or values[0].strip() or values[-1].strip():
            continue  # not wide, or residue at one end only: trim_residue takes it
        end_first, _ = trim_residue(values, None, width)
        start_first = _trim_start(values, width)
        if end_first == start_first or not at_start:
            continue  # the end first, as assign does
        if at_end:
            row.values = [v for v in values if v.strip()]
            row.blanks_visible = False
            row.cells = []
            continue
        row.values, row.cells = start_first, []


def _trim_start(values: list[str], width: int) -> list[str]:
    start = 0
    while len(values) - start > width and not values[start].strip():
        start += 1
    return trim_residue(values[start:], None, width)[0]


EMPTY_CELL = "\x00"  # a cell printed empty (a line holding only its separator)


def _figure(token: str) -> bool:
    return token == EMPTY_CELL or is_value_token(token)


def single_cells(lines: list[str]) -> list[str] | None:
    """A table copied cell by cell with a separator on each line (`行政规范性文件 |`, `2 |`,
    ` |` for an empty cell): the cell of each line, or None when the lines are not that."""
    shown = [line.strip() for line in lines if line.strip()]
    marked = [line for line in shown if line.startswith("|") or line.endswith("|")]
    if not marked or 2 * len(marked) < len(shown):
        return None
    out: list[str] = []
    for line in lines:
        text = line.strip()
        if not text:
            out.append("")
            continue
        cells = [c.strip() for c in text.split("|") if c.strip()]
        if len(cells) > 1:
            return None
        out.append(cells[0] if cells else EMPTY_CELL)
    return out


def cell_section(
    lines: list[str], table: str, first_line: int = 0, *, blanks_visible: bool = False
) -> Section:
    """One cell per line: runs of figures form rows, the line above a run is its label.
    With `blanks_visible`, a line holding EMPTY_CELL is an empty cell of its run."""
    rows: list[Row] = []
    texts: list[str] = []
    run: list[tuple[int, str]] = []  # (line number, figure)

    def flush() -> None:
        if not run:
            return
        width = WIDTH.get(table)
        pieces = [run]
        if width and len(run) > width and len(run) % width == 0:
            pieces = [run[i : i + width] for i in range(0, len(run), width)]
        if texts and rows and texts[-1] in rows[-1].after:
            rows[-1].after.remove(texts[-1])  # it labels the run below, not the one above
        for n, piece in enumerate(pieces):
            label = texts[-1] if texts and n == 0 else ""
            before = texts[-3:-1] if n == 0 else []
            rows.append(
                Row(
                    label=label,
                    values=["" if token == EMPTY_CELL else token for _, token in piece],
                    chunks=[label] if label else [],
                    before=before,
                    where=f"第 {piece[0][0]} 行",
                    where_en=f"line {piece[0][0]}",
                    blanks_visible=blanks_visible,
                )
            )
        texts.clear()
        run.clear()

    kept = [(n, line) for n, line in enumerate(lines) if line.strip() and not is_footer(line)]
    numeric = [all(_figure(t) for t in line.split()) for _, line in kept]
    for k, (n, line) in enumerate(kept):
        tokens = line.split()
        # a word where a figure should be (“不详”, “abc”) between figures stays a cell
        cell = all(_figure(t) or is_cell_like(t) for t in tokens) and (
            (k > 0 and numeric[k - 1]) or (k + 1 < len(kept) and numeric[k + 1])
        )
        if numeric[k] or cell:
            run.extend((first_line + n + 1, t) for t in tokens)
            continue
        flush()
        texts.append(line.strip())
        if rows and len(rows[-1].after) < 2:
            rows[-1].after.append(line.strip())
    flush()
    return Section(table=table, rows=rows, text="\n".join(lines))


def rows_on_lines(lines: list[str]) -> bool:
    """Each row on its own line, its cells apart by runs of spaces (`行政许可  9487`), where
    the text is too short a table for the layout test: a label followed by figures on some
    line, and no line holding a lone figure (as one cell per line has)."""
    split = [split_line(line) for line in lines if line.strip() and not is_footer(line)]
    lone = any(not label and len(values) == 1 for label, values in split)
    return not lone and any(label and values for label, values in split)


def flat_sections(lines: list[str], spans: dict[str, tuple[int, int]]) -> dict[str, Section]:
    out: dict[str, Section] = {}
    for table, (start, end) in spans.items():
        if table == "narrative":
            continue
        chunk = lines[start:end]
        if any(is_delimited(line) for line in chunk):
            out[table] = delimited_section(chunk, table)
        elif (cells := single_cells(chunk)) is not None:
            out[table] = cell_section(cells, table, start, blanks_visible=True)
        elif rows_on_lines(chunk):
            out[table] = section_rows(chunk, table, start)
        else:
            out[table] = cell_section(chunk, table, start)
    return out
