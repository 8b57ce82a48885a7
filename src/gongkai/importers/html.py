"""HTML pages with the tables as <table>: rowspan/colspan expanded to a grid, values mapped
by their labels; the page's other text gives the narrative and the report details."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup, Tag

from gongkai.importers import sections as parts
from gongkai.importers.grid import Grid, expand, grid_sections
from gongkai.importers.report import assemble
from gongkai.importers.result import ImportResult
from gongkai.importers.text_flat import flat_sections


def _span(cell: Tag, name: str) -> int:
    try:
        return max(int(str(cell.get(name, "1")).strip() or 1), 1)
    except ValueError:
        return 1


def table_grid(table: Tag) -> Grid:
    rows = []
    for tr in table.find_all("tr"):
        cells = tr.find_all(["td", "th"], recursive=False)
        rows.append(
            [(c.get_text("", strip=True), _span(c, "rowspan"), _span(c, "colspan")) for c in cells]
        )
    return expand(rows)


def import_html(
    text: str, *, source: str, stem: str = "", overrides: dict[str, Any] | None = None
) -> ImportResult:
    soup = BeautifulSoup(text, "lxml")
    for junk in soup(["script", "style", "noscript"]):
        junk.decompose()
    leaf_tables = [t for t in soup.find_all("table") if t.find("table") is None]
    grids = [table_grid(t) for t in leaf_tables]
    for table in leaf_tables:
        table.replace_with(soup.new_string("\n"))
    page_text = soup.get_text("\n")
    lines = [line.strip() for line in page_text.splitlines()]
    lines = [line for line in lines if line]
    spans = parts.split(lines)
    sections = grid_sections(grids)
    if not sections:  # tables lost as <table>: perhaps pasted as text runs
        sections = flat_sections(lines, spans)
    return assemble(
        source=source,
        kind="html",
        text="\n".join(lines),
        narrative=parts.narrative(lines, spans),
        sections=sections,
        overrides=overrides or {},
        stem=stem,
    )
