"""Coverage: how many agencies of the registry were expected, filed, filed late, were refused or
are missing, per group; and the agencies themselves, a keyset page at a time.

The counts are cheap at any scale: `expected` counts the registry from its index on region,
level and scope; the reports filed, late and of unknown lateness come from the totals
(totals_reports, kept by each filing, counted where the report says it belongs — the registry's
region, level and scope when it was filed); `refused` counts the refusals of agencies without a
valid filing, which are few. Only the lists read agencies one by one, a page at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import Engine, and_, exists, func, literal, select
from sqlalchemy.sql import ColumnElement

from gongkai.identifiers import region_level_prefix
from gongkai.store.filings import utc
from gongkai.store.lateness import deadline, lateness_sql
from gongkai.store.queries import RowFilter
from gongkai.store.registry import region_filter
from gongkai.store.tables import (
    GRAINS,
    agencies,
    figures_table,
    filings,
    heads,
    rejections,
    totals_table,
)

# An agency's status in a year: filed (on time), late, unknown, refused or missing. A list may
# also ask for every `valid` one (filed, late or unknown).


@dataclass
class Coverage:
    expected: int = 0
    filed: int = 0  # valid or refused: the agencies that sent a package
    valid: int = 0
    late: int = 0
    unknown: int = 0  # valid, but whether on time cannot be told
    refused: int = 0  # sent only packages that were refused

    @property
    def missing(self) -> int:
        return self.expected - self.filed

    def count(self, status: str | None) -> int:
        """How many agencies have `status` (None: all of them)."""
        if status is None:
            return self.expected
        if status == "filed":
            return self.valid - self.late - self.unknown
        if status == "valid":
            return self.valid
        return int(getattr(self, status))

    def as_dict(self) -> dict[str, int]:
        return {
            "expected": self.expected,
            "filed": self.filed,
            "valid": self.valid,
            "late": self.late,
            "unknown": self.unknown,
            "refused": self.refused,
            "missing": self.missing,
        }


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


def grain_for(by: str, region: str | None) -> str:
    """The coarsest grain of the totals that holds this grouping and region filter."""
    needed = {"province": 0, "level": 0, "year": 0, "city": 1, "county": 2}[by]
    if region and region != "100000":
        needed = max(needed, {2: 0, 4: 1}.get(len(region_level_prefix(region)), 2))
    return GRAINS[needed]


def slice_filters(table: Any, where: RowFilter, *, registry: bool = False) -> list[Any]:
    """The slice (region, level, scope; and year on report rows), on `table`'s columns."""
    clauses = []
    if where.year is not None and not registry:
        clauses.append(table.c.year == where.year)
    if where.region:
        clauses.append(region_filter(table.c.region_code, where.region))
    if where.level:
        clauses.append(table.c.level == where.level)
    if where.scope:
        clauses.append(table.c.scope == where.scope)
    return clauses


def years_filed(engine: Engine, where: RowFilter) -> list[int]:
    if where.year is not None:
        return [where.year]
    with engine.connect() as conn:
        return list(conn.execute(select(heads.c.year).distinct().order_by(heads.c.year)).scalars())


def coverage_by_group(engine: Engine, where: RowFilter, by: str | None) -> dict[str, Coverage]:
    """Coverage per group (by None: one group, ""; by year: every filed year, or the one
    asked for)."""
    out: dict[str, Coverage] = defaultdict(Coverage)
    years = years_filed(engine, where)
    registry = agencies
    expected_key = _key(by, registry.c.region_code, registry.c.level, None)
    counted = (
        select(expected_key.label("g"), func.count().label("n"))
        .select_from(registry)
        .where(*slice_filters(registry, where, registry=True))
    )
    totals = totals_table("reports", "2021")
    filed_key = _key(by, totals.c.region_code, totals.c.level, totals.c.year)
    filed = select(
        filed_key.label("g"),
        func.sum(totals.c.reports).label("valid"),
        func.sum(totals.c.late).label("late"),
        func.sum(totals.c.unknown).label("unknown"),
    ).where(
        totals.c.grain == grain_for(by or "year", where.region),
        totals.c.year.in_(years),
        *slice_filters(totals, replace(where, year=None)),
    )
    refused_key = _key(by, registry.c.region_code, registry.c.level, rejections.c.year)
    refused = (
        select(refused_key.label("g"), func.count(rejections.c.agency_id.distinct()).label("n"))
        .join_from(rejections, registry, registry.c.agency_id == rejections.c.agency_id)
        .where(
            rejections.c.year.in_(years),
            ~exists().where(
                heads.c.agency_id == rejections.c.agency_id,
                heads.c.year == rejections.c.year,
                heads.c.filing_id.is_not(None),
            ),
            *slice_filters(registry, where, registry=True),
        )
    )
    # a constant key (one group) is not grouped on: PostgreSQL refuses GROUP BY a constant
    if not _constant(expected_key):
        counted = counted.group_by(expected_key)
    if not _constant(filed_key):
        filed = filed.group_by(filed_key)
    if not _constant(refused_key):
        refused = refused.group_by(refused_key)
    with engine.connect() as conn:
        expected = {_name(row.g): int(row.n) for row in conn.execute(counted)}
        for row in conn.execute(filed):
            if row.valid is None:
                continue
            cov = out[_name(row.g)]
            cov.valid, cov.late, cov.unknown = int(row.valid), int(row.late), int(row.unknown)
        for row in conn.execute(refused):
            out[_name(row.g)].refused = int(row.n)
    if by == "year":  # the registry expects every agency every year
        for year in years:
            out[str(year)].expected = expected.get("", 0)
    else:
        for key, n in expected.items():
            out[key].expected = n
    for cov in out.values():
        cov.filed = cov.valid + cov.refused
    return {k: v for k, v in out.items() if v.expected or v.filed}


