"""The aggregate page's question, read from the query string: which table, year, region,
level, scope and grouping, and which cell the charts draw. Bad values become messages in
Chinese and English (shown on the page), never an exception."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gongkai.standard import format_for_year, load_standard
from gongkai.store.queries import RowFilter

TABLES = ("proactive", "applications", "reviews")  # 表二, 表三, 表四
SHEET_NAMES = {"proactive": "表二", "applications": "表三", "reviews": "表四"}
SCOPES = ("agency", "government", "all")
GROUPINGS = ("province", "city", "county", "level")  # years: the line chart
LEVELS = ("national", "province", "city", "county", "township")
YEARS = range(2008, 2101)
REGION = re.compile(r"^[0-9]{6}$")
# the cell the charts draw when none is chosen
DEFAULT_FIELD = {
    "proactive": "licensing_decisions",
    "applications": "total",
    "reviews": "review_total",
}
DEFAULT_ITEM = "new_received"

Message = tuple[str, str]  # (Chinese, English)


@dataclass(frozen=True)
class AggregateQuery:
    table: str
    year: int
    region: str | None
    level: str | None
    scope: str
    by: str
    field: str  # the column the charts draw
    item: str | None  # 表三: the row the table and the charts show

    @property
    def format(self) -> str:
        return format_for_year(self.year) or "2021"

    def row_filter(self, *, every_year: bool = False) -> RowFilter:
        """The reports summed: this slice in this year (or in every year, for the line)."""
        return RowFilter(
            year=None if every_year else self.year,
            region=self.region,
            level=self.level,
            scope=None if self.scope == "all" else self.scope,
            # 表二's columns differ between formats: only reports of this year's format
            format=self.format if self.table == "proactive" else None,
        )

    def page_args(self, **changes: Any) -> dict[str, Any]:
        """The query string of this page (with `changes`), for links and the CSV."""
        args: dict[str, Any] = {
            "table": self.table,
            "year": self.year,
            "region": self.region,
            "level": self.level,
            "scope": self.scope,
            "by": self.by,
            "item": self.item,
            "field": self.field,
        } | changes
        return {k: v for k, v in args.items() if v is not None}

    def api_args(self) -> dict[str, Any]:
        """The same slice as the API's /aggregate/{table} arguments."""
        args = {
            "year": self.year,
            "region": self.region,
            "level": self.level,
            "scope": self.scope,
            "by": self.by,
        }
        return {k: v for k, v in args.items() if v is not None}


def default_grouping(region: str | None) -> str:
    """One level below the chosen region: a province by city, a city by county."""
    if region is None or region == "100000":
        return "province"
    if region.endswith("0000"):
        return "city"
    return "county"


def _every_column(fmt: str) -> set[str]:
    standard = load_standard().format(fmt)
    return {f.name for table in TABLES for f in standard.table(table).value_fields}


def read_query(
    args: Mapping[str, str], default_year: int
) -> tuple[AggregateQuery | None, dict[str, Message]]:
    """The page's question, or the messages saying what is wrong with each argument."""
    errors: dict[str, Message] = {}

    def given(name: str) -> str | None:
        value = args.get(name, "").strip()
        return value or None

    table = given("table") or "applications"
    if table not in TABLES:
        errors["table"] = (
            f"表格应为 proactive（表二）、applications（表三）或 reviews（表四），而不是“{table}”",
            f"table must be proactive, applications or reviews, not {table!r}",
        )
    year = default_year
    if given("year") is not None:
        raw = given("year") or ""
        if not raw.isdigit() or int(raw) not in YEARS:
            errors["year"] = (
                f"年度应为 2008 至 2100 之间的整数，而不是“{raw}”",
                f"year must be a whole number from 2008 to 2100, not {raw!r}",
            )
        else:
            year = int(raw)
    region = given("region")
    if region is not None and not REGION.match(region):
        errors["region"] = (
            f"地区应为 6 位行政区划代码（如 320000），而不是“{region}”",
            f"region must be a 6-digit region code (e.g. 320000), not {region!r}",
        )
    level = given("level")
    if level is not None and level not in LEVELS:
        errors["level"] = (
            f"层级应为 {'、'.join(LEVELS)} 之一，而不是“{level}”",
            f"level must be one of {', '.join(LEVELS)}, not {level!r}",
        )
    scope = given("scope") or "agency"
    if scope not in SCOPES:
        errors["scope"] = (
            f"范围应为 agency（部门报告）、government（本级政府报告）或 all，而不是“{scope}”",
            f"scope must be agency, government or all, not {scope!r}",
        )
    by = given("by") or default_grouping(region if "region" not in errors else None)
    if by not in GROUPINGS:
        errors["by"] = (
            f"分组应为 province（省）、city（市）、county（县）或 level（层级），而不是“{by}”",
            f"grouping must be province, city, county or level, not {by!r}",
        )
    if errors.keys() & {"table", "year"}:
        return None, errors
    fmt = format_for_year(year) or "2021"
    spec = load_standard().format(fmt).table(table)
    field = given("field") or DEFAULT_FIELD[table]
    own = {f.name for f in spec.value_fields}
    if field not in own and field in _every_column(fmt):
        # a column of the table chosen before (the form keeps it when the table changes)
        field = DEFAULT_FIELD[table]
    if field not in own:
        errors["field"] = (
            f"{SHEET_NAMES[table]}（{fmt} 格式）没有“{field}”这一栏",
            f"{SHEET_NAMES[table]} ({fmt} format) has no column {field!r}",
        )
    item = None
    if spec.items:
        item = given("item") or DEFAULT_ITEM
        if spec.item(item) is None:
            errors["item"] = (
                f"表三（{fmt} 格式）没有“{item}”这一行",
                f"table 3 ({fmt} format) has no row {item!r}",
            )
    if errors:
        return None, errors
    return AggregateQuery(table, year, region, level, scope, by, field, item), errors
