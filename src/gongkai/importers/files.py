"""Pick the importer by the file's kind (its name, else its first bytes) and run it; write
the result as a report package."""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from docx.opc.exceptions import PackageNotFoundError
from openpyxl.utils.exceptions import InvalidFileException
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException

from gongkai.importers.result import ImportResult
from gongkai.package import max_package_bytes, write_package
from gongkai.package.encoding import decode_csv
from gongkai.standard import load_standard

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
# a report's tables have a few dozen rows and at most 15 value columns; a sheet or table far
# larger is not a report (and reading it cell by cell would keep the importer busy for minutes)
MAX_ROWS = 2000
MAX_COLUMNS = 100
MAX_MEMBERS = 1000  # files in a .docx or .xlsx archive
# what an import may be told: any column of reports.csv
OVERRIDES = tuple(load_standard().format("2021").table("reports").field_names)


# what the document libraries raise on input they cannot read; caught only around their calls
# (`opening`), so a mistake in a value or in our own code is never reported as a broken file
BROKEN: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    KeyError,
    IndexError,  # a cell naming a style the workbook lacks
    zlib.error,  # damaged compressed data, found only when a member is read
    RuntimeError,  # an encrypted member
    NotImplementedError,  # a compression method zipfile does not know
    EOFError,
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


def too_large(name: str, size: int, what: str = "", what_en: str = "") -> ImportFailure:
    limit = max_package_bytes()
    return ImportFailure(
        f"{name}：{what}文件过大（{size} 字节，上限 {limit} 字节，见 GONGKAI_MAX_PACKAGE_BYTES）",
        f"{name}: {what_en}too large ({size} bytes, the limit is {limit} bytes, "
        "see GONGKAI_MAX_PACKAGE_BYTES)",
    )


def too_many(
    name: str, where: str, where_en: str, count: int, limit: int, rows: bool
) -> ImportFailure:
    unit, unit_en = ("行", "rows") if rows else ("列", "columns")
    return ImportFailure(
        f"{name}：{where}超过 {limit} {unit}（至少 {count} {unit}）；年度报告的表格没有这么大，"
        "请只保留报告的表格",
        f"{name}: {where_en} has more than {limit} {unit_en} (at least {count}); a report's "
        "tables are not that large, keep only the report's tables",
    )


def check_archive(data: bytes, name: str) -> None:
    """A .docx or .xlsx is a zip: refuse one that unpacks to more than the package limit."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        return  # not a zip at all: the reader reports it unreadable
    if len(members) > MAX_MEMBERS:
        raise ImportFailure(
            f"{name}：压缩包内文件过多（{len(members)} 个，上限 {MAX_MEMBERS} 个）",
            f"{name}: too many files inside ({len(members)}, the limit is {MAX_MEMBERS})",
        )
    unpacked = sum(m.file_size for m in members)
    if unpacked > max_package_bytes():
        raise too_large(name, unpacked, "解压后", "unpacked, ")


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
            status = path.stat()
            if not stat.S_ISREG(status.st_mode):  # /dev/zero never ends, a FIFO blocks
                raise ImportFailure(
                    f"{name}：不是普通文件（设备、管道或文件夹），未读取",
                    f"{name}: not a regular file (a device, a pipe or a folder): not read",
                )
            if status.st_size > max_package_bytes():
                raise too_large(name, status.st_size)
            with path.open("rb") as fh:  # the file may grow while it is read
                data = fh.read(max_package_bytes() + 1)
        except OSError as exc:
            raise ImportFailure(
                f"{name}：无法读取（{exc.strerror}）", f"{name}: cannot be read ({exc.strerror})"
            ) from exc
    if len(data) > max_package_bytes():
        raise too_large(name, len(data))
    kind = _kind(name, data)
    if kind in ("docx", "xlsx"):
        check_archive(data, name)
    reader = _readers()[kind]
    return reader(data, source=name, stem=Path(name).stem.split(".")[0], overrides=overrides)


@contextmanager
def opening(name: str, kind: str) -> Iterator[None]:
    """Around a document library's call: its giving up on the file means the file is broken."""
    try:
        yield
    except BROKEN as exc:
        raise ImportFailure(
            f"{name}：无法作为 {kind} 文件读取（{exc}）",
            f"{name}: cannot be read as {kind} ({exc})",
        ) from exc


NOTES_PROPERTY = "x-import-notes"


def write_result(result: ImportResult, folder: Path) -> Path:
    """Write the imported tables as a report package folder. The descriptor records where the
    figures come from (`sources`: the file, and its address when known) and every note of the
    import (`x-import-notes`: code, where, and the message in Chinese and English)."""
    name = result.details.agency_name or result.source
    year = result.details.year
    title = f"{name} {year} 年政府信息公开工作年度报告" if year else name
    source: dict[str, str] = {"title": result.source}
    if result.details.source_url:
        source["path"] = result.details.source_url
    notes = [{**issue.to_dict("zh"), "message_en": issue.message("en")} for issue in result.issues]
    description = (
        f"由 {result.source} 导入（{result.kind}，{result.format} 格式），"
        f"导入说明 {len(notes)} 条，见 {NOTES_PROPERTY}。"
        f"Imported from {result.source} ({result.kind}, {result.format} format); "
        f"{len(notes)} import notes, see {NOTES_PROPERTY}."
    )
    return write_package(
        folder,
        result.tables,
        result.format,
        title=title,
        description=description,
        extra={"sources": [source], NOTES_PROPERTY: notes},
    )
