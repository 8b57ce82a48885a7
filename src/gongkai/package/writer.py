"""Write report packages: four CSVs with exactly the schema's columns and a datapackage.json
with the schemas inlined, so the package stands on its own with any Frictionless tool."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from gongkai.package.cells import spreadsheet_text
from gongkai.settings import package_license
from gongkai.standard import TABLE_NAMES, load_standard


def format_cell(value: Any) -> str:
    """A typed value as CSV text. None (not reported) is the empty cell, never 0."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return spreadsheet_text(value)
    return str(value)


def table_csv(fmt: str, table: str, rows: Iterable[Mapping[str, Any]]) -> bytes:
    """One table as UTF-8 CSV with the schema's columns in the schema's order."""
    columns = load_standard().format(fmt).table(table).field_names
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([format_cell(row.get(c)) for c in columns])
    return out.getvalue().encode("utf-8")


def _package_name(text: str) -> str:
    name = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-")
    return name or "report-package"


# Data Package v2, which frictionless 5 reads (the schemas use v2's `categories`).
PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
# Properties of a filed descriptor that describe the data itself, not its files: kept when
# the package is written again (a download keeps the title and sources it was filed with).
_FILE_PROPERTIES = ("$schema", "profile", "name", "resources")
FILE_FORMATS = ("csv", "parquet")  # what a package's tables may be written as
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"  # registered with IANA (2024)


def filed_properties(filed: Mapping[str, Any] | None) -> dict[str, Any]:
    """What a package was filed with (title, description, sources, licenses, contributors,
    x-… notes), without what describes the files, which gongkai writes anew."""
    return {k: v for k, v in (filed or {}).items() if k not in _FILE_PROPERTIES}


def descriptor(
    fmt: str,
    *,
    name: str,
    title: str | None = None,
    description: str | None = None,
    extra: Mapping[str, Any] | None = None,
    license: Mapping[str, str] | None = None,
    file_format: str = "csv",
) -> dict[str, Any]:
    """The descriptor: Data Package v2, the licence (GONGKAI_LICENSE unless given), the
    four resources with their schemas inlined, as CSV files or (`file_format`) Parquet ones.
    `extra` adds or overrides properties (`title`, `sources`, `licenses`, custom `x-…` ones)
    before the resources."""
    tables = load_standard().format(fmt).tables
    result: dict[str, Any] = {"$schema": PACKAGE_PROFILE, "name": _package_name(name)}
    if title:
        result["title"] = title
    if description:
        result["description"] = description
    result["licenses"] = [dict(license or package_license())]
    result.update(extra or {})
    result["resources"] = [_resource(t, tables[t].descriptor, file_format) for t in TABLE_NAMES]
    return result


def _resource(name: str, schema: dict[str, Any], file_format: str) -> dict[str, Any]:
    if file_format == "parquet":  # binary: no encoding
        file = {"path": f"{name}.parquet", "format": "parquet", "mediatype": PARQUET_MEDIATYPE}
    else:
        file = {
            "path": f"{name}.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
        }
    return {"name": name, "type": "table", **file, "schema": schema}


def package_files(
    tables: Mapping[str, Iterable[Mapping[str, Any]]],
    fmt: str,
    *,
    name: str,
    title: str | None = None,
    description: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, bytes]:
    """file name -> content for a package holding these tables."""
    files = {
        "datapackage.json": (
            json.dumps(
                descriptor(fmt, name=name, title=title, description=description, extra=extra),
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        ).encode("utf-8")
    }
    for table in TABLE_NAMES:
        files[f"{table}.csv"] = table_csv(fmt, table, tables.get(table, []))
    return files


def write_package(
    folder: Path,
    tables: Mapping[str, Iterable[Mapping[str, Any]]],
    fmt: str,
    *,
    title: str | None = None,
    description: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = package_files(
        tables, fmt, name=folder.name, title=title, description=description, extra=extra
    )
    for file_name, content in files.items():
        (folder / file_name).write_bytes(content)
    return folder


def package_zip_bytes(
    tables: Mapping[str, Iterable[Mapping[str, Any]]],
    fmt: str,
    *,
    name: str,
    title: str | None = None,
    description: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> bytes:
    """The package as a zip with datapackage.json at its root, as Frictionless tools open it
    (`frictionless validate x.zip`, `Package("x.zip")`)."""
    files = package_files(tables, fmt, name=name, title=title, description=description, extra=extra)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file_name, content in files.items():
            archive.writestr(file_name, content)
    return buffer.getvalue()
