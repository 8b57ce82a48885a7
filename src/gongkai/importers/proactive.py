"""表二 from labelled rows: each printed row (规章, 行政规范性文件, 行政许可 …) matched by its
label to a group of columns of the format, whose values follow in printed order."""

from __future__ import annotations

import re
from typing import Any

from gongkai.importers.columns import assign
from gongkai.importers.labels import clean, key, similarity, without_note
from gongkai.importers.result import note
from gongkai.importers.rows import Section
from gongkai.standard import Field, load_standard
from gongkai.validation.issues import Issue

THRESHOLD = 0.6
# column headers that only one format prints
_HEADERS = {
    "2021": ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额"),
    "2019": ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "采购总金额"),
}
_YUAN = re.compile(r"单位[:：]?元|\(元\)|（元）")


def detect_format(text: str) -> str | None:
    """The format whose 表二 column headers the text prints, if any."""
    text = clean(text)
    hits = {fmt: sum(h in text for h in heads) for fmt, heads in _HEADERS.items()}
    fmt, count = max(hits.items(), key=lambda kv: kv[1])
    return fmt if count >= 2 and hits["2021"] != hits["2019"] else None


def groups(fmt: str) -> list[tuple[str, list[Field]]]:
    """(row label, its fields) in printed order: 规章 -> the three 规章 columns, …"""
    out: dict[str, list[Field]] = {}
    for f in load_standard().format(fmt).table("proactive").value_fields:
        out.setdefault(f.title.split("·")[0], []).append(f)
    return list(out.items())


def read_proactive(section: Section, fmt: str) -> tuple[dict[str, Any], list[Issue]]:
    wanted = groups(fmt)
    keys = [key(label) for label, _ in wanted]
    yuan = bool(_YUAN.search(clean(section.text))) and "万元" not in clean(section.text)
    result: dict[str, Any] = {}
    issues: list[Issue] = []
    found: set[int] = set()
    for row in section.rows:
        if not row.values:
            continue
        texts = [row.label, *row.chunks] if row.label else row.texts()
        texts += [without_note(t) for t in texts]
        scored = [
            (max((similarity(k, key(t)) for t in texts if t), default=0.0), g)
            for g, k in enumerate(keys)
        ]
        score, g = max(scored)
        if score < THRESHOLD or g in found:
            continue
        found.add(g)
        label, fields = wanted[g]
        values, more = assign(
            row.values,
            fields,
            resource="proactive",
            blanks_visible=row.blanks_visible,
            where=f"{row.where}（{label}）",
            where_en=f"{row.where_en} ({fields[0].name.split('_')[0]})",
            cells=row.cells,
            yuan_fields=frozenset(f.name for f in fields if f.type == "number")
            if yuan
            else frozenset(),
        )
        result.update(values)
        issues += more
    for g, (label, fields) in enumerate(wanted):
        if g not in found:
            result.update({f.name: None for f in fields})
            issues.append(
                note(
                    "row-not-found",
                    f"表二未找到“{label}”这一行，按空白读取",
                    f"table 2: row “{label}” not found; left blank",
                    resource="proactive",
                    field=fields[0].name,
                )
            )
    return result, issues
