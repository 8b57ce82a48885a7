"""Aggregates over current versions: sums, reported and blank counts per cell, by group.

Summed from the totals (store.totals), which every filing keeps up to date and which hold
every filter and grouping here as key columns, at the coarsest grain of region that answers:
no request needs the raw figures rows. A blank cell is never summed as 0: a total's sum is NULL
while no report gave the figure, `reported` counts the reports that gave it, and blank =
reports − reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select

from gongkai.standard import load_standard
from gongkai.store.coverage import Coverage, coverage_by_group, grain_for, group_key, slice_filters
from gongkai.store.queries import RowFilter
from gongkai.store.tables import REPORTED, totals_table

GROUPINGS = ("province", "city", "county", "level", "year")


@dataclass
class Group:
    key: str
    reports: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)  # sums, one per item (or one)
    counts: list[dict[str, dict[str, int]]] = field(default_factory=list)
    coverage: Coverage = field(default_factory=Coverage)


def aggregate(
    engine: Engine,
    table_name: str,
    fmt: str,
    where: RowFilter,
    by: str,
    *,
    item: str | None = None,
    with_coverage: bool = True,
) -> list[Group]:
    """Per group: summed cells, with reported/blank counts, and coverage against the registry.

    `item`: only that row of 表三 (a page showing one row need not sum 25); `with_coverage`
    False: sums only, no group without reports (a line over the years needs no registry).
    """
    schema = load_standard().formats[fmt].tables[table_name]
    table = totals_table(table_name, fmt)
    key = group_key(by, table.c.region_code, table.c.level, table.c.year).label("g")
    values = [f.name for f in schema.value_fields]
    columns: list[Any] = [key]
    group_by: list[Any] = [key]
    if "item" in table.c:
        columns.append(table.c.item)
        group_by.append(table.c.item)
    columns.append(func.sum(table.c.reports).label("n"))
    for name in values:
        columns += [
            func.sum(table.c[name]).label(f"sum_{name}"),
            func.sum(table.c[name + REPORTED]).label(f"rep_{name}"),
        ]
    query = select(*columns).where(
        table.c.grain == grain_for(by, where.region), *_filters(table, where, table_name, fmt)
    )
    if item is not None and "item" in table.c:
        query = query.where(table.c.item == item)
    query = query.group_by(*group_by)
    order = [key, func.min(table.c.seq)] if "item" in table.c else [key]
    query = query.order_by(*order)
    groups: dict[str, Group] = {}
    with engine.connect() as conn:
        for row in conn.execute(query):
            m = row._mapping
            group = groups.setdefault(str(m["g"]), Group(key=str(m["g"])))
            reports = int(m["n"])
            group.reports = max(group.reports, reports)
            sums: dict[str, Any] = {"item": m["item"]} if "item" in table.c else {}
            counts: dict[str, dict[str, int]] = {}
            for name in values:
                reported = int(m[f"rep_{name}"])
                sums[name] = _number(m[f"sum_{name}"], schema.field(name))
                counts[name] = {"reported": reported, "blank": reports - reported}
            group.rows.append(sums)
            group.counts.append(counts)
    if with_coverage:
        for key_value, cov in coverage_by_group(engine, where, by).items():
            groups.setdefault(key_value, Group(key=key_value)).coverage = cov
    return [groups[k] for k in sorted(groups)]


def count_reports(engine: Engine, where: RowFilter) -> int:
    """How many current reports the slice holds, from the totals."""
    table = totals_table("reports", "2021")
    query = select(func.coalesce(func.sum(table.c.reports), 0)).where(
        table.c.grain == grain_for("year", where.region),
        *_filters(table, where, "reports", where.format or "2021"),
    )
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def _number(value: Any, schema_field: Any) -> Any:
    if value is None:
        return None
    if schema_field is not None and schema_field.type == "integer":
        return int(value)
    return value


def _filters(table: Any, where: RowFilter, table_name: str, fmt: str) -> list[Any]:
    """The slice on a totals table: year, region, level, scope, and the format (表二's columns
    differ between formats)."""
    clauses = slice_filters(table, where)
    if table_name == "proactive" or where.format:
        clauses.append(table.c.format == (where.format or fmt))
    return clauses
