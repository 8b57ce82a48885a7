"""Reading filings and figures: one report, its versions, rows across agencies."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Select, and_, func, select, tuple_

from gongkai.package import ReportPackage
from gongkai.standard import KEY_FIELDS, TABLE_NAMES, load_standard
from gongkai.store.filings import utc
from gongkai.store.registry import region_filter
from gongkai.store.tables import figures_table, filing_files, filings, heads


@dataclass(frozen=True)
class Filing:
    id: int
    agency_id: str
    year: int
    version: int
    current_version: int
    sha256: str
    received_at: Any
    format: str
    warnings: list[dict[str, Any]]


def versions(engine: Engine, agency_id: str) -> list[dict[str, Any]]:
    """Every filed version of an agency's reports, by year then version."""
    query = (
        select(
            filings.c.year,
            filings.c.version,
            filings.c.sha256,
            filings.c.received_at,
            filings.c.format,
            heads.c.version.label("current_version"),
        )
        .join(heads, and_(heads.c.agency_id == filings.c.agency_id, heads.c.year == filings.c.year))
        .where(filings.c.agency_id == agency_id)
        .order_by(filings.c.year, filings.c.version)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        {
            "year": r.year,
            "version": r.version,
            "current": r.version == r.current_version,
            "sha256": r.sha256,
            "received_at": utc(r.received_at),
            "format": r.format,
        }
        for r in rows
    ]


def get_filing(
    engine: Engine, agency_id: str, year: int, version: int | None = None
) -> Filing | None:
    """The current filing of an agency and year, or version `version` of it."""
    query = (
        select(filings, heads.c.version.label("current_version"))
        .join(heads, and_(heads.c.agency_id == filings.c.agency_id, heads.c.year == filings.c.year))
        .where(filings.c.agency_id == agency_id, filings.c.year == year)
    )
    if version is None:
        query = query.where(filings.c.id == heads.c.filing_id)
    else:
        query = query.where(filings.c.version == version)
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    return Filing(
        id=row.id,
        agency_id=row.agency_id,
        year=row.year,
        version=row.version,
        current_version=row.current_version,
        sha256=row.sha256,
        received_at=utc(row.received_at),
        format=row.format,
        warnings=list(row.warnings),
    )


def filing_tables(engine: Engine, filing: Filing) -> dict[str, list[dict[str, Any]]]:
    """The filing's four tables as rows with exactly their schema's columns."""
    fmt = load_standard().formats[filing.format]
    out: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for name in TABLE_NAMES:
            table = figures_table(name, filing.format)
            columns = [table.c[f] for f in fmt.tables[name].field_names]
            query = select(*columns).where(table.c.filing_id == filing.id)
            if "seq" in table.c:
                query = query.order_by(table.c.seq)
            out[name] = [dict(r._mapping) for r in conn.execute(query)]
    return out


