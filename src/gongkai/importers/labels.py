"""Label normalisation and matching, and reading the value cells next to the labels.

Printed labels differ from the official ones: full-width and half-width punctuation, 顿号
numbering (1、) next to dotted numbering (1.), 情况/情形, wrapped lines with stray spaces, and
missing characters ("2.其他法律行政止公开"). Labels are compared after normalisation by a
similarity (Dice coefficient over the longest common subsequence), always among the few
candidates allowed at that place of the table, never against the whole catalogue.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

_CN_NUM = "一二三四五六七八九十"
# numbering markers: 一、  （一） (after NFKC: (一))  1.  1、  1）
NUMBERING = re.compile(rf"[{_CN_NUM}]+、|\([{_CN_NUM}]+\)|(?<![\d.])\d{{1,2}}[.、)](?!\d)")
_NOT_WORD = re.compile(r"[\W_]+")

BLANK_MARKERS = frozenset({"—", "——", "-", "--", "－", "/", "／", "无", "空", "—-", "―", "─"})


def clean(text: str) -> str:
    """NFKC, no whitespace at all, 情况 read as 情形."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    return text.replace("情况", "情形")


@lru_cache(maxsize=16384)
def key(text: str) -> str:
    """The comparable core of a label: cleaned, numbering removed, punctuation removed."""
    return _NOT_WORD.sub("", NUMBERING.sub("", clean(text)))


_NOTE = re.compile(r"\([^()]*\)$|\[[^\[\]]*\]$")


def without_note(text: str) -> str:
    """A label without the note printed after it: “规范性文件(指各行政机关印发的有正式文号的文件)”
    -> “规范性文件”. Only a bracketed part at the end goes, so numbering (（一）) stays."""
    return _NOTE.sub("", clean(text))


def leaf(label: str) -> str:
    """The part of an official label after its last numbering marker, as a key.

    "（三）不予公开 1.属于国家秘密" -> "属于国家秘密";
    "三、本年度办理结果（一）予以公开" -> "予以公开".
    """
    text = clean(label)
    markers = list(NUMBERING.finditer(text))
    if markers and markers[-1].end() < len(text):
        text = text[markers[-1].end() :]
    return key(text)


def lcs(a: str, b: str) -> int:
    """Length of the longest common subsequence."""
    if not a or not b:
        return 0
    previous = [0] * (len(b) + 1)
    for ch in a:
        current = [0]
        for j, other in enumerate(b, 1):
            current.append(previous[j - 1] + 1 if ch == other else max(previous[j], current[-1]))
        previous = current
    return previous[-1]


def similarity(a: str, b: str) -> float:
    """Dice coefficient over the longest common subsequence of two keys, 0..1."""
    if not a or not b:
        return 0.0
    return 2 * lcs(a, b) / (len(a) + len(b))


ABRIDGED_MIN = 4  # a printed label this long or longer may be an abridged official one
ABRIDGED_WEIGHT = 0.9


@lru_cache(maxsize=65536)
def match_score(target: str, printed: str) -> float:
    """Similarity of an official key and a printed key, where a shorter printed label that the
    official one contains (宿迁's “1.逾期不补正”, “（二）部分公开”) also counts."""
    score = similarity(target, printed)
    if ABRIDGED_MIN <= len(printed) < len(target):
        score = max(score, ABRIDGED_WEIGHT * lcs(target, printed) / len(printed))
    return score


def best_score(target: str, texts: list[str]) -> float:
    """How well `target` (a key) matches the best of several candidate texts (raw)."""
    return max((match_score(target, key(t)) for t in texts if t), default=0.0)


@dataclass(frozen=True)
class Value:
    """A parsed value cell: the number (None = blank) and a note when the cell said more."""

    number: int | Decimal | None
    note: str | None = None  # e.g. "“—” read as blank"
    yuan: bool = False  # the cell carried 元 (to be converted to 万元)
    unreadable: bool = False


_NUMBER = re.compile(r"^([+-]?)(\d[\d,]*)(?:\.(\d+))?(万元|元|件|个|项|条)?$")


# words printed in a value cell instead of a figure: read as blank with a note, never as labels
UNKNOWN_WORDS = frozenset({"不详", "未知", "未统计", "暂无", "不适用", "待定", "未填", "N/A", "NA"})


def is_cell_like(token: str) -> bool:
    """A token that stands where a figure should (“不详”, “abc”, “1O5”): not a figure, not a
    label (labels are Chinese words; a short ASCII token is a mistyped cell)."""
    text = unicodedata.normalize("NFKC", token).strip()
    if text in UNKNOWN_WORDS:
        return True
    return (
        0 < len(text) <= 12
        and text.isascii()
        and any(ch.isalnum() for ch in text)
        and not is_value_token(text)
    )


def is_value_token(token: str) -> bool:
    token = unicodedata.normalize("NFKC", token).strip()
    return token in BLANK_MARKERS or bool(_NUMBER.match(token.replace(" ", "")))


def parse_value(cell: str | int | float | Decimal | None) -> Value:
    """A cell as a number. Empty stays blank; “—”, “/”, “无” become blank with a note."""
    if cell is None:
        return Value(None)
    if isinstance(cell, bool):
        return Value(None, note=f"“{cell}” 不是数字", unreadable=True)
    if isinstance(cell, int):
        return Value(cell)
    if isinstance(cell, float):
        cell = Decimal(repr(cell))
    if isinstance(cell, Decimal):
        return Value(int(cell) if cell == cell.to_integral_value() else cell)
    text = unicodedata.normalize("NFKC", cell).strip().replace(" ", "")
    if not text:
        return Value(None)
    if text in BLANK_MARKERS:
        return Value(None, note=f"“{cell.strip()}” 按空白（未填报）读取")
    match = _NUMBER.match(text)
    if not match:
        return Value(None, note=f"“{cell.strip()}” 不是数字，按空白读取", unreadable=True)
    sign, whole, fraction, unit = match.groups()
    digits = whole.replace(",", "")
    if fraction:
        number: int | Decimal = Decimal(f"{sign}{digits}.{fraction}")
    else:
        try:
            number = int(f"{sign}{digits}")
        except ValueError:  # pragma: no cover - the pattern only lets digits through
            return Value(None, unreadable=True)
    return Value(number, yuan=unit == "元")


def to_wan(number: int | Decimal) -> Decimal:
    """元 -> 万元."""
    try:
        return (Decimal(number) / Decimal(10000)).normalize()
    except InvalidOperation:  # pragma: no cover
        return Decimal(number)
