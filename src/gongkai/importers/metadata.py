"""Report details from the text: the agency's name and the year from the title line
(“淮安市人民政府 2024 年政府信息公开工作年度报告”, the name sometimes on the line above), the
publication date from “发布时间” or the date under the signature; a guess of level and scope
from the name."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from gongkai.importers.result import Details

_TITLE = re.compile(
    r"^(?P<name>[^\s，,。：:；;（()）]{0,40}?)\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*"
    r"政府信息公开(?:工作)?年度报告$"
)
_NAME_LINE = re.compile(r"^[^\s，,。：:；;0-9]{2,40}$")
_PUBLISHED = re.compile(
    r"(?:发布时间|发布日期|成文日期)\s*[:：]?\s*(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})"
)
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# a signature date in Chinese numerals: 二〇二三年一月十日
_CN_DIGITS = {c: str(n) for n, c in enumerate("〇一二三四五六七八九")} | {
    "零": "0",
    "○": "0",
    "Ｏ": "0",
}
_CN_DATE = re.compile(
    r"([〇零○Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日"
)
_LEVELS = (
    ("township", ("街道办事处", "街道", "镇", "乡")),
    ("county", ("区", "县", "旗")),
    ("city", ("市", "州", "盟")),
    ("province", ("省", "自治区")),
)
NATIONAL_REGION = "100000"  # STANDARD.md §2.1: the region code of 国务院部门
_ORGAN_WORDS = re.compile(r"人民政府|办公室|委员会|局|厅|部|署|院|中心|办事处")


def _lines(text: str) -> list[str]:
    return [unicodedata.normalize("NFKC", line).strip() for line in text.splitlines()]


def read_details(text: str) -> Details:
    details = Details()
    lines = _lines(text)
    for n, line in enumerate(lines[:60]):
        compact = re.sub(r"\s+", "", line)
        match = _TITLE.match(compact)
        if not match:
            continue
        details.year = int(match["year"])
        name = match["name"]
        if not name:
            above = next((x for x in reversed(lines[max(0, n - 3) : n]) if x), "")
            name = re.sub(r"\s+", "", above) if _NAME_LINE.match(re.sub(r"\s+", "", above)) else ""
        details.agency_name = name or None
        break
    details.published_on = _published(lines)
    if details.agency_name:
        details.scope = "government" if details.agency_name.endswith("人民政府") else "agency"
        details.level = guess_level(details.agency_name)
        if details.level == "national":
            details.region_code = NATIONAL_REGION
    return details


def _published(lines: list[str]) -> dt.date | None:
    for line in lines:
        if match := _PUBLISHED.search(line):
            return _date(*match.groups())
    # the date under the signature: the last date line near the end
    for line in reversed(lines[-12:]):
        compact = re.sub(r"\s+", "", line)
        if (match := _DATE.fullmatch(compact)) is not None:
            return _date(*match.groups())
        if (match := _CN_DATE.fullmatch(compact)) is not None:
            year = "".join(_CN_DIGITS[c] for c in match[1])
            return _date(year, str(_cn_number(match[2])), str(_cn_number(match[3])))
    return None


def _cn_number(text: str) -> int:
    """一 … 三十一 as a number (months and days)."""
    if "十" not in text:
        return int(_CN_DIGITS[text])
    tens, _, units = text.partition("十")
    return (int(_CN_DIGITS[tens]) if tens else 1) * 10 + (int(_CN_DIGITS[units]) if units else 0)


def _date(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


_NATIONAL = ("国务院", "国家", "中华人民共和国", "中国")


def guess_level(name: str) -> str | None:
    """The level of the smallest area named before the organ words (洪泽区人民政府 -> county);
    国务院 and national bodies (国家…局, 中华人民共和国…部) are national."""
    if name.startswith(_NATIONAL):
        return "national"
    area = _ORGAN_WORDS.split(name)[0] if _ORGAN_WORDS.search(name) else name
    best: tuple[int, str] | None = None
    for level, suffixes in _LEVELS:
        for suffix in suffixes:
            pos = area.rfind(suffix)
            if pos >= 1 and (best is None or pos > best[0]):
                best = (pos, level)
    return best[1] if best else None
