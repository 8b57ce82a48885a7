"""PDF files read directly with pdfplumber: each page's layout text (rows kept on one line, as
`pdftotext -layout` does) feeds the layout-text importer."""

from __future__ import annotations

import io
from typing import Any

import pdfplumber

from gongkai.importers.files import opening
from gongkai.importers.result import ImportResult
from gongkai.importers.text import import_text


def pdf_text(data: bytes) -> str:
    pages = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            pages.append(page.extract_text(layout=True) or "")
    return "\n".join(pages)


def import_pdf(
    data: bytes, *, source: str, stem: str = "", overrides: dict[str, Any] | None = None
) -> ImportResult:
    with opening(source, "pdf"):
        text = pdf_text(data)
    return import_text(text, source=source, stem=stem, overrides=overrides, kind="pdf")
