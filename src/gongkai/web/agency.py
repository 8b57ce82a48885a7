"""机关: the registry list, one agency's page, one report in the official layout, and what
changed between two versions. Read from the store, as the API reads it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

from flask import Blueprint, get_template_attribute, render_template, request
from markupsafe import Markup

from gongkai.store.queries import Filing, filing_tables, versions
from gongkai.store.recent import year_versions
from gongkai.store.registry import get_agency, list_agencies
from gongkai.web import registry_view
from gongkai.web.database import engine
from gongkai.web.downloads import API_PREFIX, report_downloads
from gongkai.web.drawn import drawn_filings
from gongkai.web.issue_view import issue_cell
from gongkai.web.language import current_lang, text
from gongkai.web.layout import report_layout
from gongkai.web.report_diff import marked_values, report_changes
from gongkai.web.report_view import table_values

bp = Blueprint("agency", __name__)

PAGE_SIZE = 50
YEARS = range(2008, 2101)  # the years the API accepts
Page = tuple[str, int]

BEIJING = timezone(timedelta(hours=8))


def local_time(value: datetime) -> str:
    """A stored UTC time as the people who file read it: Beijing time, to the second."""
    return f"{value.astimezone(BEIJING):%Y-%m-%d %H:%M:%S} {text('time.zone')}"


bp.add_app_template_filter(local_time, "local_time")
bp.add_app_template_global(lambda code: registry_view.label("level", code), "level_label")
bp.add_app_template_global(lambda code: registry_view.label("scope", code), "scope_label")
bp.add_app_template_global(lambda: registry_view.choices("level"), "level_choices")


def _digits(value: str) -> bool:
    """0-9 only (str.isdigit also takes ² and other digits int() refuses)."""
    return value.isascii() and value.isdigit()


def error_page(status: int, message: str) -> Page:
    """A page in the reader's language saying what was not found (never a traceback)."""
    return render_template("error.html", status=status, message=message), status


@bp.get("/agencies")
def agency_list() -> Page:
    filters = {k: (request.args.get(k) or "").strip() or None for k in ("region", "level", "name")}
    problem = _bad_filter(filters)
    if problem:
        return render_template("agency_list.html", filters=filters, rows=[], problem=problem), 400
    after = request.args.get("after") or None
    rows = list_agencies(engine(), after=after, limit=PAGE_SIZE + 1, **filters)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    first_args = {k: v for k, v in filters.items() if v}
    next_args = {**first_args, "after": rows[-1]["agency_id"]} if more else None
    return render_template(
        "agency_list.html",
        filters=filters,
        rows=rows,
        first_args=first_args,
        next_args=next_args,
        paged=after is not None,
        problem=None,
    ), 200


def _bad_filter(filters: dict[str, str | None]) -> str | None:
    region, level = filters["region"], filters["level"]
    if region and not (_digits(region) and len(region) == 6):
        return text("list.bad_region", region=region)
    if level and level not in dict(registry_view.choices("level")):
        return text("list.bad_level", level=level)
    return None


@bp.get("/agencies/<agency_id>")
def agency(agency_id: str) -> Page:
    with engine().connect() as conn:
        found = get_agency(conn, agency_id)
        parent = get_agency(conn, found["parent_id"]) if found and found["parent_id"] else None
    if found is None:
        return error_page(404, text("agency.unknown", agency_id=agency_id))
    years: dict[int, list[dict[str, Any]]] = {}
    for row in versions(engine(), agency_id):
        years.setdefault(row["year"], []).append(row)
    return render_template(
        "agency.html",
        agency=found,
        parent=parent,
        years=sorted(years.items(), reverse=True),
        api_agency=f"{API_PREFIX}/agencies/{quote(agency_id, safe='')}",
        api_reports=f"{API_PREFIX}/agencies/{quote(agency_id, safe='')}/reports",
    ), 200


def _year(agency_id: str, year_text: str) -> tuple[int | None, list[dict[str, Any]], Page | None]:
    """The year of the URL and its versions, or the 404 page saying what is missing."""
    year = int(year_text) if _digits(year_text) and len(year_text) == 4 else None
    if year is None or year not in YEARS:
        return None, [], error_page(404, text("report.bad_year", year=year_text))
    rows = year_versions(engine(), agency_id, year)
    if not rows:
        with engine().connect() as conn:
            known = get_agency(conn, agency_id) is not None
        key = "report.none" if known else "agency.unknown"
        return None, [], error_page(404, text(key, agency_id=agency_id, year=year))
    return year, rows, None


