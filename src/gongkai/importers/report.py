"""From the parts of a report (its text and its tables as labelled rows) to an ImportResult:
decides the format, reads the three tables, fills the report row, checks the narrative."""

from __future__ import annotations

import re
from typing import Any

from gongkai.importers.applications import read_applications
from gongkai.importers.metadata import read_details
from gongkai.importers.narrative import narrative_issues
from gongkai.importers.proactive import detect_format, read_proactive
from gongkai.importers.result import DATA_TABLES, TABLE_TITLES, ImportResult, note
from gongkai.importers.reviews import read_reviews
from gongkai.importers.rows import Section
from gongkai.standard import FORMATS, format_for_year, load_standard
from gongkai.validation.issues import Issue

_NONE_RECEIVED = re.compile(r"未(?:收到|受理|接到)[^。；]{0,20}?申请")


def assemble(
    *,
    source: str,
    kind: str,
    text: str,
    narrative: str,
    sections: dict[str, Section],
    overrides: dict[str, Any],
    stem: str = "",
    notes: list[Issue] | None = None,
) -> ImportResult:
    details = read_details(text).merged(overrides)
    issues: list[Issue] = list(notes or [])
    present = {t: s for t, s in sections.items() if any(r.values for r in s.rows)}
    fmt = _format(overrides.get("format"), present, details.year)
    tables: dict[str, list[dict[str, Any]]] = {}
    missing: list[str] = []

    if "proactive" in present:
        row, more = read_proactive(present["proactive"], fmt)
        tables["proactive"] = [row]
        issues += more
    if "applications" in present:
        rows, _, more = read_applications(present["applications"], fmt)
        tables["applications"] = rows
        issues += more
    if "reviews" in present:
        reviews, more = read_reviews(present["reviews"], fmt)
        issues += more
        if reviews is not None:
            tables["reviews"] = [reviews]
    for table in DATA_TABLES:
        if table not in tables:
            missing.append(table)
            tables[table] = _blank(fmt, table)
            zh, en = TABLE_TITLES[table]
            issues.append(note("table-not-found", f"未找到{zh}", f"{en} not found", resource=table))
    if "applications" in missing and _NONE_RECEIVED.search(re.sub(r"\s+", "", narrative)):
        issues += _none_received(tables, fmt)

    # never made up (from the file name, say): two agencies' “report.html” would collide
    agency_id = details.agency_id
    report = {
        "agency_id": agency_id,
        "year": details.year,
        "agency_name": details.agency_name,
        "region_code": details.region_code,
        "level": details.level,
        "scope": details.scope,
        "format": fmt,
        "published_on": details.published_on,
        "source_url": details.source_url,
    }
    tables["reports"] = [report]
    for table in DATA_TABLES:
        tables[table] = [{"agency_id": agency_id, "year": details.year, **r} for r in tables[table]]
    issues += narrative_issues(narrative, tables)
    return ImportResult(
        source=source,
        kind=kind,
        format=fmt,
        details=details,
        tables={t: tables[t] for t in ("reports", *DATA_TABLES)},
        issues=issues,
        missing_tables=missing,
    )


def _format(given: str | None, sections: dict[str, Section], year: int | None) -> str:
    if given in FORMATS:
        return str(given)
    if "proactive" in sections and (found := detect_format(sections["proactive"].text)):
        return found
    if year is not None and (by_year := format_for_year(year)):
        return by_year
    if "applications" in sections:
        return read_applications(sections["applications"], None)[1]
    return "2021"


def _blank(fmt: str, table: str) -> list[dict[str, Any]]:
    spec = load_standard().format(fmt).table(table)
    names = [f.name for f in spec.value_fields]
    if table == "applications":
        return [{"item": i.code, **dict.fromkeys(names)} for i in spec.items]
    return [dict.fromkeys(names)]


def _none_received(tables: dict[str, list[dict[str, Any]]], fmt: str) -> list[Issue]:
    """“未收到政府信息公开申请”: the report states that no application came in."""
    names = [f.name for f in load_standard().format(fmt).table("applications").value_fields]
    for row in tables["applications"]:
        if row["item"] == "new_received":
            row.update(dict.fromkeys(names, 0))
    return [
        note(
            "from-text",
            "表三缺失；正文称未收到政府信息公开申请，本年新收申请数量记为 0，其余留空",
            "table 3 is missing; the text says no application was received, so new_received "
            "is 0 and the rest is blank",
            resource="applications",
            item="new_received",
        )
    ]
