"""Figures stated in the narrative (一、总体情况) checked against the tables.

“全市共受理政府信息公开申请 3119 件”, “政府信息公开行政复议 351 件，其中结果维持 72 件…”:
each sentence pattern names the table cells it states. A stated figure that differs from
the cells is a `narrative-mismatch` warning; where a cell is blank nothing is checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from gongkai.importers.result import note
from gongkai.validation.issues import WARNING, Issue

Tables = dict[str, list[dict[str, Any]]]


def _cell(tables: Tables, table: str, field: str, item: str | None = None) -> int | None:
    for row in tables.get(table, []):
        if item is None or row.get("item") == item:
            value = row.get(field)
            return value if isinstance(value, int) else None
    return None


def _sum(*values: int | None) -> int | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def _items(tables: Tables, prefix: str) -> int | None:
    rows = [r for r in tables.get("applications", []) if str(r.get("item", "")).startswith(prefix)]
    return _sum(*(r.get("total") for r in rows)) if rows else None


def _t3(item: str) -> Callable[[Tables], list[int | None]]:
    return lambda t: [_cell(t, "applications", "total", item)]


@dataclass(frozen=True)
class Check:
    pattern: str
    item: str | None  # where the warning points
    field: str
    table: str
    what_zh: str
    what_en: str
    expected: Callable[[Tables], list[int | None]]  # any of these values agrees


def _suit(part: str) -> Callable[[Tables], list[int | None]]:
    return lambda t: [
        _sum(
            _cell(t, "reviews", f"suit_direct_{part}"),
            _cell(t, "reviews", f"suit_after_review_{part}"),
        )
    ]


CHECKS = (
    Check(
        r"(?:受理|收到|收办|接收)[^。；，,]{0,12}?申请(?:案件)?\s*(\d+)\s*件",
        "new_received",
        "total",
        "applications",
        "受理申请",
        "applications received",
        lambda t: [
            _cell(t, "applications", "total", "new_received"),
            _sum(
                _cell(t, "applications", "total", "new_received"),
                _cell(t, "applications", "total", "carried_over"),
            ),
        ],
    ),
    Check(
        r"答复\s*(\d+)\s*件",
        "results_total",
        "total",
        "applications",
        "答复",
        "answered",
        _t3("results_total"),
    ),
    Check(
        r"上年度?结转(?:申请)?\s*(\d+)\s*件",
        "carried_over",
        "total",
        "applications",
        "上年结转",
        "carried over",
        _t3("carried_over"),
    ),
    Check(
        r"(?:另有\s*(\d+)\s*件顺延到下年度|转下年度办理\s*(\d+)\s*件)",
        "carried_forward",
        "total",
        "applications",
        "结转下年度",
        "carried forward",
        _t3("carried_forward"),
    ),
    Check(
        r"(?<!不)予以公开\s*(\d+)\s*件",
        "granted",
        "total",
        "applications",
        "予以公开",
        "granted",
        _t3("granted"),
    ),
    Check(
        r"部分公开\s*(\d+)\s*件",
        "partially_granted",
        "total",
        "applications",
        "部分公开",
        "partially granted",
        _t3("partially_granted"),
    ),
    Check(
        r"不予公开\s*(\d+)\s*件",
        "withheld_state_secret",
        "total",
        "applications",
        "不予公开（合计）",
        "withheld (sum)",
        lambda t: [_items(t, "withheld_")],
    ),
    Check(
        r"无法提供\s*(\d+)\s*件",
        "unavailable_not_held",
        "total",
        "applications",
        "无法提供（合计）",
        "unavailable (sum)",
        lambda t: [_items(t, "unavailable_")],
    ),
    Check(
        r"不予处理\s*(\d+)\s*件",
        "declined_complaint",
        "total",
        "applications",
        "不予处理（合计）",
        "declined (sum)",
        lambda t: [_items(t, "declined_")],
    ),
    Check(
        r"其他处理[^。；;\d]{0,20}(\d+)\s*件",
        None,
        "total",
        "applications",
        "其他处理（合计）",
        "other handling (sum)",
        lambda t: [_items(t, "other")],
    ),
    Check(
        r"行政复议(?:案件)?\s*(\d+)\s*件",
        None,
        "review_total",
        "reviews",
        "行政复议总计",
        "reviews total",
        lambda t: [_cell(t, "reviews", "review_total")],
    ),
    Check(
        r"行政诉讼(?:案件)?\s*(\d+)\s*件",
        None,
        "suit_direct_total",
        "reviews",
        "行政诉讼总计（两类之和）",
        "lawsuits total (both kinds)",
        _suit("total"),
    ),
)
# “其中结果维持 72 件，结果纠正 64 件，其他结果 178 件，尚未审结 37 件” after a total
_BREAKDOWN = {
    "结果维持": "upheld",
    "结果纠正": "corrected",
    "其他结果": "other",
    "尚未审结": "pending",
}


def narrative_issues(text: str, tables: Tables) -> list[Issue]:
    text = re.sub(r"\s+", "", text)
    issues: list[Issue] = []
    for check in CHECKS:
        for match in re.finditer(check.pattern, text):
            stated = int(next(g for g in match.groups() if g))
            issues += _compare(check, stated, check.expected(tables), match.group(0))
            if check.table == "reviews":
                issues += _breakdown(check, text[match.end() : match.end() + 80], tables)
            break
    return issues


def _compare(
    check: Check,
    stated: int,
    expected: list[int | None],
    quote: str,
    *,
    field: str | None = None,
    what: tuple[str, str] | None = None,
) -> list[Issue]:
    known = [v for v in expected if v is not None]
    if not known or stated in known:
        return []
    zh_what, en_what = what or (check.what_zh, check.what_en)
    issue = note(
        "narrative-mismatch",
        f"正文“{quote}”称{zh_what}为 {stated}，表格为 {known[0]}",
        f"the text (“{quote}”) states {en_what} as {stated}; the table has {known[0]}",
        resource=check.table,
        item=check.item,
        field=field or check.field,
        severity=WARNING,
    )
    return [replace(issue, expected=known[0], found=stated)]  # the table's, the text's


def _breakdown(check: Check, rest: str, tables: Tables) -> list[Issue]:
    rest = re.split(r"[；;。]|行政诉讼|行政复议", rest)[0]
    issues: list[Issue] = []
    for word, part in _BREAKDOWN.items():
        match = re.search(rf"{word}\s*(\d+)\s*件", rest)
        if not match:
            continue
        if check.field == "review_total":
            field = f"review_{part}"
            expected = [_cell(tables, "reviews", field)]
        else:
            field = f"suit_direct_{part}"
            expected = _suit(part)(tables)
        issues += _compare(
            check,
            int(match.group(1)),
            expected,
            match.group(0),
            field=field,
            what=(f"{check.what_zh[:4]}{word}", f"{check.what_en.split()[0]} {part}"),
        )
    return issues
