"""Text from `pdftotext -layout` (or pdfplumber's layout text): one printed table row per line,
label at the left, the figures at the right; wrapped labels and the vertical
三、本年度办理结果 letters land on the lines around the figures."""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from gongkai.importers.labels import clean, is_cell_like, is_value_token, key
from gongkai.importers.rows import Row, Section
from gongkai.importers.sections import is_footer

_CHUNK_GAP = re.compile(r"\s{2,}")
_CHUNK = re.compile(r"\S+(?: \S+)*")  # a run of text without wide gaps
_INFO_HEADER = "信息内容"  # 表二's first column header, before the column headers of a block
MIN_LAYOUT_ROWS = 5  # lines with this many figures or more make a table layout text
WIDTHS = {"applications": 7, "reviews": 15}  # figures per row
COLUMN_TOLERANCE = 3  # characters between a figure's end and its column's


def _split(line: str) -> tuple[str, list[re.Match[str]]]:
    tokens = list(re.finditer(r"\S+", line))
    start = len(tokens)
    while start > 0:
        token = tokens[start - 1].group()
        # a word where a figure should be (“不详”) stays a cell of its column, when figures follow
        cell = is_cell_like(token) and start < len(tokens) and start > 1
        if not (is_value_token(token) or cell):
            break
        start -= 1
    if start == len(tokens):
        return line.strip(), []
    label = line[: tokens[start].start()] if start else ""
    return label.strip(), tokens[start:]


def split_line(line: str) -> tuple[str, list[str]]:
    """(label text, trailing value tokens) of one line."""
    label, tokens = _split(line)
    return label, [t.group() for t in tokens]


def chunks_of(text: str) -> list[str]:
    """Label runs separated by wide gaps, without stray single letters of vertical labels."""
    return [c for c in _CHUNK_GAP.split(text.strip()) if len(key(c)) > 1]


def looks_like_layout(lines: list[str], width: int = 5) -> bool:
    wide = sum(1 for line in lines if len(split_line(line)[1]) >= width)
    return wide >= MIN_LAYOUT_ROWS


def section_rows(lines: list[str], table: str, first_line: int = 0) -> Section:
    """The rows of one table's lines."""
    rows: list[Row] = []
    ends: list[list[int]] = []  # where each figure of a row ends on its line
    last_words: list[re.Match[str] | None] = []  # the last word of each row's label
    pending: list[str] = []
    header: list[tuple[int, int]] = []  # 表二: where the column headers of the block stand
    label_ends: list[int] = []  # where each row's label ends on its line
    block = 0  # 表二: the block (column headers) a row is under
    aligned: set[int] = set()  # 表二: blocks with a complete row standing under its headers
    partial: list[tuple[Row, list[tuple[int, int]], list[tuple[int, int]], Any, int]] = []
    # the widths of the gaps between figures: text that keeps horizontal positions has figures
    # right-aligned in columns, so its gaps vary; cells merely apart by a run of spaces (`2  0
    # 7`) have one gap throughout, and their positions say nothing about columns
    gaps: set[int] = set()
    for n, line in enumerate(lines):
        if not line.strip() or is_footer(line):
            continue
        label, tokens = _split(line)
        values = [t.group() for t in tokens]
        chunks = chunks_of(label)
        if table == "proactive" and not values and clean(line).startswith(_INFO_HEADER):
            header = [m.span() for m in _CHUNK.finditer(line)][1:]
            block += 1
        if not values or (table != "proactive" and not chunks and len(values) == 1):
            if chunks:
                text = " ".join(chunks)
                pending.append(text)
                if rows and len(rows[-1].after) < 3:
                    rows[-1].after.append(text)
            continue
        row = Row(
            label=" ".join(chunks),
            values=values,
            chunks=chunks,
            before=pending[-3:],
            where=f"第 {first_line + n + 1} 行",
            where_en=f"line {first_line + n + 1}",
            blanks_visible=False,
        )
        words = list(re.finditer(r"\S+", line[: tokens[0].start()]))
        last_word = words[-1] if len(words) > 1 else None  # a label's last word, maybe a cell
        spans = [t.span() for t in tokens]
        if table == "proactive" and 0 < len(values) < len(header):
            partial.append((row, spans, header, last_word, block))
        elif (
            table == "proactive"
            and len(values) == len(header) > 1
            and all(_under(span, h) for span, h in zip(spans, header, strict=True))
        ):
            aligned.add(block)
        rows.append(row)
        ends.append([t.end() for t in tokens])
        last_words.append(last_word)
        label_ends.append(len(line[: tokens[0].start()].rstrip()))
        gaps.update(b[0] - a[1] for a, b in pairwise(spans))
        pending = []
    if len(gaps) < 2:
        return Section(table=table, rows=rows, text="\n".join(lines))  # no positions kept
    for row, spans, heads, word, at in partial:
        if at in aligned:  # the headers' positions hold for this block's figures
            _place_under_headers(row, spans, heads, word)
    if table in WIDTHS:
        _place_blanks(rows, ends, WIDTHS[table], last_words, label_ends)
    return Section(table=table, rows=rows, text="\n".join(lines))


