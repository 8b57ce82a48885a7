"""表四 from labelled rows: the one row of fifteen figures under the fixed two-level header
(行政复议 · 行政诉讼 未经复议直接起诉 · 复议后起诉, each 结果维持 … 总计)."""

from __future__ import annotations

from itertools import permutations
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
        runs = [r.values for r in rows]
        return _by_totals(runs, fields, (rows[0].where, rows[0].where_en))
    return None, [_unreadable(len(fields), len(scattered), len(rows))]


def _unreadable(width: int, found: int, places: int, why: tuple[str, str] | None = None) -> Issue:
    zh, en = why or ("无法确定各数字所在的列", "so their columns cannot be told")
    return note(
        "table-unreadable",
        f"表四应有 {width} 个数字排成一行，读到 {found} 个，分散在 {places} 处；{zh}",
        f"table 4 should print {width} figures in one row; found {found} in {places} places, {en}",
        resource="reviews",
    )


MAX_RUNS = 7  # orders of up to 7! = 5040 runs are tried


def _adds_up(numbers: list[int]) -> bool:
    groups = [numbers[k : k + GROUP] for k in range(0, len(numbers), GROUP)]
    return all(sum(g[:-1]) == g[-1] for g in groups)


def _moved(order: tuple[int, ...]) -> int:
    """How many runs an order moves from the printed one: those outside its longest run of
    runs still in printed order (the longest increasing subsequence)."""
    longest = [1] * len(order)
    for i in range(len(order)):
        for j in range(i):
            if order[j] < order[i]:
                longest[i] = max(longest[i], longest[j] + 1)
    return len(order) - max(longest, default=0)


def _by_totals(
    runs: list[list[str]], fields: list[Field], at: tuple[str, str]
) -> tuple[dict[str, Any] | None, list[Issue]]:
    """Text with one cell per line whose fifteen figures are scattered among the header cells
    (as plain pdftotext prints 表四), in runs of figures printed together. The columns are
    行政复议, 未经复议直接起诉, 复议后起诉, each 结果维持 … 总计, and every group's 总计 is the
    sum of its four results (the t4-total identities). The runs are read in printed order when the
    totals add up; else in the order that moves the fewest runs and makes every total add up,
    when that order is the only one (plain pdftotext emits a block of a table out of place,
    as 淮安 2024's 复议后起诉 figures before the 行政复议 总计). Otherwise the columns cannot be
    told."""
    parsed = [[parse_value(v).number for v in run] for run in runs]
    width, places = len(fields), len(runs)
    numbers = [[n for n in run if isinstance(n, int)] for run in parsed]
    if [len(run) for run in numbers] != [len(run) for run in parsed]:
        return None, [_unreadable(width, width, places)]
    orders = permutations(range(places)) if places <= MAX_RUNS else iter([tuple(range(places))])
    fitting: dict[tuple[int, ...], int] = {}  # figures in an order that adds up -> runs moved
    for order in orders:
        figures = tuple(n for k in order for n in numbers[k])
        if _adds_up(list(figures)):
            moved = _moved(order)
            fitting[figures] = min(moved, fitting.get(figures, moved))
    fewest = min(fitting.values(), default=None)
    best = [figures for figures, moved in fitting.items() if moved == fewest]
    if len(best) != 1:
        why = (
            (
                "按印制顺序读取时各组的总计与结果之和不符，且没有哪种顺序能使总计相符",
                "and in no order of them do the group totals add up",
            )
            if not best
            else (
                f"有 {len(best)} 种同样接近印制顺序的排列都能使总计相符，无法确定各数字所在的列",
                f"and {len(best)} orders as near the printed one make the totals add up, so "
                "their columns cannot be told",
            )
        )
        return None, [_unreadable(width, width, places, why)]
    where, where_en = at
    row, issues = assign(
        [str(n) for n in best[0]], fields, resource="reviews", where=where, where_en=where_en
    )
    if fewest == 0:
        zh = (
            f"表四的 {width} 个数字分散在表头各格之间（{where}起），按印制顺序读取；"
            "三组的总计均等于其结果之和"
        )
        en = (
            f"table 4's {width} figures are scattered among its header cells (from {where_en}); "
            "read in printed order, and each group's total is the sum of its results"
        )
    else:
        zh = (
            f"表四的 {width} 个数字分散在表头各格之间（{where}起），按印制顺序读取时总计不符；"
            f"移动 {fewest} 组数字后三组的总计均等于其结果之和，且只有这一种排列如此，按此读取"
        )
        en = (
            f"table 4's {width} figures are scattered among its header cells (from {where_en}) "
            f"and their totals do not add up in printed order; with {fewest} run(s) of figures "
            "moved, each group's total is the sum of its results, and no other order as near "
            "does that: read so"
        )
    issues.append(note("matched-by-position", zh, en, resource="reviews"))
    return row, issues
