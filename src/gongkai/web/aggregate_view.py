"""What the aggregate page shows, built once from the library's groups: the table (one row per
group, one column per figure, with reported and blank counts), the same rows as CSV, and the
charts' data. A blank stays None here: it is counted, never summed as 0."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gongkai.package import format_cell
from gongkai.standard import load_standard
from gongkai.store.aggregates import Group
from gongkai.web.aggregate_query import AggregateQuery

TOTAL_KEY = "total"


@dataclass(frozen=True)
class Figure:
    """One shown cell: the sum of the reports that gave it (None when none did)."""

    value: int | Decimal | None
    reported: int
    blank: int

    @property
    def text(self) -> str:
        return format_cell(self.value)  # "" when nothing was reported: never 0

    @property
    def number(self) -> float | int | None:
        """For the charts: JSON numbers, null for a blank (a gap, not a zero bar)."""
        if self.value is None:
            return None
        return float(self.value) if isinstance(self.value, Decimal) else int(self.value)


@dataclass(frozen=True)
class Column:
    name: str  # the schema's column
    parent: str | None  # the merged header above it (规章, 行政诉讼·复议后起诉, …)
    label: str


@dataclass(frozen=True)
class ShownRow:
    key: str  # the group's key (region code, level), or "total"
    label: str
    reports: int
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class ShownTable:
    columns: tuple[Column, ...]
    rows: tuple[ShownRow, ...]
    total: ShownRow | None  # over every group; None with fewer than two groups
    key_name: str = "group"  # what a row is: a group, or (the whole 表三) an item

    def header_rows(self) -> list[list[tuple[str, int, int]]]:
        """Two header rows as (text, colspan, rowspan): parents merged over their columns."""
        top: list[tuple[str, int, int]] = []
        bottom: list[tuple[str, int, int]] = []
        for column in self.columns:
            if column.parent is None:
                top.append((column.label, 1, 2))
            elif top and top[-1][0] == column.parent and top[-1][2] == 1:
                top[-1] = (column.parent, top[-1][1] + 1, 1)
                bottom.append((column.label, 1, 1))
            else:
                top.append((column.parent, 1, 1))
                bottom.append((column.label, 1, 1))
        if not bottom:
            return [[(text, span, 1) for text, span, _ in top]]
        return [top, bottom]

    def column_index(self, name: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.name == name)


def table_columns(fmt: str, table: str) -> tuple[Column, ...]:
    """The figures of a table, with their labels from the standard's titles (a·b·leaf)."""
    columns = []
    for f in load_standard().format(fmt).table(table).value_fields:
        parent, _, leaf = f.title.rpartition("·")
        columns.append(Column(f.name, parent or None, leaf))
    return tuple(columns)


def _figures(group: Group, item: str | None, names: Sequence[str]) -> tuple[Figure, ...]:
    for row, counts in zip(group.rows, group.counts, strict=True):
        if item is None or row.get("item") == item:
            return tuple(Figure(row[n], counts[n]["reported"], counts[n]["blank"]) for n in names)
    # no report in this group (it exists for its coverage) or none with this row
    return tuple(Figure(None, 0, 0) for _ in names)


def summed(figures: Iterable[Figure]) -> Figure:
    """Figures added: the sum of those reported (None if none were), counts added."""
    value: int | Decimal | None = None
    reported = blank = 0
    for figure in figures:
        if figure.value is not None:
            value = figure.value if value is None else value + figure.value
        reported += figure.reported
        blank += figure.blank
    return Figure(value, reported, blank)


def shown_table(
    query: AggregateQuery, groups: Sequence[Group], label_of: Any, total_label: str
) -> ShownTable:
    columns = table_columns(query.format, query.table)
    names = [c.name for c in columns]
    rows = tuple(
        ShownRow(g.key, label_of(g.key), g.reports, _figures(g, query.item, names)) for g in groups
    )
    total = None
    if len(rows) > 1:
        total = ShownRow(
            TOTAL_KEY,
            total_label,
            sum(r.reports for r in rows),
            tuple(summed(r.figures[i] for r in rows) for i in range(len(columns))),
        )
    return ShownTable(columns, rows, total)


def items_table(query: AggregateQuery, groups: Sequence[Group]) -> ShownTable:
    """The whole 表三 of the slice: every item (rows) by applicant column, over all groups."""
    spec = load_standard().format(query.format).table(query.table)
    columns = table_columns(query.format, query.table)
    names = [c.name for c in columns]
    reports = sum(g.reports for g in groups)
    rows = []
    for item in spec.items:
        per_group = [_figures(g, item.code, names) for g in groups]
        figures = tuple(summed(f[i] for f in per_group) for i in range(len(names)))
        rows.append(ShownRow(item.code, item.label, reports, figures))
    return ShownTable(columns, tuple(rows), None, key_name="item")


def csv_columns(shown: ShownTable, item: str | None = None) -> list[str]:
    key = shown.key_name
    columns = [key, f"{key}_label", *(["item"] if item else []), "reports"]
    for c in shown.columns:
        columns += [c.name, f"{c.name}_reported", f"{c.name}_blank"]
    return columns


def csv_rows(shown: ShownTable, item: str | None = None) -> list[dict[str, Any]]:
    """The table's rows, as shown: sums ("" when all blank), reported and blank counts."""
    out = []
    key = shown.key_name
    for row in (*shown.rows, *([shown.total] if shown.total else [])):
        line: dict[str, Any] = {key: row.key, f"{key}_label": row.label, "reports": row.reports}
        if item:
            line["item"] = item
        for column, figure in zip(shown.columns, row.figures, strict=True):
            line[column.name] = figure.text
            line[f"{column.name}_reported"] = figure.reported
            line[f"{column.name}_blank"] = figure.blank
        out.append(line)
    return out


def year_series(query: AggregateQuery, by_year: Sequence[Group]) -> list[tuple[int, Figure]]:
    """The chosen cell over the slice, per year with reports (the line chart's points)."""
    series = []
    for group in by_year:
        if group.reports == 0:
            continue
        (figure,) = _figures(group, query.item, [query.field])
        series.append((int(group.key), figure))
    return series


def chart_data(
    shown: ShownTable,
    series: Sequence[tuple[int, Figure]],
    titles: dict[str, str],
    short_label: Callable[[str], str],
) -> dict[str, Any]:
    """What static/aggregate.js draws (embedded in the page as JSON: no second request)."""
    chosen = shown.column_index(titles["field"])
    rows = [r for r in shown.rows if r.reports]
    return {
        "titles": titles,
        "bar": {
            "labels": [short_label(r.key) for r in rows],
            "reports": [r.reports for r in rows],
            "values": [r.figures[chosen].number for r in rows],
            "reported": [r.figures[chosen].reported for r in rows],
            "blank": [r.figures[chosen].blank for r in rows],
        },
        "line": {
            "labels": [str(year) for year, _ in series],
            "reports": [f.reported + f.blank for _, f in series],
            "values": [f.number for _, f in series],
            "reported": [f.reported for _, f in series],
            "blank": [f.blank for _, f in series],
        },
    }