def filed_files(engine: Engine, filing_id: int) -> dict[str, bytes]:
    """The package's files exactly as filed."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(filing_files.c.name, filing_files.c.content)
            .where(filing_files.c.filing_id == filing_id)
            .order_by(filing_files.c.name)
        ).all()
    return {r.name: bytes(r.content) for r in rows}


def stored_package(engine: Engine, agency_id: str, year: int) -> ReportPackage | None:
    """The current filing of an agency and year as a report package (its files as filed)."""
    filing = get_filing(engine, agency_id, year)
    if filing is None:
        return None
    files = {
        name.removesuffix(".csv"): data
        for name, data in filed_files(engine, filing.id).items()
        if name.endswith(".csv")  # not the descriptor it was filed with
    }
    return ReportPackage(source=f"{agency_id}/{year} version {filing.version}", files=files)


@dataclass(frozen=True)
class RowFilter:
    """Which current reports a query covers."""

    year: int | None = None
    region: str | None = None
    level: str | None = None
    scope: str | None = None
    format: str | None = None
    agencies: tuple[str, ...] = ()  # only these agencies (none: all)
    items: tuple[str, ...] = ()  # only these items (tables with items)


def current_rows(
    table_name: str, fmt: str, where: RowFilter, columns: list[str] | None = None
) -> Select[Any]:
    """Rows of the current versions, in key order (for keyset paging): the schema's columns,
    or `columns` of them."""
    table = figures_table(table_name, fmt)
    reports = figures_table("reports", fmt)
    names = columns or load_standard().formats[fmt].tables[table_name].field_names
    # driven by heads, in its key order: a page reads its rows and stops, no sort of the year
    query = (
        select(*[table.c[f] for f in names])
        .select_from(heads)
        .join(table, table.c.filing_id == heads.c.filing_id)
    )
    if table is not reports:
        query = query.join(reports, reports.c.filing_id == heads.c.filing_id)
    if where.year is not None:
        query = query.where(heads.c.year == where.year)
    if where.region:
        query = query.where(region_filter(reports.c.region_code, where.region))
    if where.level:
        query = query.where(reports.c.level == where.level)
    if where.scope:
        query = query.where(reports.c.scope == where.scope)
    if where.agencies:
        query = query.where(heads.c.agency_id.in_(where.agencies))
    if where.items:
        query = query.where(table.c.item.in_(where.items))
    if where.format and table_name != "proactive":
        query = query.where(reports.c.format == where.format)
    elif table_name == "proactive":
        query = query.where(reports.c.format == fmt)
    return query.order_by(*_key_columns(table))


def _key_columns(table: Any) -> list[Any]:
    keys = [heads.c.agency_id, heads.c.year]  # equal to the figures' own agency_id, year
    if "seq" in table.c:
        keys.append(table.c.seq)
    return keys


def page_rows(
    engine: Engine,
    table_name: str,
    fmt: str,
    where: RowFilter,
    *,
    after: list[Any] | None,
    limit: int,
    columns: list[str] | None = None,
) -> tuple[list[dict[str, Any]], list[Any] | None]:
    """One page of rows after the key `after`; returns the rows and the next page's key."""
    table = figures_table(table_name, fmt)
    keys = _key_columns(table)
    field_names = columns or load_standard().formats[fmt].tables[table_name].field_names
    query = current_rows(table_name, fmt, where, field_names)
    query = query.add_columns(*keys[2:]).limit(limit + 1)
    if after is not None:
        query = query.where(_after(keys, after))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    more = len(rows) > limit
    rows = rows[:limit]
    out = [dict(zip(field_names, r, strict=False)) for r in rows]  # schema columns come first
    next_key = None
    if more and rows:
        last = rows[-1]._mapping
        next_key = [last[c.name] for c in keys]
    return out, next_key


def _after(keys: list[Any], after: list[Any]) -> Any:
    if len(after) != len(keys):
        raise ValueError("page key does not fit this table")
    # The row-value comparison is the exact condition; the first column's bound alone lets
    # PostgreSQL start the index scan of heads there (it cannot use a row mixing two tables).
    return and_(keys[0] >= after[0], tuple_(*keys) > tuple_(*after))


def count_rows(engine: Engine, table_name: str, fmt: str, where: RowFilter) -> int:
    """How many rows `current_rows` gives (the `total` of a paged list)."""
    rows = current_rows(table_name, fmt, where, list(KEY_FIELDS)).order_by(None)
    query = select(func.count()).select_from(rows.subquery())
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def iter_rows(
    engine: Engine,
    table_name: str,
    fmt: str,
    where: RowFilter,
    batch: int = 2000,
    columns: list[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """All rows, fetched in keyset batches (no OFFSET, no long-held cursor)."""
    after: list[Any] | None = None
    while True:
        rows, after = page_rows(
            engine, table_name, fmt, where, after=after, limit=batch, columns=columns
        )
        yield from rows
        if after is None:
            return
