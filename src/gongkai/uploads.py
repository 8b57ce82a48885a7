"""An upload read as a report package: a zip, the CSV files (multipart), or the filled Excel
template. The filing and validation endpoints and the pages read uploads here, so they all
accept the same things and refuse the rest with the same words.

Nothing is written anywhere: the package lives in memory for as long as the caller keeps it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from gongkai.importers import ImportFailure, import_file
from gongkai.package import (
    PackageError,
    ReportPackage,
    package_files,
    package_from_files,
    package_from_zip,
)
from gongkai.standard import TABLE_NAMES
from gongkai.validation import Issue

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/octet-stream")
REGISTRY_FIELDS = ("agency_name", "region_code", "level", "scope")
ZIP, CSV, XLSX = "zip", "csv", "xlsx"  # what an upload was


class UploadError(Exception):
    """The upload cannot be read as a package (not: read and found invalid)."""

    def __init__(self, status: int, code: str, zh: str, en: str, **extra: Any) -> None:
        super().__init__(en)
        self.status = status
        self.code = code
        self.zh = zh
        self.en = en
        self.extra = extra

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class UploadedFile:
    field: str  # the form field (may name the table: reports, proactive, …)
    filename: str | None
    data: bytes


@dataclass
class Upload:
    package: ReportPackage
    kind: str  # zip, csv or xlsx
    notes: list[Issue] = field(default_factory=list)  # what importing a workbook noticed


def is_workbook(mimetype: str, filename: str | None = None) -> bool:
    return mimetype == XLSX_TYPE or bool(filename and filename.lower().endswith(".xlsx"))


def is_zip(mimetype: str, filename: str | None = None) -> bool:
    return mimetype in ZIP_TYPES[:2] or bool(filename and filename.lower().endswith(".zip"))


def read_upload(
    source: str,
    mimetype: str,
    body: Callable[[], bytes],
    files: Sequence[UploadedFile] = (),
    known: dict[str, Any] | None = None,
) -> Upload:
    """The package a request carries: `body` is its raw body (read only for a zip or a
    workbook), `files` the multipart files. `known` (agency_id, year and the registry's
    details) is given for a filing: it fills and wins over a workbook's details sheet, and
    the package must hold one report. Raises UploadError, and PackageError for an unsafe or
    oversize package or a filing of several reports."""
    upload = _read(source, mimetype, body, files, known)
    if known is not None:
        refuse_several_reports(upload.package)
    return upload


def refuse_several_reports(package: ReportPackage) -> None:
    """A filing is one report: a package of thousands is refused before it is validated
    (counting rows of reports.csv costs milliseconds, validating them minutes)."""
    data = package.files.get("reports")
    if data is None:
        return  # validation reports the missing table
    lines = io.StringIO(data.decode("utf-8", "replace"))
    try:
        rows = sum(1 for row in csv.reader(lines) if any(cell.strip() for cell in row)) - 1
    except csv.Error:
        return  # not CSV as the csv module reads it: validation says what is wrong
    if rows > 1:
        raise PackageError("several-reports", package.source, str(rows))


def _read(
    source: str,
    mimetype: str,
    body: Callable[[], bytes],
    files: Sequence[UploadedFile],
    known: dict[str, Any] | None,
) -> Upload:
    if is_workbook(mimetype):
        return read_workbook(body(), source, known)
    if mimetype == "multipart/form-data":
        files = [f for f in files if f.data or f.filename]  # a form's empty file inputs
        if len(files) == 1 and is_workbook("", files[0].filename):
            return read_workbook(files[0].data, source, known)
        if len(files) == 1 and is_zip("", files[0].filename):
            return Upload(package_from_zip(files[0].data, source), ZIP)
        if not files:
            raise UploadError(
                400, "no-files", "请求中没有文件", "the multipart body holds no files"
            )
        named = {_file_name(f.field, f.filename): f.data for f in files}
        return Upload(package_from_files(named, source), CSV)
    if mimetype in ZIP_TYPES:
        return Upload(package_from_zip(body(), source), ZIP)
    raise UploadError(
        415,
        "unsupported-media-type",
        "请以 zip（Content-Type: application/zip）、multipart/form-data 的 CSV 文件"
        "或填好的 Excel 模板（.xlsx）报送",
        "send a zip of the report package (Content-Type: application/zip), the CSV files "
        "as multipart/form-data, or the filled Excel template (.xlsx)",
        content_type=mimetype or None,
    )


def registry_details(agency_id: str, year: int, agency: dict[str, Any] | None) -> dict[str, Any]:
    """What the filing URL and the registry know of a report: they fill a workbook."""
    known: dict[str, Any] = {"agency_id": agency_id, "year": year}
    if agency is not None:
        known |= {name: agency[name] for name in REGISTRY_FIELDS if agency.get(name)}
    return known


def read_workbook(data: bytes, source: str, known: dict[str, Any] | None = None) -> Upload:
    """A filled Excel template as a package; what the import noticed comes back as notes."""
    try:
        imported = import_file(data, filename=f"{source}.xlsx", **(known or {}))
    except ImportFailure as exc:
        raise UploadError(422, "unreadable-workbook", exc.message("zh"), exc.message("en")) from exc
    report = imported.tables.get("reports", [{}])[0] if imported.tables.get("reports") else {}
    name = f"{report.get('agency_id') or 'report'}-{report.get('year') or ''}".rstrip("-")
    files = package_files(imported.tables, imported.format, name=name)
    package = package_from_files(files, source)
    return Upload(package, XLSX, [issue.at(source) for issue in imported.issues])


def _file_name(field_name: str, filename: str | None) -> str:
    """The form field names the table (`-F reports=@any-name.csv`) when it is one."""
    table = field_name.removesuffix(".csv")
    if table in TABLE_NAMES:
        return f"{table}.csv"
    return filename or field_name