def _under(span: tuple[int, int], header: tuple[int, int]) -> bool:
    middle = (span[0] + span[1]) / 2
    return header[0] - COLUMN_TOLERANCE <= middle <= header[1] + COLUMN_TOLERANCE


NEIGHBOURS = 8  # complete rows looked at for a second one that confirms the columns


def _columns(i: int, full: list[tuple[int, list[int]]], label_ends: list[int]) -> list[int] | None:
    """The columns of the complete row nearest row i, when the text keeps horizontal
    positions: another complete row nearby, whose label ends elsewhere, has its figures end at
    the same places. Text whose cells are merely apart by runs of spaces has its figures
    follow its labels, so no such row confirms it, and nothing is placed by position."""
    near = sorted(full, key=lambda f: abs(f[0] - i))[:NEIGHBOURS]
    if not near:
        return None
    first, columns = near[0]
    for other, ends in near[1:]:
        if abs(label_ends[other] - label_ends[first]) >= 2 and all(
            abs(a - b) <= COLUMN_TOLERANCE for a, b in zip(columns, ends, strict=True)
        ):
            return columns
    return None


def _place_blanks(
    rows: list[Row],
    ends: list[list[int]],
    width: int,
    last_words: list[re.Match[str] | None],
    label_ends: list[int],
) -> None:
    """A row with fewer figures than columns: empty cells leave no text, but the figures
    printed stand under the columns of the nearest complete row (pdftotext -layout keeps
    horizontal positions). Each figure goes to the column it ends under, within a few
    characters; the others are blank. When a figure fits no column, or fewer than half the
    figures are printed, the row stays unplaced."""
    full = [(i, e) for i, e in enumerate(ends) if len(e) == width]
    for i, row in enumerate(rows):
        if not width / 2 <= len(row.values) < width:
            continue  # complete, or too few figures to be a row of this table
        columns = _columns(i, full, label_ends)
        if columns is None:
            continue
        cells = [""] * width
        for token, end in zip(row.values, ends[i], strict=True):
            col = min(range(width), key=lambda c: abs(columns[c] - end))
            if abs(columns[col] - end) > COLUMN_TOLERANCE or cells[col]:
                break
            cells[col] = token
        else:
            word = last_words[i]
            if word is not None and not cells[0]:
                _take_word_cell(row, cells, columns, word)
            row.values, row.blanks_visible = cells, True


def _take_word_cell(row: Row, cells: list[str], columns: list[int], word: re.Match[str]) -> None:
    """A word standing under the first value column (“见附件” where 自然人's figure should be)
    is that column's cell, not the end of the label: it goes to the cell, where it is read as
    blank with a note, instead of vanishing into the label."""
    if abs(columns[0] - word.end()) <= COLUMN_TOLERANCE:
        cells[0] = word.group()
        _drop_from_label(row, word.group())


def _drop_from_label(row: Row, text: str) -> None:
    row.label = (
        row.label[: row.label.rfind(text)].rstrip() if row.label.endswith(text) else row.label
    )
    if row.chunks and row.chunks[-1].endswith(text):
        rest = row.chunks[-1][: -len(text)].rstrip()
        row.chunks = [*row.chunks[:-1], rest] if rest else row.chunks[:-1]


def _place_under_headers(
    row: Row,
    spans: list[tuple[int, int]],
    header: list[tuple[int, int]],
    last_word: re.Match[str] | None = None,
) -> None:
    """表二: a row with fewer figures than its block's column headers; each figure goes to the
    header whose middle is nearest its own, when it stands under that header (within a few
    characters); the other cells are blank. A word of the label standing under the first
    header (“见附件”) is that column's cell (read as blank with a note), not label."""
    cells = [""] * len(header)
    for token, span in zip(row.values, spans, strict=True):
        middle = (span[0] + span[1]) / 2
        col = min(range(len(header)), key=lambda c: abs(sum(header[c]) / 2 - middle))
        if not _under(span, header[col]) or cells[col]:
            return
        cells[col] = token
    if last_word is not None and not cells[0] and _under(last_word.span(), header[0]):
        cells[0] = last_word.group()
        _drop_from_label(row, last_word.group())
    row.values, row.blanks_visible = cells, True


def read_sections(lines: list[str], spans: dict[str, tuple[int, int]]) -> dict[str, Section]:
    return {
        table: section_rows(lines[start:end], table, start)
        for table, (start, end) in spans.items()
        if table != "narrative"
    }
