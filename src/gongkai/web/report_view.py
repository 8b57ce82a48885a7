"""What the three-table macro draws: each data cell's text (None when blank) by table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gongkai.package import format_cell
from gongkai.standard import load_standard
from gongkai.web.layout import TABLES

CellKey = tuple[str | None, str]  # (表三 item or None, column)


def table_values(
    fmt: str, tables: Mapping[str, list[dict[str, Any]]]
) -> dict[str, dict[CellKey, str | None]]:
    """The figures of one report as the tables show them; a blank stays None (never 0)."""
    values: dict[str, dict[CellKey, str | None]] = {}
    for table in TABLES:
        names = [f.name for f in load_standard().format(fmt).table(table).value_fields]
        cells: dict[CellKey, str | None] = {}
        for row in tables.get(table, []):
            item = row.get("item") if table == "applications" else None
            for name in names:
                value = row.get(name)
                cells[(item, name)] = None if value is None else format_cell(value)
        values[table] = cells
    return values