ONE_GROUP = "*"


def _key(by: str | None, region_code: Any, level: Any, year: Any) -> ColumnElement[Any]:
    if by is None or (by == "year" and year is None):
        return literal(ONE_GROUP)
    return group_key(by, region_code, level, year)


def _constant(key: ColumnElement[Any]) -> bool:
    return getattr(key, "value", None) == ONE_GROUP


def _name(value: Any) -> str:
    return "" if value == ONE_GROUP else str(value)


def coverage_counts(engine: Engine, year: int, where: RowFilter) -> Coverage:
    """The counts of one year's slice."""
    slice_ = RowFilter(year=year, region=where.region, level=where.level, scope=where.scope)
    return coverage_by_group(engine, slice_, None).get("", Coverage())


def coverage_agencies(
    engine: Engine,
    year: int,
    where: RowFilter,
    *,
    status: str | None = None,
    after: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Agencies of the registry in the slice with their status in `year`, by agency id after
    `after`, at most `limit` (None: all)."""
    reports = figures_table("reports", "2021")
    first = filings.alias("first_filing")
    late = lateness_sql(
        engine.dialect.name,
        year=reports.c.year,
        scope=reports.c.scope,
        published_on=reports.c.published_on,
        first_received_at=first.c.received_at,
        first_origin=first.c.origin,
    )
    refused = exists().where(
        rejections.c.agency_id == agencies.c.agency_id, rejections.c.year == year
    )

    def after_key(column: Any) -> list[Any]:
        # said of every joined table's key, so PostgreSQL starts each index scan at the page
        # (a merge join does not carry it over from agencies)
        return [column > after] if after is not None else []

    query = (
        select(
            agencies.c.agency_id,
            agencies.c.agency_name,
            agencies.c.region_code,
            heads.c.version,
            filings.c.format,
            filings.c.received_at,
            reports.c.scope,
            reports.c.published_on,
            late.label("late"),
            refused.label("refused"),
        )
        .select_from(agencies)
        .outerjoin(
            heads,
            and_(
                heads.c.agency_id == agencies.c.agency_id,
                heads.c.year == year,
                heads.c.filing_id.is_not(None),
                *after_key(heads.c.agency_id),
            ),
        )
        .outerjoin(filings, filings.c.id == heads.c.filing_id)
        .outerjoin(reports, reports.c.filing_id == heads.c.filing_id)
        .outerjoin(
            first,
            and_(
                first.c.agency_id == heads.c.agency_id,
                first.c.year == year,
                first.c.version == 1,
                *after_key(first.c.agency_id),
            ),
        )
        .where(*slice_filters(agencies, where, registry=True))
        .order_by(agencies.c.agency_id)
    )
    if status is not None:
        query = query.where(_status_is(status, heads.c.filing_id, late, refused))
    query = query.where(*after_key(agencies.c.agency_id))
    if limit is not None:
        query = query.limit(limit)
    dues: dict[str, date] = {}  # per scope: one rule lookup, not one per agency
    out = []
    with engine.connect() as conn:
        for row in conn.execute(query):
            item: dict[str, Any] = {
                "agency_id": row.agency_id,
                "agency_name": row.agency_name,
                "region_code": row.region_code,
            }
            if row.version is None:
                item["status"] = "refused" if row.refused else "missing"
            else:
                due = dues.get(row.scope) or dues.setdefault(row.scope, deadline(year, row.scope))
                item.update(
                    version=row.version,
                    format=row.format,
                    received_at=utc(row.received_at),
                    published_on=row.published_on,
                    deadline=due,
                    status={1: "late", 0: "filed", None: "unknown"}[row.late],
                )
            out.append(item)
    return out


def iter_coverage_agencies(
    engine: Engine, year: int, where: RowFilter, status: str | None = None, batch: int = 2000
) -> Iterator[dict[str, Any]]:
    """Every agency of the slice, fetched in keyset batches (a CSV streams them)."""
    after = None
    while True:
        page = coverage_agencies(engine, year, where, status=status, after=after, limit=batch)
        yield from page
        if len(page) < batch:
            return
        after = page[-1]["agency_id"]


def _status_is(status: str, filing_id: Any, late: Any, refused: Any) -> Any:
    if status == "valid":  # any of filed, late, unknown
        return filing_id.is_not(None)
    if status == "missing":
        return and_(filing_id.is_(None), ~refused)
    if status == "refused":
        return and_(filing_id.is_(None), refused)
    if status == "unknown":
        return and_(filing_id.is_not(None), late.is_(None))
    if status in ("late", "filed"):
        return late == (1 if status == "late" else 0)
    raise ValueError(f"unknown status {status!r}")
