"""What arrived lately: the newest filings across agencies and the latest year filed, for the
home page; and one agency's filings of one year in a single query, for its report page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, and_, func, select

from gongkai.store.filings import utc
from gongkai.store.tables import agencies, filings, heads


def latest_filings(engine: Engine, limit: int = 10) -> list[dict[str, Any]]:
    """The `limit` most recently received filings (every version counts), newest first."""
    query = (
        select(
            filings.c.agency_id,
            agencies.c.agency_name,
            agencies.c.region_code,
            filings.c.year,
            filings.c.version,
            filings.c.received_at,
        )
        .join(agencies, agencies.c.agency_id == filings.c.agency_id)
        .order_by(filings.c.received_at.desc(), filings.c.id.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [{**r._mapping, "received_at": utc(r.received_at)} for r in rows]


def latest_year(engine: Engine) -> int | None:
    """The latest year any agency has a current filing for (None on an empty store)."""
    with engine.connect() as conn:
        return conn.execute(select(func.max(heads.c.year))).scalar()


def year_versions(engine: Engine, agency_id: str, year: int) -> list[dict[str, Any]]:
    """Every version of one agency's report on `year`, oldest first, each knowing whether it is
    the current one, with the filing's id (its figures and files are read by id)."""
    query = (
        select(
            filings.c.id,
            filings.c.version,
            filings.c.sha256,
            filings.c.received_at,
            filings.c.format,
            filings.c.warnings,
            heads.c.version.label("current_version"),
        )
        .join(heads, and_(heads.c.agency_id == filings.c.agency_id, heads.c.year == filings.c.year))
        .where(filings.c.agency_id == agency_id, filings.c.year == year)
        .order_by(filings.c.version)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        {
            "id": r.id,
            "version": r.version,
            "current": r.version == r.current_version,
            "current_version": r.current_version,
            "sha256": r.sha256,
            "received_at": utc(r.received_at),
            "format": r.format,
            "warnings": list(r.warnings),
        }
        for r in rows
    ]
