"""汇总 — /aggregate: sums per group with reported and blank counts, a bar chart by group and
a line over the years, coverage with the agencies' names; /aggregate.csv: the same rows."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Blueprint, Response, current_app, render_template, request, url_for
from sqlalchemy import Engine

from gongkai.package.cells import spreadsheet_text
from gongkai.standard import format_for_year, load_standard
from gongkai.store.aggregates import aggregate
from gongkai.store.choices import filed_years, registry_regions
from gongkai.store.coverage import coverage_agencies, coverage_counts
from gongkai.store.queries import RowFilter
from gongkai.web.aggregate_query import (
    GROUPINGS,
    LEVELS,
    SCOPES,
    SHEET_NAMES,
    TABLES,
    AggregateQuery,
    read_query,
)
from gongkai.web.aggregate_view import (
    ShownTable,
    chart_data,
    csv_columns,
    csv_rows,
    items_table,
    shown_table,
    table_columns,
    year_series,
)
from gongkai.web.language import current_lang, text
from gongkai.web.regions import LEVEL_NAMES, RegionNames, group_label

bp = Blueprint("aggregate_page", __name__)
# the CSV of the table by group, or (表三) of the whole table of the slice
PARTS = ("groups", "items")
# names per coverage list on the page; a province's thousands are in the coverage CSV
NAMES_SHOWN = 200
LISTED = ("late", "missing", "refused", "valid")  # valid: every agency with a filing


def _engine() -> Engine:
    return current_app.extensions["gongkai.engine"]


def _latest_year(years: list[int]) -> int:
    """The year a page without one shows: the latest filed, or last year on an empty store."""
    return years[0] if years else date.today().year - 1


def _shown(query: AggregateQuery, names: RegionNames) -> tuple[ShownTable, ShownTable | None]:
    """The table by group and, for 表三, the whole table of the slice (every item)."""
    # the slice's coverage is shown beside the tables (its counts and lists), not per group
    groups = aggregate(
        _engine(), query.table, query.format, query.row_filter(), query.by, with_coverage=False
    )
    lang = current_lang()
    shown = shown_table(
        query, groups, lambda key: group_label(query.by, key, names, lang), text("agg.total")
    )
    return shown, items_table(query, groups) if query.item else None


@bp.get("/aggregate")
def page() -> tuple[str, int]:
    engine = _engine()
    years = filed_years(engine)
    names = RegionNames(registry_regions(engine))
    query, errors = read_query(request.args, _latest_year(years))
    lang = current_lang()
    form = {
        "years": sorted(set(years) | ({query.year} if query else set()), reverse=True),
        "regions": names.options(),
        "levels": [(lv, LEVEL_NAMES[lv][1 if lang == "en" else 0]) for lv in LEVELS],
        "scopes": SCOPES,
        "groupings": GROUPINGS,
        "tables": [(t, SHEET_NAMES[t]) for t in TABLES],
    }
    # the rows and columns to choose from, also when the choice was wrong (to correct it)
    table = query.table if query else request.args.get("table") or "applications"
    if table in TABLES:
        fmt = query.format if query else format_for_year(_latest_year(years)) or "2021"
        spec = load_standard().format(fmt).table(table)
        form["items"] = [(i.code, i.label) for i in spec.items]
        form["fields"] = [
            (c.name, f"{c.parent}·{c.label}" if c.parent else c.label)
            for c in table_columns(fmt, table)
        ]
    messages = {name: pair[1 if lang == "en" else 0] for name, pair in errors.items()}
    if query is None:
        return render_template(
            "aggregate.html", query=None, args=request.args, errors=messages, form=form
        ), 400
    shown, whole = _shown(query, names)
    by_year = aggregate(
        engine,
        query.table,
        query.format,
        query.row_filter(every_year=True),
        "year",
        item=query.item,
        with_coverage=False,
    )
    series = year_series(query, by_year)
    column = shown.columns[shown.column_index(query.field)]
    item = spec.item(query.item) if query.item else None
    item_label = item.label if item else None
    cell_label = " · ".join(part for part in (item_label, column.parent, column.label) if part)
    region_label = names.label(query.region) if query.region else text("agg.everywhere")
    titles = {
        "field": query.field,
        "cell": cell_label,
        "bar": text("agg.chart.bar", year=query.year, region=region_label),
        "line": text("agg.chart.line", region=region_label),
        "reported": text("agg.reported"),
        "blank": text("agg.blank"),
        "none": text("agg.all_blank"),
        "reports": text("agg.reports_count"),
    }
    registry = RowFilter(
        region=query.region,
        level=query.level,
        scope=None if query.scope == "all" else query.scope,
    )
    coverage = coverage_counts(engine, query.year, registry).as_dict()
    # the first names of each list; the coverage CSV has them all
    lists = {
        status: coverage_agencies(engine, query.year, registry, status=status, limit=NAMES_SHOWN)
        for status in LISTED
    }
    api_args = query.api_args()
    coverage_args = {k: v for k, v in api_args.items() if k != "by"}
    if query.scope == "all":
        coverage_args.pop("scope")
    links = {
        "csv": url_for("aggregate_page.csv_download", **query.page_args()),
        "csv_items": url_for("aggregate_page.csv_download", **query.page_args(part="items")),
        "api_json": url_for("aggregate.aggregate_table", table=query.table, **api_args),
        "api_csv": url_for("aggregate.aggregate_table", table=f"{query.table}.csv", **api_args),
        "api_years": url_for(
            "aggregate.aggregate_table",
            table=query.table,
            **{k: v for k, v in api_args.items() if k != "year"} | {"by": "year"},
        ),
        "api_coverage": url_for("aggregate.coverage", **coverage_args),
        "api_coverage_csv": url_for("aggregate.coverage_csv", **coverage_args),
        "coverage_csv": {
            status: url_for("aggregate.coverage_csv", **coverage_args, status=status)
            for status in LISTED
        },
    }
    return render_template(
        "aggregate.html",
        query=query,
        args=request.args,
        errors=messages,
        form=form,
        shown=shown,
        whole=whole,
        series=series,
        chart=chart_data(
            shown, series, titles, lambda key: group_label(query.by, key, names, lang, short=True)
        ),
        titles=titles,
        coverage=coverage,
        lists=lists,
        region_label=region_label,
        links=links,
    ), 200


@bp.get("/aggregate.csv")
def csv_download() -> Response:
    """The rows of the page's table, as shown (blank sums empty, with the counts)."""
    engine = _engine()
    query, errors = read_query(request.args, _latest_year(filed_years(engine)))
    if query is None:
        lang = current_lang()
        body = "\n".join(pair[1 if lang == "en" else 0] for pair in errors.values()) + "\n"
        return Response(body, status=400, content_type="text/plain; charset=utf-8")
    part = request.args.get("part", "groups")
    problem = None
    if part not in PARTS:
        problem = text("agg.part_error", part=part)
    elif part == "items" and query.item is None:
        problem = text("agg.part_items_only")
    if problem:
        return Response(problem + "\n", status=400, content_type="text/plain; charset=utf-8")
    shown, whole = _shown(query, RegionNames(registry_regions(engine)))
    table = whole if part == "items" and whole else shown
    item = query.item if table is shown else None
    out = io.StringIO()
    writer = csv.DictWriter(out, csv_columns(table, item), lineterminator="\n")
    writer.writeheader()
    writer.writerows(
        {k: spreadsheet_text(v) if isinstance(v, str) else v for k, v in row.items()}
        for row in csv_rows(table, item)
    )
    response = Response(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"aggregate-{query.table}-{query.year}-{query.region or 'all'}-{query.by}-{part}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
