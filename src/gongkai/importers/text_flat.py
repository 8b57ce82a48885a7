"""Text without the table's layout: plain `pdftotext` (one cell per line, labels sometimes
moved away from their figures) and text copied from a web page (one cell per line, or each
row as an `a | b | c |` run or tab-separated cells, as a browser copies a table)."""

from __future__ import annotations

from gongkai.importers.grid import from_texts, grid_rows
from gongkai.importers.labels import is_cell_like, is_value_token
from gongkai.importers.rows import Row, Section
from gongkai.importers.sections import is_footer

WIDTH = {"applications": 7, "reviews": 15}


def is_delimited(line: str) -> bool:
    """A table row with its cells delimited: `a | b | c |` or a\tb\tc."""
    return line.count("|") >= 2 or line.strip(" ").count("\t") >= 2


def _cells(line: str) -> list[str]:
    if line.count("|") < 2:
        return [c.strip() for c in line.strip(" \r\n").split("\t")]
    text = line.strip()
    text = text[1:] if text.startswith("|") else text
    text = text[:-1] if text.endswith("|") else text
    return [c.strip() for c in text.split("|")]


def delimited_section(lines: list[str], table: str) -> Section:
    kept = [line for line in lines if is_delimited(line) or "\t" in line.strip(" \r\n")]
    grid = from_texts([_cells(line) for line in kept])
    rows, headers = grid_rows(grid)
    return Section(table=table, rows=rows, text="\n".join(lines), headers=headers)


def cell_section(lines: list[str], table: str, first_line: int = 0) -> Section:
    """One cell per line: runs of figures form rows, the line above a run is its label."""
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
                    values=[token for _, token in piece],
                    chunks=[label] if label else [],
                    before=before,
                    where=f"第 {piece[0][0]} 行",
                    where_en=f"line {piece[0][0]}",
                    blanks_visible=False,
                )
            )
        texts.clear()
        run.clear()

    kept = [(n, line) for n, line in enumerate(lines) if line.strip() and not is_footer(line)]
    numeric = [all(is_value_token(t) for t in line.split()) for _, line in kept]
    for k, (n, line) in enumerate(kept):
        tokens = line.split()
        # a word where a figure should be (“不详”, “abc”) between figures stays a cell
        cell = all(is_value_token(t) or is_cell_like(t) for t in tokens) and (
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


def flat_sections(lines: list[str], spans: dict[str, tuple[int, int]]) -> dict[str, Section]:
    out: dict[str, Section] = {}
    for table, (start, end) in spans.items():
        if table == "narrative":
            continue
        chunk = lines[start:end]
        if any(is_delimited(line) for line in chunk):
            out[table] = delimited_section(chunk, table)
        else:
            out[table] = cell_section(chunk, table, start)
    return out
