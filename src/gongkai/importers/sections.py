"""Split a report's text into its parts by the fixed headings of the annual report:
一、总体情况 (the narrative), 二、主动公开政府信息情况 (表二), 三、收到和处理政府信息公开申请情况
(表三), 四、政府信息公开行政复议、行政诉讼情况 (表四), 五、存在的主要问题及改进情况."""

from __future__ import annotations

import re
from itertools import pairwise

from gongkai.importers.labels import clean

# part -> words its heading holds (after clean(): no spaces, NFKC, 情况 read as 情形)
HEADINGS = {
    "narrative": ("总体情形",),
    "proactive": ("主动公开政府信息情形",),
    "applications": ("收到和处理政府信息公开申请",),
    "reviews": ("政府信息公开行政复议", "行政诉讼情形"),
    "end": ("存在的主要问题",),
}
_MAX_HEADING = 40
_FOOTER = re.compile(r"^\s*(?:[-—－]\s*\d{1,3}\s*[-—－]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)\s*$")


def is_footer(line: str) -> bool:
    return bool(_FOOTER.match(line))


def heading_of(line: str) -> str | None:
    text = clean(line)
    if not text or len(text) > _MAX_HEADING:
        return None
    for part, words in HEADINGS.items():
        if all(w in text for w in words):
            return part
    return None


def split(lines: list[str]) -> dict[str, tuple[int, int]]:
    """part -> (first line, end line) of the lines under its heading (first heading wins)."""
    marks: list[tuple[int, str]] = []
    seen: set[str] = set()
    for n, line in enumerate(lines):
        part = heading_of(line)
        if part and part not in seen:
            seen.add(part)
            marks.append((n, part))
    spans: dict[str, tuple[int, int]] = {}
    for (start, part), (end, _) in pairwise([*marks, (len(lines), "")]):
        if part != "end":
            spans[part] = (start + 1, end)
    return spans


def narrative(lines: list[str], spans: dict[str, tuple[int, int]] | None = None) -> str:
    """The text of 一、总体情况, or all text before the first table when that heading is absent."""
    spans = split(lines) if spans is None else spans
    if "narrative" in spans:
        start, end = spans["narrative"]
        return "\n".join(lines[start:end])
    first_table = min((start for start, _ in spans.values()), default=len(lines) + 1)
    return "\n".join(lines[: first_table - 1])
