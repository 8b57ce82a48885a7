"""HTML pages with the tables as <table>: rowspan/colspan expanded to a grid, values mapped
by their labels; the page's other text gives the narrative and the report details."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup, Tag

from gongkai.importers import sections as parts
from gongkai.importers.files import MAX_COLUMNS, MAX_ROWS, too_many
from gongkai.importers.grid import Grid, expand, grid_sections
from gongkai.importers.report import assemble
from gongkai.importers.result import ImportResult
from gongkai.importers.text_flat import flat_sections


def _span(cell: Tag, name: str) -> int:
    """rowspan/colspan, at least 1 and no larger than a table may be."""
    limit = MAX_ROWS if name == "rowspan" else MAX_COLUMNS
    try:
        return min(max(int(str(cell.get(name, "1")).strip() or 1), 1), limit)
    except ValueError:
        return 1


def table_grid(table: Tag, name: str = "", n: int = 0) -> Grid:
    trs = table.find_all("tr")
    if len(trs) > MAX_ROWS:
        raise too_many(name, f"第 {n} 个表格", f"table {n}", len(trs), MAX_ROWS, rows=True)
    rows = []
    for tr in trs:
        cells = tr.find_all(["td", "th"], recursive=False)
        row = [
            (c.get_text("", strip=True), _span(c, "rowspan"), _span(c, "colspan")) for c in cells
        ]
        width = sum(span for _, _, span in row)
        if width > MAX_COLUMNS:
            raise too_many(name, f"第 {n} 个表格", f"table {n}", width, MAX_COLUMNS, rows=False)
        rows.append(row)
    return expand(rows)


def import_html(
    text: str, *, source: str, stem: str = "", overrides: dict[str, Any] | None = None
) -> ImportResult:
    soup = BeautifulSoup(text, "lxml")
    for junk in soup(["script", "style", "noscript"]):
        junk.decompose()
    leaf_tables = [t for t in soup.find_all("table") if t.find("table") is None]
    grids = [table_grid(t, source, n) for n, t in enumerate(leaf_tables, start=1)]
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
