"""首页 and search: what gongkai is, the latest filings, the coverage of the latest year, and
finding an agency by name or region code (a plain GET form: it works without JavaScript)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from gongkai.store.coverage import coverage_counts
from gongkai.store.queries import RowFilter
from gongkai.store.recent import latest_filings, latest_year
from gongkai.store.registry import get_agency, list_agencies
from gongkai.web.database import engine

bp = Blueprint("home", __name__)

LATEST = 10
RESULTS = 50


@bp.get("/")
def index() -> str:
    year = latest_year(engine())
    return render_template(
        "home.html",
        latest=latest_filings(engine(), LATEST),
        coverage=_coverage(year) if year is not None else None,
    )


def _coverage(year: int) -> dict[str, Any]:
    """The counts of the latest year: who was expected, filed, filed late, is missing (kept
    counts: as cheap for a nation as for a county)."""
    return {"year": year, **coverage_counts(engine(), year, RowFilter()).as_dict()}


def _search(query: str, after: str | None) -> list[dict[str, Any]]:
    """An agency's identifier finds that agency; a six-digit query is a region code (the
    agencies in that region, a province or city holding its counties); anything else is part
    of a name."""
    if after is None:
        with engine().connect() as conn:
            exact = get_agency(conn, query)
        if exact:
            return [exact]
    if query.isascii() and query.isdigit() and len(query) == 6:
        found = list_agencies(engine(), region=query, after=after, limit=RESULTS + 1)
        if found or after:
            return found
    return list_agencies(engine(), name=query, after=after, limit=RESULTS + 1)


@bp.get("/search")
def search() -> str:
    query = (request.args.get("q") or "").strip()
    after = request.args.get("after") or None
    rows = _search(query, after) if query else []
    more = len(rows) > RESULTS
    rows = rows[:RESULTS]
    return render_template(
        "search.html",
        query=query,
        rows=rows,
        next_after=rows[-1]["agency_id"] if more else None,
        paged=after is not None,
    )
