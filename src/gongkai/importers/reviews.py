"""表四 from labelled rows: the one row of fifteen figures under the fixed two-level header
(行政复议 · 行政诉讼 未经复议直接起诉 · 复议后起诉, each 结果维持 … 总计)."""

from __future__ import annotations

from typing import Any

from gongkai.importers.columns import assign
from gongkai.importers.result import note
from gongkai.importers.rows import Section
from gongkai.standard import load_standard
from gongkai.validation.issues import Issue


def read_reviews(section: Section, fmt: str) -> tuple[dict[str, Any] | None, list[Issue]]:
    """The 表四 row, or None when its fifteen figures cannot be told apart."""
    fields = load_standard().format(fmt).table("reviews").value_fields
    rows = [r for r in section.rows if r.values]
    if not rows:
        return None, []
    full = [r for r in rows if len(r.values) == len(fields)]
    if len(full) == 1:
        row = full[0]
        return assign(
            row.values,
            fields,
            resource="reviews",
            blanks_visible=row.blanks_visible,
            where=row.where,
            where_en=row.where_en,
            cells=row.cells,
        )
    if len(rows) == 1 and not rows[0].blanks_visible and len(rows[0].values) < len(fields):
        row = rows[0]
        return assign(
            row.values,
            fields,
            resource="reviews",
            blanks_visible=False,
            where=row.where,
            where_en=row.where_en,
        )
    found = sum(len(r.values) for r in rows)
    return None, [
        note(
            "table-unreadable",
            f"表四应有 {len(fields)} 个数字排成一行，读到 {found} 个，分散在 {len(rows)} 处；"
            "无法确定各数字所在的列",
            f"table 4 should print {len(fields)} figures in one row; found {found} "
            f"in {len(rows)} places, so their columns cannot be told",
            resource="reviews",
        )
    ]
