"""Reports as text: `pdftotext -layout` output, plain `pdftotext` (one cell per line), and
text copied from a web page (cells as `a | b |` runs, tab-separated, or one cell per line)."""

from __future__ import annotations

from typing import Any

from gongkai.importers import sections as parts
from gongkai.importers.report import assemble
from gongkai.importers.result import ImportResult
from gongkai.importers.text_flat import flat_sections, is_delimited
from gongkai.importers.text_layout import looks_like_layout, read_sections

MIN_DELIMITED_ROWS = 3


def import_text(
    text: str,
    *,
    source: str,
    stem: str = "",
    overrides: dict[str, Any] | None = None,
    kind: str | None = None,
) -> ImportResult:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
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
        overrides=overrides or {},
        stem=stem,
    )