def _version(
    rows: list[dict[str, Any]], name: str, default: int
) -> tuple[dict[str, Any] | None, Page | None]:
    asked = request.args.get(name)
    if asked is None or asked == "":
        number = default
    elif _digits(asked):
        number = int(asked)
    else:
        return None, error_page(400, text("report.bad_version", version=asked))
    found = next((r for r in rows if r["version"] == number), None)
    if found is None:
        return None, error_page(404, text("report.no_version", version=number))
    return found, None


def _tables(agency_id: str, year: int, row: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    filing = Filing(
        id=row["id"],
        agency_id=agency_id,
        year=year,
        version=row["version"],
        current_version=row["current_version"],
        sha256=row["sha256"],
        received_at=row["received_at"],
        format=row["format"],
        warnings=row["warnings"],
    )
    return filing_tables(engine(), filing)


@bp.get("/agencies/<agency_id>/<year_text>")
def report(agency_id: str, year_text: str) -> Page:
    year, rows, missing = _year(agency_id, year_text)
    if missing:
        return missing
    assert year is not None
    chosen, bad = _version(rows, "version", rows[-1]["current_version"])
    if bad:
        return bad
    assert chosen is not None
    report_row, tables_html = drawn_filings().get_or_draw(
        (chosen["id"], current_lang()), lambda: _draw(agency_id, year, chosen)
    )
    return render_template(
        "agency_report.html",
        agency_id=agency_id,
        year=year,
        versions=rows,
        filing=chosen,
        report=report_row,
        tables_html=tables_html,
        downloads=report_downloads(agency_id, year, chosen["version"], chosen["format"]),
    ), 200


def _draw(agency_id: str, year: int, row: dict[str, Any]) -> tuple[dict[str, Any], Markup]:
    """A filed version's reports row and its three tables drawn with its warnings marked."""
    tables = _tables(agency_id, year, row)
    fmt = row["format"]
    draw_tables = get_template_attribute("_report_tables.html", "report_tables")
    html = draw_tables(
        report_layout(fmt), table_values(fmt, tables), _warning_marks(row["warnings"])
    )
    return (tables.get("reports") or [{}])[0], Markup(html)


def _warning_marks(warnings: list[dict[str, Any]]) -> dict[str, list[tuple[str, str]]]:
    """The filed warnings on the cells they name (in the reader's language)."""
    key = "message_en" if current_lang() == "en" else "message"
    marks: dict[str, list[tuple[str, str]]] = {}
    for issue in warnings:
        place = issue_cell(issue.get("resource"), issue.get("item"), issue.get("field"))
        if place:
            marks.setdefault(place, []).append(("warning", str(issue.get(key) or "")))
    return marks


@bp.get("/agencies/<agency_id>/<year_text>/diff")
def diff(agency_id: str, year_text: str) -> Page:
    year, rows, missing = _year(agency_id, year_text)
    if missing:
        return missing
    assert year is not None
    newer, bad = _version(rows, "to", rows[-1]["current_version"])
    if bad:
        return bad
    assert newer is not None
    older, bad = _version(rows, "from", max(1, newer["version"] - 1))
    if bad:
        return bad
    assert older is not None
    context: dict[str, Any] = {
        "agency_id": agency_id,
        "year": year,
        "versions": rows,
        "older": older,
        "newer": newer,
        "changes": None,
    }
    with engine().connect() as conn:
        context["agency"] = get_agency(conn, agency_id)
    if older["format"] == newer["format"]:
        fmt = newer["format"]
        new_tables = _tables(agency_id, year, newer)
        changes = report_changes(fmt, _tables(agency_id, year, older), new_tables)
        values, marks = marked_values(table_values(fmt, new_tables), changes, text("diff.blank"))
        context.update(
            changes=changes,
            layouts=report_layout(fmt),
            values=values,
            marks=marks,
        )
    return render_template("agency_diff.html", **context), 200
