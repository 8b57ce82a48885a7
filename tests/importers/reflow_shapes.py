"""The shapes a report's tables take when a web page, a mirror or a word processor prints
them as text (issue 11): how each printed row becomes a line. `reflow` prints a report in them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Line = list[str]  # one printed table row: its cells ("" = an empty cell)
WRAP = 16  # characters of a label on one line, where a narrow column wraps it


@dataclass(frozen=True)
class Shape:
    name: str
    join: Callable[[Line], str]  # one printed row as a line of text
    cell_per_line: bool = False  # every cell on its own line
    blanks_visible: bool = True  # False: an empty cell leaves no trace
    residue: bool = False  # merged cells leave empty cells behind
    group_labels: bool = False
    notes: bool = False
    split_headers: bool = False
    typos: bool = False
    cut_short: bool = False
    example: str = ""  # one line of the shape, for docs/importing.md


def _pipes(cells: Line) -> str:
    return " | ".join(cells) + " |"


def _residue(cells: Line) -> str:
    # leading pipe, doubled pipes, trailing empty cells: what merged cells leave
    return "| " + " | ".join(cells) + " | ||"


MIXED_STYLES: list[Callable[[Line], str]] = [
    _pipes,
    _residue,
    lambda c: "\t" + "\t".join(c) + "\t\t",
    lambda c: "｜" + "｜".join(c) + "｜",
]


def _label_residue(cells: Line) -> str:
    """A doubled separator after each label (a label merged over two columns); a row of
    figures without a label has none."""
    if cells[0].isdigit() or not cells[0]:
        return _pipes(cells)
    return "|" + cells[0] + "||" + "|".join(cells[1:]) + "|"


def _mixed(cells: Line) -> str:
    """Each line separated its own way, as a page assembled from several copies is (the way
    chosen by the line's own text, so the same report always prints the same)."""
    return MIXED_STYLES[sum(map(ord, "".join(cells))) % len(MIXED_STYLES)](cells)


SHAPES = [
    Shape("pipes", _pipes, example="规章 | 0 | 0 | 0 |"),
    Shape("pipes-residue", _residue, residue=True, example="| 行政许可 | 12 | | | ||"),
    Shape(
        "group-labels",
        _pipes,
        group_labels=True,
        example="三、本年度办理结果 | （一）予以公开 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |",
    ),
    Shape(
        "label-notes",
        _pipes,
        notes=True,
        example="规范性文件(指各行政机关印发的有正式文号的文件) | 2 | 0 | 83 |",
    ),
    Shape(
        "label-typos",
        _pipes,
        typos=True,
        example="2.其他法律行政止公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
    ),
    Shape(
        "split-headers", _pipes, split_headers=True, example="结果 | 结果 | 其他 | 尚未 | 总计 |"
    ),
    Shape("label-residue", _label_residue, example="|规章||0|0|0|"),
    Shape(
        "mixed-separators",
        _mixed,
        residue=True,
        example="\t行政处罚\t2776\t\t",
    ),
    Shape("cells-pipes", lambda c: c[0] + " |", cell_per_line=True, example="行政规范性文件 |"),
    Shape(
        "cells", lambda c: c[0], cell_per_line=True, blanks_visible=False, example="行政规范性文件"
    ),
    Shape(
        "cells-group-labels",
        lambda c: c[0],
        cell_per_line=True,
        blanks_visible=False,
        group_labels=True,
        example="（三）不予公开",
    ),
    Shape(
        "spaces-group-labels",
        lambda c: "   ".join(x for x in c if x),
        blanks_visible=False,
        group_labels=True,
        notes=True,
        example="三、本年度办理结果   （一）予以公开   3   0   0   0   0   0   3",
    ),
    Shape(
        "cells-wrapped-labels",
        lambda c: c[0] if len(c[0]) <= WRAP else c[0][:WRAP] + "\n" + c[0][WRAP:],
        cell_per_line=True,
        blanks_visible=False,
        example="（二）部分公开（区分处理的，只计 / 这一情形，不计其他情形）",
    ),
    Shape(
        "spaces-wrapped-labels",
        lambda c: (
            "  ".join(x for x in c if x)
            if len(c[0]) <= WRAP
            else c[0][:WRAP] + "\n" + "  ".join(x for x in [c[0][WRAP:], *c[1:]] if x)
        ),
        blanks_visible=False,
        example="（二）部分公开（区分处理的，只计 / 这一情形，不计其他情形）  447  7  0  0  0  0",
    ),
    Shape(
        "pipes-wrapped-labels",
        lambda c: _pipes([c[0][:WRAP] + "\n" + c[0][WRAP:], *c[1:]] if len(c[0]) > WRAP else c),
        example="（二）部分公开（区分处理的，只计 / 这一情形，不计其他情形） | 447 | 7 | 0 |",
    ),
    Shape("tabs", "\t".join, example="规章\t0\t0\t0"),
    Shape(
        "tabs-residue",
        lambda c: "\t" + "\t".join(c) + "\t\t",
        residue=True,
        example="\t行政许可\t12\t\t\t\t",
    ),
    Shape(
        "full-width-bars",
        lambda c: "｜" + "｜".join(c) + "｜",
        example="｜规章｜0｜0｜0｜",
    ),
    Shape(
        "spaces",
        lambda c: "  ".join(x for x in c if x),
        blanks_visible=False,
        example="行政规范性文件  2  0  7",
    ),
    Shape(
        "cut-short",
        _pipes,
        cut_short=True,
        example="1.本机关不掌握相关政府信息 | 746 | 12 | 0 |  (the page ends)",
    ),
    Shape(
        "cut-short-cells",
        lambda c: c[0],
        cell_per_line=True,
        blanks_visible=False,
        cut_short=True,
        example="1.本机关不掌握相关政府信息 / 746 / 12 / 0 (the page ends)",
    ),
    Shape(
        "cut-short-spaces",
        lambda c: "  ".join(x for x in c if x),
        blanks_visible=False,
        cut_short=True,
        example="1.本机关不掌握相关政府信息  746  12  0 (the page ends)",
    ),
    Shape(
        "everything",
        _residue,
        residue=True,
        group_labels=True,
        notes=True,
        split_headers=True,
        typos=True,
        example="| （四）无法提供 | 1.本机关不掌握相关政府信息（含经检索没有所需信息的） | 1 | ||",
    ),
]
