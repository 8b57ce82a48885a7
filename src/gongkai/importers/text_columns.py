"""Two reports side by side in one layout text, as comparison tools print them (“2023 年报告”
on the left, “2024 年报告” on the right): split into one text per column.

Each line is cut where its right-hand part starts: after the figures of a table row when a
label follows them; at the second copy of a header printed on both sides; at the one wide gap
of a narrative line; otherwise by the cut of the nearest line where it was certain (a line
starting right of it belongs to the right column only). Section headings printed once across
the page go to both columns. A block under a single “YYYY 年报告” (a table printed below the
other instead of beside it) goes to that year's column.
"""

from __future__ import annotations

import re
from itertools import pairwise

from gongkai.importers.labels import is_value_token
from gongkai.importers.sections import heading_of

_YEARS = re.compile(r"^\s*((?:19|20)\d{2})\s*年报告\s+((?:19|20)\d{2})\s*年报告\s*$")
_ONE_YEAR = re.compile(r"^\s*((?:19|20)\d{2})\s*年报告\s*$")
_GAP = re.compile(r" {3,}")
_REPEATED_HEADERS = ("信息内容", "申请人情况", "法人或其他组织", "第二十条")
TOLERANCE = 4  # characters


def column_years(lines: list[str]) -> tuple[int, int] | None:
    """(left year, right year) when the text prints two reports side by side."""
    header = next((m for line in lines[:40] if (m := _YEARS.match(line))), None)
    if header is None:
        return None
    doubled = sum(1 for line in lines if any(line.count(h) >= 2 for h in _REPEATED_HEADERS))
    return (int(header[1]), int(header[2])) if doubled >= 2 else None


def _sure_cut(line: str) -> int | None:
    """Where the right part starts, when the line itself shows it."""
    tokens = list(re.finditer(r"\S+", line))
    for before, token in pairwise(tokens):
        if is_value_token(before.group()) and not is_value_token(token.group()):
            return token.start()
    chunks = list(re.finditer(r"\S+(?: \S+)*", line))
    if len(chunks) >= 2 and not is_value_token(chunks[0].group()):
        first = chunks[0].group()
        again = line.find(first, chunks[0].end())
        if again > 0:
            return again
    return None


def _cut(line: str, reference: int | None) -> int | None:
    """Where the right part starts (None: the line has no right part; 0: only a right part)."""
    tokens = list(re.finditer(r"\S+", line))
    if not tokens:
        return None
    values = [t for t in tokens if is_value_token(t.group())]
    gaps = list(_GAP.finditer(line.rstrip()))
    if not values and len(gaps) == 1 and tokens[0].start() < gaps[0].start():
        return gaps[0].end()  # a line of narrative in each column
    if reference is None:
        return None
    if tokens[0].start() >= reference - TOLERANCE:
        return 0
    if values:
        # figures only, as many on each side (a wrapped label's figures on both sides)
        if len(values) == len(tokens) and len(values) % 2 == 0:
            return values[len(values) // 2].start()
        return None  # a row of the left table alone
    near = [g.end() for g in gaps if abs(g.end() - reference) <= 3 * TOLERANCE]
    return min(near, key=lambda end: abs(end - reference)) if near else None


def split_columns(lines: list[str], years: tuple[int, int]) -> tuple[list[str], list[str]]:
    """The left and the right column's lines."""
    cuts = [_sure_cut(line) for line in lines]
    sure = [n for n, c in enumerate(cuts) if c is not None]
    left: list[str] = []
    right: list[str] = []
    stacked: list[str] | None = None  # the column a one-year block goes to
    heading_for: dict[int, str] = {}
    for n, line in enumerate(lines):
        if _YEARS.match(line):
            continue
        if one := _ONE_YEAR.match(line):
            stacked = left if int(one[1]) == years[0] else right
            if heading_for.get(id(stacked)) is None and heading_for:
                stacked.append(next(iter(heading_for.values())))
            continue
        if heading_of(line):
            if stacked is not None and heading_of(line) != "end":
                stacked.append(line)
                heading_for[id(stacked)] = line
                continue
            stacked = None
            left.append(line)
            right.append(line)
            continue
        if stacked is not None:
            stacked.append(line)
            continue
        cut = cuts[n]
        if cut is None:
            nearest = min(sure, key=lambda k: abs(k - n), default=None)
            cut = _cut(line, cuts[nearest] if nearest is not None else None)
        if cut is None:
            left.append(line)
        else:
            left.append(line[:cut].rstrip())
            right.append(" " * cut + line[cut:])
    return left, right
