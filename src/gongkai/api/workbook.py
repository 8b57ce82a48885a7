"""A filled Excel template sent to the filing endpoint, turned into a report package.

The URL names the agency and year, and the registry knows its name, region, level and
scope: those fill (and win over) the workbook's details sheet. What the import noticed
(an unreadable cell, a blank marker) comes back with the validation's warnings.
"""

from __future__ import annotations

from typing import Any

from gongkai.api.errors import ApiError
from gongkai.importers import ImportFailure, import_file
from gongkai.package import ReportPackage, package_files, package_from_files
from gongkai.validation import Issue

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REGISTRY_FIELDS = ("agency_name", "region_code", "level", "scope")


def is_workbook(mimetype: str, filename: str | None = None) -> bool:
    return mimetype == XLSX_TYPE or bool(filename and filename.lower().endswith(".xlsx"))


def package_from_workbook(
    data: bytes, source: str, agency_id: str, year: int, agency: dict[str, Any] | None
) -> tuple[ReportPackage, list[Issue]]:
    known: dict[str, Any] = {"agency_id": agency_id, "year": year}
    if agency is not None:
        known |= {name: agency[name] for name in REGISTRY_FIELDS if agency.get(name)}
    try:
        imported = import_file(data, filename=f"{source}.xlsx", **known)
    except ImportFailure as exc:
        raise ApiError(
            422, "unreadable-workbook", exc.message("en"), message_zh=exc.message("zh")
        ) from exc
    files = package_files(imported.tables, imported.format, name=f"{agency_id}-{year}")
    package = package_from_files(files, source)
    return package, [issue.at(source) for issue in imported.issues]
