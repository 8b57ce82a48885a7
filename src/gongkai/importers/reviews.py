"""表四 from labelled rows: the one row of fifteen figures under the fixed two-level header
(行政复议 · 行政诉讼 未经复议直接起诉 · 复议后起诉, each 结果维持 … 总计)."""

from __future__ import annotations

from typing import Any

from gongkai.importers.columns import assign, trim_residue
from gongkai.importers.labels import parse_value
from gongkai.importers.result import note
from gongkai.importers.rows import Section
from gongkai.standard import Field, load_standard
from gongkai.validation.issues import Issue

GROUP = 5  # 结果维持, 结果纠正, 其他结果, 尚未审结, 总计


def read_reviews(section: Section, fmt: str) -> tuple[dict[str, Any] | None, list[Issue]]:
    """The 表四 row, or None when its fifteen figures cannot be told apart."""
    fields = load_standard().format(fmt).table("reviews").value_fields
    rows = [r for r in section.rows if r.values]
    if not rows:
        return None, []
    if all(r.blanks_visible for r in rows) and not any(v.strip() for r in rows for v in r.values):
        return dict.fromkeys(f.name for f in fields), []  # printed, every cell empty: blank
    for row in rows:
        if row.blanks_visible and len(row.values) > len(fields):
            row.values, trimmed = trim_residue(row.values, row.cells, len(fields))
            row.cells = trimmed or []
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
    scattered = [v for r in rows for v in r.values]
    if not any(r.blanks_visible for r in rows) and len(scattered) == len(fields):
        return _in_printed_order(scattered, fields, len(rows), (rows[0].where, rows[0].where_en))
    return None, [_unreadable(len(fields), len(scattered), len(rows))]


def _unreadable(width: int, found: int, places: int, why: tuple[str, str] | None = None) -> Issue:
    zh, en = why or ("无法确定各数字所在的列", "so their columns cannot be told")
    return note(
        "table-unreadable",
        f"表四应有 {width} 个数字排成一行，读到 {found} 个，分散在 {places} 处；{zh}",
        f"table 4 should print {width} figures in one row; found {found} in {places} places, {en}",
        resource="reviews",
    )


def _in_printed_order(
    values: list[str], fields: list[Field], places: int, at: tuple[str, str]
) -> tuple[dict[str, Any] | None, list[Issue]]:
    """Text with one cell per line whose fifteen figures are scattered among the header cells
    (as plain pdftotext prints 表四): read in printed order — 行政复议, 未经复议直接起诉,
    复议后起诉, each 结果维持 … 总计 — only when every group's 总计 is the sum of its four
    results (the t4-total identities); otherwise the figures may be out of order: unreadable."""
    numbers = [parse_value(v).number for v in values]
    known = [n for n in numbers if n is not None]
    groups = [known[k : k + GROUP] for k in range(0, len(known), GROUP)]
    if len(known) != len(numbers) or any(sum(g[:-1]) != g[-1] for g in groups):
        return None, [
            _unreadable(
                len(fields),
                len(values),
                places,
                (
                    "按印制顺序读取时各组的总计与结果之和不符，数字的顺序已被打乱，无法确定各数字所在的列",
                    "and read in printed order the group totals do not add up: the figures are "
                    "out of order, so their columns cannot be told",
                ),
            )
        ]
    where, where_en = at
    row, issues = assign(values, fields, resource="reviews", where=where, where_en=where_en)
    issues.append(
        note(
            "matched-by-position",
            f"表四的 {len(values)} 个数字分散在表头各格之间（{where}起），按印制顺序读取；"
            "三组的总计均等于其结果之和",
            f"table 4's {len(values)} figures are scattered among its header cells (from "
            f"{where_en}); read in printed order, and each group's total is the sum of its results",
            resource="reviews",
        )
    )
    return row, issues
