"""Value cells to columns: by their header labels where the source has them, else in printed
order; parsing each cell (blank markers, 元 amounts) with a note for anything not plain."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gongkai.importers.labels import key, parse_value, similarity, to_wan
from gongkai.importers.result import note
from gongkai.standard import Field
from gongkai.validation.issues import Issue


def title_leaf(title: str) -> str:
    """“法人或其他组织·商业企业” -> key of “商业企业”."""
    return key(title.split("·")[-1])


def by_headers(headers: list[str], fields: list[Field]) -> list[str] | None:
    """Field name per value column, matched by header labels; None when they do not all match."""
    if len(headers) != len(fields) or not all(headers):
        return None
    names: list[str] = []
    for header in headers:
        scores = [(similarity(key(header), title_leaf(f.title)), f.name) for f in fields]
        score, name = max(scores)
        if score < 0.6 or name in names:
            return None
        names.append(name)
    return names


def trim_residue(
    values: list[str], cells: list[tuple[str, str]] | None, width: int
) -> tuple[list[str], list[tuple[str, str]] | None]:
    """A row with more cells than the layout has columns: the empty cells at its ends are what
    merged cells and doubled separators leave (`规章 | 0 | 0 | 0 | |`), not columns. They are
    dropped, the trailing ones first, while the row is too wide; a printed figure never is."""
    start, end = 0, len(values)
    while end - start > width and not values[end - 1].strip():
        end -= 1
    while end - start > width and not values[start].strip():
        start += 1
    return values[start:end], (cells[start:end] if cells else cells)


def _prefix(zh: str, en: str) -> tuple[str, str]:
    return (f"{zh}：" if zh else "", f"{en}: " if en else "")


def assign(
    values: list[str],
    fields: list[Field],
    *,
    resource: str,
    item: str | None = None,
    headers: list[str] | None = None,
    blanks_visible: bool = True,
    where: str = "",
    where_en: str = "",
    cells: list[tuple[str, str]] | None = None,
    yuan_fields: frozenset[str] = frozenset(),
) -> tuple[dict[str, Any], list[Issue]]:
    """Map a row's value cells to `fields`. Returns the cells (None = blank) and notes.
    `where`/`where_en` name the row, `cells` each value cell's place (zh, en), for notes."""
    issues: list[Issue] = []
    row: dict[str, Any] = dict.fromkeys((f.name for f in fields), None)
    zh, en = _prefix(where, where_en)
    if blanks_visible and len(values) > len(fields):
        values, cells = trim_residue(values, cells, len(fields))
    if len(values) != len(fields):
        if not blanks_visible and len(values) < len(fields):
            issues.append(
                note(
                    "row-unreadable",
                    f"{zh}只读到 {len(values)} 个数字，应有 {len(fields)} 个；"
                    "无法确定空白在哪一列，整行按空白读取",
                    f"{en}{len(values)} numbers where {len(fields)} are printed; the blank "
                    "cells cannot be placed, so the whole row is left blank",
                    resource=resource,
                    item=item,
                )
            )
            return row, issues
        if len(values) > len(fields):
            issues.append(
                note(
                    "row-unreadable",
                    f"{zh}有 {len(values)} 个数字，应为 {len(fields)} 个；"
                    "无法确定各数字所在的列，整行按空白读取",
                    f"{en}{len(values)} numbers where {len(fields)} are printed; their "
                    "columns cannot be told, so the whole row is left blank",
                    resource=resource,
                    item=item,
                )
            )
            return row, issues
        issues.append(
            note(
                "missing-values",
                f"{zh}只有 {len(values)} 个单元格，缺少的列按空白读取",
                f"{en}{len(values)} cells for {len(fields)} columns; the others are blank",
                resource=resource,
                item=item,
            )
        )
        values = values + [""] * (len(fields) - len(values))
    places = list(cells or [])
    places += [("", "")] * (len(values) - len(places))
    names = (headers and by_headers(headers, fields)) or [f.name for f in fields]
    types = {f.name: f for f in fields}
    for name, cell, place in zip(names, values, places[: len(values)], strict=True):
        value = parse_value(cell)
        number = value.number
        fld = types[name]
        at_zh = "，".join(p for p in (where, place[0]) if p) or fld.title
        at_en = ", ".join(p for p in (where_en, place[1]) if p) or name
        if value.note:
            shown = cell.strip()
            if value.unreadable:
                texts = (
                    f"{at_zh}：“{shown}” 不是数字，按空白读取",
                    f"{at_en}: “{shown}” is not a number; read as blank",
                )
            else:
                texts = (
                    f"{at_zh}：“{shown}” 按空白（未填报）读取",
                    f"{at_en}: “{shown}” read as blank (not reported)",
                )
            issues.append(
                note(
                    "unreadable-cell" if value.unreadable else "blank-marker",
                    *texts,
                    resource=resource,
                    item=item,
                    field=name,
                )
            )
        if number is not None and (value.yuan or name in yuan_fields) and fld.type == "number":
            converted = to_wan(number)
            issues.append(
                note(
                    "unit-converted",
                    f"{number} 元换算为 {converted} 万元",
                    f"{number} yuan converted to {converted} (10,000 yuan)",
                    resource=resource,
                    item=item,
                    field=name,
                )
            )
            number = converted
        if isinstance(number, int) and fld.type == "number":
            number = Decimal(number)
        if isinstance(number, Decimal) and fld.type == "integer" and number == int(number):
            number = int(number)  # “12.0”
        if number is not None and fld.type == "integer" and isinstance(number, Decimal):
            issues.append(
                note(
                    "unreadable-cell",
                    f"{at_zh}：“{cell}” 不是整数，按空白读取",
                    f"{at_en}: “{cell}” is not a whole number; read as blank",
                    resource=resource,
                    item=item,
                    field=name,
                )
            )
            number = None
        row[name] = number
    return row, issues
