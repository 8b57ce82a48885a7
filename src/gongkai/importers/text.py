"""Reports as text: `pdftotext -layout` output, plain `pdftotext` (one cell per line), and
text copied from a web page (cells as `a | b |` runs, tab-separated, or one cell per line),
and comparison texts printing two reports side by side."""

from __future__ import annotations

from typing import Any

from gongkai.importers import sections as parts
from gongkai.importers.report import assemble
from gongkai.importers.result import ImportResult, note
from gongkai.importers.text_columns import column_years, split_columns
from gongkai.importers.text_flat import flat_sections, is_delimited
from gongkai.importers.text_layout import looks_like_layout, read_sections

MIN_DELIMITED_ROWS = 3
# cell separators other than `|` that pages and word processors print: full-width and box bars
BARS = str.maketrans({"｜": "|", "│": "|", "┃": "|", "¦": "|"})


def import_text(
    text: str,
    *,
    source: str,
    stem: str = "",
    overrides: dict[str, Any] | None = None,
    kind: str | None = None,
) -> ImportResult:
    """One report from its text. Two reports printed side by side give the later year's,
    with the other in `companions`."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    lines = [line.translate(BARS) for line in lines]
    overrides = overrides or {}
    years = column_years(lines)
    if years is None:
        return _import_lines(lines, text, source, stem, overrides, kind)
    results = []
    for column, year in zip(split_columns(lines, years), years, strict=True):
        given = {**overrides, "year": year}
        result = _import_lines(column, "\n".join(column), source, stem, given, "text-columns")
        result.issues.insert(
            0,
            note(
                "side-by-side",
                f"两份报告并排印制，此为 {year} 年一栏",
                f"two reports printed side by side; this is the {year} column",
            ),
        )
        results.append(result)
    latest = max(results, key=lambda r: r.details.year or 0)
    latest.companions = [r for r in results if r is not latest]
    return latest


def _import_lines(
    lines: list[str],
    text: str,
    source: str,
    stem: str,
    overrides: dict[str, Any],
    kind: str | None,
) -> ImportResult:
    spans = parts.split(lines)
    table_lines = [line for t, (s, e) in spans.items() if t != "narrative" for line in lines[s:e]]
    delimited = sum(1 for line in table_lines if is_delimited(line)) >= MIN_DELIMITED_ROWS
    layout = not delimited and looks_like_layout(table_lines)
    if kind is None:
        kind = "text-layout" if layout else "text-flat"
    sections = read_sections(lines, spans) if layout else flat_sections(lines, spans)
    return assemble(
        source=source,
        kind=kind,
        text=text,
        narrative=parts.narrative(lines, spans),
        sections=sections,
        overrides=overrides,
        stem=stem,
    )
