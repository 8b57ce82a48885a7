"""表三 from labelled rows: every row mapped to its item by label, in the printed order.

Rows are aligned to the item sequence of a format (dynamic programming over label
similarity, so items stay in order and a row matches only the items allowed at its place).
Rows whose label could not be read (plain pdftotext moves some labels away from their
numbers) are placed by position between matched rows when the counts agree. Both item
sequences are tried — the 2021 one and the 2019 one with （六）其他处理 as a single row — and
the one that fits better says how the table was printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from gongkai.importers.columns import assign
from gongkai.importers.labels import leaf
from gongkai.importers.result import deviation, note
from gongkai.importers.rows import Row, Section
from gongkai.standard import load_standard
from gongkai.validation.issues import Issue

THRESHOLD = 0.55
OTHER_ROWS = ("other_not_corrected", "other_fee_unpaid", "other_other")


@dataclass
class Alignment:
    layout: str  # the format whose item sequence was used: 2021 or 2019
    codes: list[str]
    matches: dict[int, int]  # row index -> item index
    by_position: set[int]
    score: float


def _align(rows: list[Row], layout: str) -> Alignment:
    items = load_standard().format(layout).table("applications").items
    keys = [leaf(i.label) for i in items]
    n, m = len(rows), len(items)
    scores = [[rows[r].score(keys[c]) for c in range(m)] for r in range(n)]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    step: list[list[str]] = [[""] * (m + 1) for _ in range(n + 1)]
    for r in range(1, n + 1):
        step[r][0] = "skip-row"
    for c in range(1, m + 1):
        step[0][c] = "skip-item"
    for r in range(1, n + 1):
        for c in range(1, m + 1):
            options = [(best[r - 1][c], "skip-row"), (best[r][c - 1], "skip-item")]
            s = scores[r - 1][c - 1]
            if s >= THRESHOLD:
                options.append((best[r - 1][c - 1] + s, "match"))
            best[r][c], step[r][c] = max(options)
    matches: dict[int, int] = {}
    r, c = n, m
    while r > 0 or c > 0:
        move = step[r][c]
        if move == "match":
            matches[r - 1] = c - 1
            r, c = r - 1, c - 1
        elif move == "skip-row":
            r -= 1
        else:
            c -= 1
    by_position = _fill_gaps(n, m, matches)
    unfilled = m - len(matches)
    unused = n - len(matches)
    total = sum(scores[r][c] for r, c in matches.items() if r not in by_position)
    total += 0.5 * len(by_position) - unfilled - 0.5 * unused
    return Alignment(layout, [i.code for i in items], matches, by_position, total)


def _fill_gaps(n: int, m: int, matches: dict[int, int]) -> set[int]:
    """Place unmatched rows between two matched ones when as many items are free there."""
    placed: set[int] = set()
    anchors = sorted(matches.items())
    bounds = [(-1, -1), *anchors, (n, m)]
    for (r0, c0), (r1, c1) in pairwise(bounds):
        free_rows = list(range(r0 + 1, r1))
        free_items = list(range(c0 + 1, c1))
        if free_rows and len(free_rows) == len(free_items):
            for r, c in zip(free_rows, free_items, strict=True):
                matches[r] = c
                placed.add(r)
    return placed


def read_applications(
    section: Section, fmt: str | None
) -> tuple[list[dict[str, Any]], str, list[Issue]]:
    """The 表三 rows of format `fmt` (or of the layout found, when `fmt` is None)."""
    rows = [r for r in section.rows if r.values]
    candidates = [_align(rows, layout) for layout in ("2021", "2019")]
    chosen = max(candidates, key=lambda a: a.score)
    if fmt is not None and chosen.layout != fmt and not _prints_other(chosen):
        # the layouts differ only in （六）其他处理: a table that does not print that part (a
        # page cut short before it) says nothing about its layout
        chosen = next(a for a in candidates if a.layout == fmt)
    fmt = fmt or chosen.layout
    table = load_standard().format(fmt).table("applications")
    fields = [f for f in table.fields if f.is_value]
    issues: list[Issue] = []
    read: dict[str, dict[str, Any]] = {}
    for r, c in sorted(chosen.matches.items()):
        row, code = rows[r], chosen.codes[c]
        values, cell_notes = assign(
            row.values,
            fields,
            resource="applications",
            item=code,
            headers=section.headers,
            blanks_visible=row.blanks_visible,
            where=row.where,
            where_en=row.where_en,
            cells=row.cells,
        )
        read[code] = values
        issues += cell_notes
        if r in chosen.by_position:
            issues.append(
                note(
                    "matched-by-position",
                    f"{row.where} 的标签无法识别（“{row.shown()[:30]}”），按所在位置读作此事项",
                    f"{row.where_en}: label not recognised; read as this item by its position",
                    resource="applications",
                    item=code,
                )
            )
    if chosen.layout != fmt:
        read, more = _convert_other(read, chosen.layout, fmt, [f.name for f in fields])
        issues += more
    out = []
    for item in table.items:
        if item.code in read:
            values = read[item.code]
        else:
            values = dict.fromkeys((f.name for f in fields), None)
            issues.append(
                note(
                    "item-not-found",
                    f"未找到“{item.label}”这一行，按空白读取",
                    f"row “{item.code}” not found; left blank",
                    resource="applications",
                    item=item.code,
                )
            )
        out.append({"item": item.code, **values})
    return out, chosen.layout, issues


def _prints_other(alignment: Alignment) -> bool:
    """Whether a row was matched to （六）其他处理 of the alignment's layout."""
    codes = {alignment.codes[c] for c in alignment.matches.values()}
    return bool(codes & {"other", *OTHER_ROWS})


def _convert_other(
    read: dict[str, dict[str, Any]], layout: str, fmt: str, names: list[str]
) -> tuple[dict[str, dict[str, Any]], list[Issue]]:
    """（六）其他处理 printed in the other format's shape (STANDARD.md §2.3)."""
    if layout == "2019":  # one row printed, three expected
        single: dict[str, Any] = read.pop("other", {})
        split: dict[str, Any] = {}
        for name in names:
            value = single.get(name)
            split[name] = 0 if value == 0 else None
        for code in OTHER_ROWS:
            read[code] = dict(split)
        positive = [n for n in names if single.get(n)]
        zh = (
            "2021 格式的年度，表三的“（六）其他处理”却印成一行（2019 格式）；"
            "该行为 0 的列，三个子项均记为 0"
            + (
                f"；该行为正数的列（{', '.join(positive)}）无法拆分，三个子项留空"
                if positive
                else ""
            )
        )
        en = (
            "table 3 prints “（六）其他处理” (other) as one row (2019 layout) in a 2021-format "
            "year; where it is 0 the three rows are 0"
            + (
                f"; where it is positive ({', '.join(positive)}) they are left blank"
                if positive
                else ""
            )
        )
        return read, [deviation(zh, en, resource="applications", item="other_not_corrected")]
    merged: dict[str, Any] = {}
    parts: list[dict[str, Any]] = [read.pop(code, {}) for code in OTHER_ROWS]
    for name in names:
        cells = [p.get(name) for p in parts]
        merged[name] = None if any(v is None for v in cells) else sum(cells)
    read["other"] = merged
    zh = "2019 格式的报告，表三的“（六）其他处理”却分三行印制（2021 格式）；按三行之和读取"
    en = (
        "table 3 prints “（六）其他处理” (other) as three rows (2021 layout) in a 2019-format "
        "report; summed"
    )
    return read, [deviation(zh, en, resource="applications", item="other")]
