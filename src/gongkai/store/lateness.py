"""Whether a report came late, as SQL: the same judgement on SQLite and PostgreSQL, for the
counts kept in the totals and for the agencies listed by coverage.

The date the report prints (published_on) decides; without it, the day of its first filing
(version 1, in UTC) — but only a filing through the API was made when the report came out: a
bulk load or an import of history says nothing of that, so its lateness is unknown (NULL). A
correction filed after the deadline does not make an on-time report late. The deadline is the
`late-publication` rule's day of the following year for the report's scope (STANDARD.md §1).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import case, func, literal_column, null
from sqlalchemy.sql import ColumnElement

from gongkai.standard import load_standard, publication_deadline

DEFAULT_SCOPE = "agency"  # a scope the rule does not name has the agencies' deadline


def deadline(year: int, scope: str) -> date:
    """The day by which a report of `scope` on `year` must be published."""
    due = publication_deadline(year, scope) or publication_deadline(year, DEFAULT_SCOPE)
    if due is None:
        raise LookupError("schemas/2021/rules.json declares no late-publication deadline")
    return due


def _month_days() -> dict[str, str]:
    rule = load_standard().format("2021").rule("late-publication")
    if not rule or DEFAULT_SCOPE not in rule["by_scope"]:
        raise LookupError("schemas/2021/rules.json declares no late-publication deadline")
    return dict(rule["by_scope"])


def _text(value: str) -> ColumnElement[Any]:
    # a constant of the rules, written into the statement: one expression wherever it is used
    return literal_column("'" + value.replace("'", "''") + "'")


def _deadline_sql(dialect: str, year: Any, scope: Any) -> ColumnElement[Any]:
    days = _month_days()
    default = days[DEFAULT_SCOPE]
    if dialect == "postgresql":
        month = case(
            *[(scope == _text(s), int(md[:2])) for s, md in days.items()], else_=int(default[:2])
        )
        day = case(
            *[(scope == _text(s), int(md[3:])) for s, md in days.items()], else_=int(default[3:])
        )
        return func.make_date(year + 1, month, day)
    # SQLite keeps dates as YYYY-MM-DD text: compared as text
    month_day = case(
        *[(scope == _text(s), _text(md)) for s, md in days.items()], else_=_text(default)
    )
    return func.printf(_text("%04d-"), year + 1).concat(month_day)


def _utc_day(dialect: str, moment: Any) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return func.date(func.timezone(_text("UTC"), moment))
    return func.substr(moment, 1, 10)  # SQLite: "YYYY-MM-DD HH:MM:SS…" in UTC


def lateness_sql(
    dialect: str,
    *,
    year: Any,
    scope: Any,
    published_on: Any,
    first_received_at: Any,
    first_origin: Any,
) -> ColumnElement[Any]:
    """1: late, 0: on time, NULL: cannot be told."""
    due = _deadline_sql(dialect, year, scope)
    return case(
        (published_on.is_not(None), case((published_on > due, 1), else_=0)),
        (
            first_origin == _text("api"),
            case((_utc_day(dialect, first_received_at) > due, 1), else_=0),
        ),
        else_=null(),
    )
