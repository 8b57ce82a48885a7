"""Pick the importer by the file's kind (its name, else its first bytes) and run it; write
the result as a report package."""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docx.opc.exceptions import PackageNotFoundError
from openpyxl.utils.exceptions import InvalidFileException
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException

from gongkai.importers.result import ImportResult
from gongkai.package import write_package
from gongkai.package.encoding import decode_csv

KINDS = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
    ".xlsx": "xlsx",
}
MAX_BYTES = 50 * 1024 * 1024
OVERRIDES = (
    "agency_id",
    "agency_name",
    "region_code",
    "level",
    "scope",
    "year",
    "format",
    "published_on",
    "source_url",
)


# what the document libraries raise on input they cannot read
BROKEN: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    SyntaxError,
    OSError,
    PSException,
    PdfminerException,
    InvalidFileException,
    PackageNotFoundError,
)


class ImportFailure(Exception):
    """The input could not be read at all (unknown kind, unreadable file, broken document)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


def _sniff(data: bytes) -> str | None:
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK"):
        if b"word/" in data[:65536]:
            return "docx"
        if b"xl/" in data[:65536]:
            return "xlsx"
        return None
    if re.search(rb"<(!doctype html|html|table|body)", head[:1024].lower()):
        return "html"
    return "text"


def _kind(filename: str, data: bytes) -> str:
    kind = KINDS.get(Path(filename).suffix.lower()) or _sniff(data)
    if kind is None:
        raise ImportFailure(
            f"{filename}：无法识别的文件类型（支持 .txt .html .docx .pdf .xlsx）",
            f"{filename}: unknown file type (.txt .html .docx .pdf .xlsx are read)",
        )
    return kind


def decode_text(data: bytes, filename: str) -> str:
    decoded = decode_csv(data)
    if decoded is None:
        raise ImportFailure(
            f"{filename}：无法识别文本编码（支持 UTF-8、GB18030、UTF-16）",
            f"{filename}: unknown text encoding (UTF-8, GB18030 and UTF-16 are read)",
        )
    return decoded[0]


def _readers() -> dict[str, Callable[..., ImportResult]]:
    from gongkai.importers.docx import import_docx
    from gongkai.importers.html import import_html
    from gongkai.importers.pdf import import_pdf
    from gongkai.importers.text import import_text
    from gongkai.importers.xlsx import import_xlsx

    def text(data: bytes, **kw: Any) -> ImportResult:
        return import_text(decode_text(data, kw["source"]), **kw)

    def html(data: bytes, **kw: Any) -> ImportResult:
        return import_html(decode_text(data, kw["source"]), **kw)

    return {"text": text, "html": html, "docx": import_docx, "pdf": import_pdf, "xlsx": import_xlsx}


def import_file(
    source: str | os.PathLike[str] | bytes, filename: str | None = None, **overrides: Any
) -> ImportResult:
    """Import one report. `source` is a path, or the file's bytes with its `filename`.

    Keyword overrides fill or correct what the report does not say: agency_id, agency_name,
    region_code, level, scope, year, format, published_on, source_url.
    """
    unknown = set(overrides) - set(OVERRIDES)
    if unknown:
        raise TypeError(f"unknown overrides: {', '.join(sorted(unknown))}")
    if isinstance(source, bytes):
        data, name = source, filename or "upload"
    else:
        path = Path(source)
        name = filename or path.name
        try:
            if path.stat().st_size > MAX_BYTES:
                raise ImportFailure(f"{name}：文件过大", f"{name}: file too large")
            data = path.read_bytes()
        except OSError as exc:
            raise ImportFailure(
                f"{name}：无法读取（{exc.strerror}）", f"{name}: cannot be read ({exc.strerror})"
            ) from exc
    kind = _kind(name, data)
    reader = _readers()[kind]
    try:
        return reader(data, source=name, stem=Path(name).stem.split(".")[0], overrides=overrides)
    except ImportFailure:
        raise
    except BROKEN as exc:  # a broken document: the library reading it gave up
        raise ImportFailure(
            f"{name}：无法作为 {kind} 文件读取（{exc}）",
            f"{name}: cannot be read as {kind} ({exc})",
        ) from exc


def write_result(result: ImportResult, folder: Path) -> Path:
    """Write the imported tables as a report package folder."""
    name = result.details.agency_name or result.source
    year = result.details.year
    title = f"{name} {year} 年政府信息公开工作年度报告" if year else name
    return write_package(
        folder,
        result.tables,
        result.format,
        title=title,
        description=f"imported from {result.source}",
    )
