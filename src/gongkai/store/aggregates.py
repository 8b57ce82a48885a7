"""Aggregates over current versions (sums, reported and blank counts per cell) and coverage.

A blank cell is NULL and is never summed as 0: SUM ignores NULLs, COUNT(column) counts the
reports that gave the figure, COUNT(*) - COUNT(column) those that left it blank.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, and_, case, exists, func, literal, select

from gongkai.standard import load_standard, publication_deadline
from gongkai.store.filings import utc
from gongkai.store.queries import RowFilter
from gongkai.store.registry import region_filter
from gongkai.store.tables import (
    REPORTED,
    agencies,
    figures_table,
    filings,
    heads,
    rejections,
    totals_table,
)

GROUPINGS = ("province", "city", "county", "level", "year")


def group_key(by: str, region_code: Any, level: Any, year: Any) -> Any:
    """The SQL expression of a group: province XX0000, city XXYY00, county, level or year."""
    if by == "province":
        return func.substr(region_code, 1, 2).concat(literal("0000"))
    if by == "city":
        return func.substr(region_code, 1, 4).concat(literal("00"))
    if by == "county":
        return region_code
    if by == "level":
        return level
    if by == "year":
        return year
    raise ValueError(f"unknown grouping {by!r}")


@dataclass
class Coverage:
    expected: int = 0
    filed: int = 0
    valid: int = 0
    missing: list[dict[str, Any]] = field(default_factory=list)


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

    Summed from the totals (store.totals), which hold every filter and grouping here as key
    columns: no request needs the raw rows. `item`: only that row of 表三 (a page showing one
    row need not sum 25); `with_coverage` False: sums only, no group without reports (a line
    over the years needs no registry).
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
    query = select(*columns).where(*_filters(table, where, table_name, fmt))
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
        *_filters(table, where, "reports", where.format or "2021")
    )
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def _number(value: Any, schema_field: Any) -> Any:
    if value is None:
        return None
    if schema_field is not None and schema_field.type == "integer":
        return int(value)
    return value


def _filters(reports: Any, where: RowFilter, table_name: str, fmt: str) -> list[Any]:
    """The slice, on the columns a report row and a totals row share."""
    clauses = []
    if where.year is not None:
        clauses.append(reports.c.year == where.year)
    if where.region:
        clauses.append(region_filter(reports.c.region_code, where.region))
    if where.level:
        clauses.append(reports.c.level == where.level)
    if where.scope:
        clauses.append(reports.c.scope == where.scope)
    if table_name == "proactive" or where.format:
        clauses.append(reports.c.format == (where.format or fmt))
    return clauses


def _years(engine: Engine, where: RowFilter) -> list[int]:
    if where.year is not None:
        return [where.year]
    with engine.connect() as conn:
        return list(conn.execute(select(heads.c.year).distinct().order_by(heads.c.year)).scalars())


def coverage_by_group(engine: Engine, where: RowFilter, by: str) -> dict[str, Coverage]:
    """Expected (registry), filed (valid or refused), valid and missing agencies per group."""
    out: dict[str, Coverage] = defaultdict(Coverage)
    for year in _years(engine, where):
        # by year, every row of one pass is the same group: a constant, not a GROUP BY
        key = (
            literal("y").label("g")
            if by == "year"
            else group_key(by, agencies.c.region_code, agencies.c.level, None).label("g")
        )
        refused = exists().where(
            rejections.c.agency_id == agencies.c.agency_id, rejections.c.year == year
        )
        filed = case((heads.c.filing_id.is_not(None) | refused, 1))
        joined = agencies.outerjoin(
            heads, and_(heads.c.agency_id == agencies.c.agency_id, heads.c.year == year)
        )
        registry = _registry_filters(where)
        counts = (
            select(
                key,
                func.count().label("expected"),
                func.count(filed).label("filed"),
                func.count(heads.c.filing_id).label("valid"),
            )
            .select_from(joined)
            .where(*registry)
        )
        if by != "year":
            counts = counts.group_by(key)
        missing = (
            select(
                key,
                agencies.c.agency_id,
                agencies.c.agency_name,
                agencies.c.region_code,
                refused.label("refused"),
            )
            .select_from(joined)
            .where(*registry, heads.c.filing_id.is_(None))
            .order_by(agencies.c.region_code, agencies.c.agency_id)
        )
        with engine.connect() as conn:
            for row in conn.execute(counts):
                if row.expected == 0:
                    continue
                cov = out[str(year) if by == "year" else str(row.g)]
                cov.expected += row.expected
                cov.filed += row.filed
                cov.valid += row.valid
            for row in conn.execute(missing):
                out[str(year) if by == "year" else str(row.g)].missing.append(
                    {
                        "agency_id": row.agency_id,
                        "agency_name": row.agency_name,
                        "region_code": row.region_code,
                        "year": year,
                        "refused": bool(row.refused),
                    }
                )
    return dict(out)


def _registry_filters(where: RowFilter) -> list[Any]:
    clauses = []
    if where.region:
        clauses.append(region_filter(agencies.c.region_code, where.region))
    if where.level:
        clauses.append(agencies.c.level == where.level)
    if where.scope:
        clauses.append(agencies.c.scope == where.scope)
    return clauses


def deadline(year: int, scope: str) -> date:
    """STANDARD.md §1, as the `late-publication` rule declares it."""
    due = publication_deadline(year, scope) or publication_deadline(year, "agency")
    if due is None:
        raise LookupError("schemas/2021/rules.json declares no late-publication deadline")
    return due


STATUS = {True: "late", False: "filed", None: "unknown"}


def lateness(
    published_on: date | None, first_received_at: datetime, first_origin: str, due: date
) -> bool | None:
    """Late (True), on time (False) or unknown (None). The date the report prints decides;
    without it, the time of its first filing — but only a filing through the API was made when
    the report came out: a bulk load or an import of history says nothing of that."""
    if published_on is not None:
        return published_on > due
    if first_origin == "api":
        return first_received_at.date() > due
    return None


def coverage_detail(engine: Engine, year: int, where: RowFilter) -> dict[str, Any]:
    """Who filed (and whether late: True, False, or None when it cannot be told), who was
    refused, who is missing, for one year."""
    reports = figures_table("reports", "2021")
    registry = _registry_filters(where)
    # a correction filed after the deadline does not make an on-time report late: the first
    # filing (version 1) says when the report came, and how
    first = filings.alias("first_filing")
    filed_query = (
        select(
            agencies.c.agency_id,
            agencies.c.agency_name,
            agencies.c.region_code,
            reports.c.scope,
            reports.c.published_on,
            filings.c.version,
            filings.c.received_at,
            filings.c.format,
            first.c.received_at.label("first_received_at"),
            first.c.origin.label("first_origin"),
        )
        .join(heads, and_(heads.c.agency_id == agencies.c.agency_id, heads.c.year == year))
        .join(filings, filings.c.id == heads.c.filing_id)
        .join(
            first,
            and_(
                first.c.agency_id == agencies.c.agency_id,
                first.c.year == year,
                first.c.version == 1,
            ),
        )
        .join(reports, reports.c.filing_id == filings.c.id)
        .where(*registry)
        .order_by(agencies.c.agency_id)
    )
    detail = coverage_by_group(
        engine,
        RowFilter(year=year, region=where.region, level=where.level, scope=where.scope),
        "year",
    )
    cov = detail.get(str(year), Coverage())
    filed: list[dict[str, Any]] = []
    dues: dict[str, date] = {}  # per scope: one rule lookup, not one per agency
    with engine.connect() as conn:
        for row in conn.execute(filed_query):
            received = utc(row.received_at)
            due = dues.get(row.scope) or dues.setdefault(row.scope, deadline(year, row.scope))
            late = lateness(row.published_on, utc(row.first_received_at), row.first_origin, due)
            filed.append(
                {
                    "agency_id": row.agency_id,
                    "agency_name": row.agency_name,
                    "region_code": row.region_code,
                    "version": row.version,
                    "format": row.format,
                    "received_at": received,
                    "published_on": row.published_on,
                    "deadline": due,
                    "late": late,
                    # coverage.csv's words: filed (on time), late, unknown (cannot be told)
                    "status": STATUS[late],
                }
            )
    return {
        "year": year,
        "expected": cov.expected,
        "filed": cov.filed,
        "valid": cov.valid,
        "late": sum(1 for f in filed if f["late"] is True),
        "unknown": sum(1 for f in filed if f["late"] is None),
        "reports": filed,
        "missing": cov.missing,
    }
