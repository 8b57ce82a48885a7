"""CSV for people (`?labels=zh`): Chinese column titles and item labels instead of codes.

The machine CSV (codes, the schema's column names) stays the default: it is what can be
filed again. A labelled CSV is for reading, e.g. in Excel.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from gongkai.standard import Table

# columns the API adds to what the schemas define
API_TITLES = {
    "group": "分组",
    "group_name": "分组名称",
    "region_name": "行政区划名称",
    "scope": "报告范围",
    "status": "报送状态",
    "version": "版本",
    "format": "报告格式",
    "received_at": "接收时间",
    "published_on": "公开日期",
    "deadline": "截止日期",
}


def titles(columns: Sequence[str], tables: Sequence[Table]) -> list[str]:
    """Each column's Chinese title: the schema field's, else the API's, else the name."""
    out = []
    for name in columns:
        field = next((f for t in tables if (f := t.field(name)) is not None), None)
        out.append(field.title if field is not None else API_TITLES.get(name, name))
    return out


def labelled(rows: Iterable[Mapping[str, Any]], table: Table) -> Iterator[Mapping[str, Any]]:
    """Rows with their item code replaced by the item's label (tables with items)."""
    if not table.items:
        yield from rows
        return
    labels = {i.code: i.label for i in table.items}
    for row in rows:
        item = row.get("item")
        yield {**row, "item": labels.get(item, item)} if item is not None else row
