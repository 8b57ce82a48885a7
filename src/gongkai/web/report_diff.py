"""What changed between two versions of a report, cell by cell. A blank cell and a 0 are
different values: going from one to the other is a change."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from gongkai.package import format_cell
from gongkai.standard import load_standard
from gongkai.web.layout import TABLES, cell_id, report_layout
from gongkai.web.report_view import CellKey, table_values

# The reports row's own fields that a correction may change (the key cannot change).
REPORT_FIELDS = ("agency_name", "region_code", "level", "scope", "format", "published_on")


@dataclass(frozen=True)
class Change:
    table: str
    item: str | None
    field: str
    old: str | None  # None: blank
    new: str | None
    label: str  # what the figure is: the item and the column as the standard names them
    place: str | None  # where the Excel template has it, e.g. "表三 J7"

    @property
    def cell_id(self) -> str | None:
        return cell_id(self.table, self.item, self.field) if self.table in TABLES else None


def report_changes(
    fmt: str, old: Mapping[str, list[dict[str, Any]]], new: Mapping[str, list[dict[str, Any]]]
) -> list[Change]:
    """Every figure (and reports field) whose text differs, in the tables' reading order."""
    standard = load_standard().format(fmt)
    changes = [
        Change(
            "reports",
            None,
            name,
            before,
            after,
            standard.table("reports").field(name).title,  # type: ignore[union-attr]
            None,
        )
        for name in REPORT_FIELDS
        if (before := _report_text(old, name)) != (after := _report_text(new, name))
    ]
    old_values, new_values = table_values(fmt, old), table_values(fmt, new)
    layouts = report_layout(fmt)
    for table in TABLES:
        spec = standard.table(table)
        for key in _reading_order(fmt, table):
            before, after = old_values[table].get(key), new_values[table].get(key)
            if before == after:
                continue
            item, name = key
            title = spec.field(name).title  # type: ignore[union-attr]
            if item is not None:
                title = f"{spec.item(item).label} · {title}"  # type: ignore[union-attr]
            changes.append(
                Change(table, item, name, before, after, title, layouts[table].sheet_cell(*key))
            )
    return changes


def _report_text(tables: Mapping[str, list[dict[str, Any]]], name: str) -> str | None:
    rows = tables.get("reports") or [{}]
    value = rows[0].get(name)
    return None if value is None else format_cell(value)


def _reading_order(fmt: str, table: str) -> list[CellKey]:
    spec = load_standard().format(fmt).table(table)
    names = [f.name for f in spec.value_fields]
    items: list[str | None] = list(spec.item_codes) if spec.items else [None]
    return [(item, name) for item in items for name in names]


def marked_values(
    values: dict[str, dict[CellKey, str | None]], changes: list[Change], blank: str
) -> tuple[dict[str, dict[CellKey, Any]], dict[str, list[tuple[str, str]]]]:
    """The newer version's cells with each changed one showing old → new (a blank as `blank`,
    struck through or inserted), and the marks that highlight exactly those cells."""
    shown: dict[str, dict[CellKey, Any]] = {table: dict(cells) for table, cells in values.items()}
    marks: dict[str, list[tuple[str, str]]] = {}
    for change in changes:
        if change.cell_id is None:
            continue
        old = change.old if change.old is not None else blank
        new = change.new if change.new is not None else blank
        shown[change.table][(change.item, change.field)] = Markup(
            '<del class="{}">{}</del> → <ins class="{}">{}</ins>'
        ).format(_kind(change.old), old, _kind(change.new), new)
        marks[change.cell_id] = [("changed", f"{old} → {new}")]
    return shown, marks


def _kind(value: str | None) -> str:
    return "blank-value" if value is None else "value"
