"""Issues as the pages show them: the message in the reader's language with its rule id, the
cell it concerns (linked, and marked in the drawn tables) and, for an uploaded workbook, the
sheet cell (`表三 J7`) instead of the CSV row."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.standard import find_field, load_standard
from gongkai.validation import Issue
from gongkai.validation.messages import where
from gongkai.web.layout import TABLES, TableLayout, cell_id


@dataclass(frozen=True)
class IssueView:
    code: str
    severity: str
    message: str
    place: str | None  # the sheet cell of a workbook, e.g. 表三 J7
    href: str | None  # #cell-… or #table-…


def issue_cell(resource: str | None, item: str | None, field: str | None) -> str | None:
    """The id of the drawn cell an issue (or a stored one) concerns, if it names one."""
    if resource not in TABLES or not field:
        return None
    return cell_id(resource, item if resource == "applications" else None, field)


def _sheet_place(issue: Issue, layouts: dict[str, TableLayout], lang: str) -> str | None:
    if issue.resource not in layouts or not issue.field:
        return None
    item = issue.item if issue.resource == "applications" else None
    place = layouts[issue.resource].sheet_cell(item, issue.field)
    if place is None:
        return None
    labels = []
    if item and lang == "zh":
        spec = load_standard().format("2021").table("applications").item(item)
        labels.append(spec.label if spec else item)
    elif item:
        labels.append(item)
    column = find_field(issue.resource, issue.field)
    labels.append(column.title if column and lang == "zh" else issue.field)
    return f"{place}（{' · '.join(labels)}）" if lang == "zh" else f"{place} ({', '.join(labels)})"


def issue_views(
    issues: list[Issue], layouts: dict[str, TableLayout], lang: str, workbook: bool
) -> tuple[list[IssueView], dict[str, list[tuple[str, str]]]]:
    """The issues to list, errors first, and the marks of the drawn cells (cell id ->
    [(severity, message)])."""
    views: list[IssueView] = []
    marks: dict[str, list[tuple[str, str]]] = {}
    for issue in sorted(issues, key=lambda i: not i.is_error):
        message = issue.message(lang)
        cell = issue_cell(issue.resource, issue.item, issue.field)
        place = _sheet_place(issue, layouts, lang) if workbook else None
        prefix = where(issue, lang)
        if place and message.startswith(prefix):
            message = place + message[len(prefix) :]  # the sheet cell, not the CSV row
        if cell:
            marks.setdefault(cell, []).append((issue.severity, f"[{issue.code}] {message}"))
        href = (
            f"#{cell}"
            if cell
            else (f"#table-{issue.resource}" if issue.resource in TABLES else None)
        )
        views.append(IssueView(issue.code, issue.severity, message, place, href))
    return views, marks
