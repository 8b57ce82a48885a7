"""/agencies/{id}/reports: filed reports, every version, as JSON, CSV or the package zip."""

from __future__ import annotations

import io
import json
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock
from typing import Any, NoReturn

from flask import Blueprint, Response, current_app

from gongkai.api.args import OutputArgs, ReportArgs
from gongkai.api.context import engine, settings
from gongkai.api.errors import ApiError
from gongkai.api.listing import list_response
from gongkai.api.out import ReportOut, TableOut, VersionListOut
from gongkai.api.represent import (
    cached,
    conditional,
    csv_response,
    etag_of,
    json_body,
    json_response,
    parse_args,
    split_suffix,
    wants_csv,
)
from gongkai.package.reader import DESCRIPTOR
from gongkai.package.writer import descriptor, filed_properties
from gongkai.settings import license_entry
from gongkai.standard import TABLE_NAMES, load_standard
from gongkai.store.current import current_filings
from gongkai.store.queries import Filing, filed_files, filing_tables, get_filing, versions

bp = Blueprint("reports", __name__)


@bp.get("/agencies/<agency_id>/reports")
def list_versions(agency_id: str) -> Response:
    """Every year and version an agency filed.
    ---
    get:
      operationId: listReportVersions
      summary: Years and versions filed by an agency (current marks the newest)
      tags: [reports]
      parameters:
      - in: query
        schema: OutputArgs
      responses:
        200:
          description: versions
          content:
            application/json: {schema: VersionListOut}
        400: Problem
        404: Problem
    """
    parse_args(OutputArgs)
    rows = versions(engine(), agency_id)
    if not rows:
        _no_reports(agency_id)
    return list_response(VersionListOut, rows, total=len(rows), agency_id=agency_id)


def _no_reports(agency_id: str, year: int | None = None, version: int | None = None) -> NoReturn:
    what = f"agency {agency_id}"
    if year is not None:
        what += f", year {year}"
    if version is not None:
        what += f", version {version}"
    raise ApiError(404, "no-report", f"no report filed for {what}")


def _filing(agency_id: str, year: int, version: int | None) -> Filing:
    filing = get_filing(engine(), agency_id, year, version)
    if filing is None:
        _no_reports(agency_id, year, version)
    return filing


@bp.get("/agencies/<agency_id>/reports/<int(min=2008, max=2100):year>")
def get_report(agency_id: str, year: int) -> Response:
    """A filed report: its four tables, version, sha256 and warnings.
    ---
    get:
      operationId: getReport
      summary: "A filed report: four tables, version, warnings"
      tags: [reports]
      parameters:
      - in: query
        schema: ReportArgs
      responses:
        200:
          description: the report
          headers:
            ETag: {$ref: '#/components/headers/ETag'}
          content:
            application/json: {schema: ReportOut}
        304: NotModified
        400: Problem
        404: Problem
    """
    args = parse_args(ReportArgs)
    if args.get("format") == "csv":
        raise ApiError(
            400,
            "bad-argument",
            "a report has four tables: ask for one as CSV (…/{table}.csv) or for datapackage.zip",
            argument="format",
        )
    version = args.get("version")
    # Every request asks which version is current (a correction may be filed at any moment,
    # by any process): one probe of `heads`. The body of a filing and a current version never
    # changes: it is rendered once and kept.
    head = current_filings(engine()).find(agency_id, year, version)
    if head is None:
        _no_reports(agency_id, year, version)
    rendered = _bodies().get((head.filing_id, head.current_version))
    if rendered is None:
        rendered = _render(agency_id, year, version or head.current_version)
    response = Response(rendered.body, mimetype="application/json")
    return conditional(response, rendered.etag, immutable=version is not None)


@dataclass(frozen=True)
class _Rendered:
    body: bytes
    etag: str


def _render(agency_id: str, year: int, version: int) -> _Rendered:
    """The JSON of a version of a report, kept under its filing and the current version it
    states (read again here: a correction filed since the probe is stated, and kept apart)."""
    filing = _filing(agency_id, year, version)
    body = _report_body(filing)
    body["tables"] = filing_tables(engine(), filing)
    rendered = _Rendered(
        body=json_body(ReportOut, body).encode(),
        etag=etag_of([filing.sha256, filing.version, "json"]),
    )
    return _bodies().put((filing.id, filing.current_version), rendered)


class _Bodies:
    """A small LRU of rendered report bodies, per app (filings are immutable)."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self.items: OrderedDict[tuple[int, int], _Rendered] = OrderedDict()
        self.lock = Lock()

    def get(self, key: tuple[int, int]) -> _Rendered | None:
        with self.lock:
            rendered = self.items.get(key)
            if rendered is not None:
                self.items.move_to_end(key)
            return rendered

    def put(self, key: tuple[int, int], rendered: _Rendered) -> _Rendered:
        with self.lock:
            self.items[key] = rendered
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return rendered


_BODIES = "gongkai.report_bodies"


def _bodies() -> _Bodies:
    bodies = current_app.extensions.get(_BODIES)
    if bodies is None:
        bodies = current_app.extensions.setdefault(_BODIES, _Bodies())
    return bodies


def _report_body(filing: Filing) -> dict[str, Any]:
    return {
        "agency_id": filing.agency_id,
        "year": filing.year,
        "version": filing.version,
        "current_version": filing.current_version,
        "sha256": filing.sha256,
        "received_at": filing.received_at,
        "format": filing.format,
        "warnings": filing.warnings,
    }


@bp.get("/agencies/<agency_id>/reports/<int(min=2008, max=2100):year>/<table>")
def get_table(agency_id: str, year: int, table: str) -> Response:
    """One table of a filed report.
    ---
    get:
      operationId: getReportTable
      summary: One table of a filed report (table.csv for CSV)
      tags: [reports]
      parameters:
      - table
      - in: query
        schema: ReportArgs
      responses:
        200:
          description: the table's rows
          headers:
            ETag: {$ref: '#/components/headers/ETag'}
          content:
            application/json: {schema: TableOut}
            text/csv: {schema: {type: string}}
        304: NotModified
        400: Problem
        404: Problem
    """
    table, suffix = split_suffix(table)
    if table not in TABLE_NAMES:
        raise ApiError(404, "unknown-table", f"no table {table!r}: one of {', '.join(TABLE_NAMES)}")
    args = parse_args(ReportArgs)
    filing = _filing(agency_id, year, args.get("version"))
    rows = filing_tables(engine(), filing)[table]
    immutable = "version" in args
    if wants_csv(args, suffix):
        schema = load_standard().formats[filing.format].tables[table]
        filename = f"{agency_id}-{year}-v{filing.version}-{table}.csv"
        response = csv_response(
            schema.field_names,
            rows,
            bom=args["bom"],
            filename=filename,
            labels=args.get("labels"),
            tables=[schema],
        )
        return cached(
            response,
            [filing.sha256, filing.version, table, "csv", args["bom"], args.get("labels")],
            immutable=immutable,
        )
    body = {
        "agency_id": agency_id,
        "year": year,
        "version": filing.version,
        "table": table,
        "items": rows,
        "total": len(rows),
        "next": None,
    }
    return cached(
        json_response(TableOut, body), [filing.sha256, filing.version, table], immutable=immutable
    )


@bp.get("/agencies/<agency_id>/reports/<int(min=2008, max=2100):year>/datapackage.zip")
def package_zip(agency_id: str, year: int) -> Response:
    """The filed package, its schemas inlined.
    ---
    get:
      operationId: getReportPackage
      summary: The filed package with its schemas inlined (a data package zip)
      tags: [reports]
      parameters:
      - in: query
        schema: ReportArgs
      responses:
        200:
          description: a data package zip
          headers:
            ETag: {$ref: '#/components/headers/ETag'}
          content:
            application/zip: {schema: {type: string, format: binary}}
        304: NotModified
        400: Problem
        404: Problem
    """
    return _package_zip(agency_id, year)


def _package_zip(agency_id: str, year: int) -> Response:
    """The filing as a package: its tables as filed, datapackage.json at the root with what
    it was filed with (title, description, sources, …) and the service's licence unless the
    filer gave one."""
    args = parse_args(ReportArgs)
    filing = _filing(agency_id, year, args.get("version"))
    name = f"{agency_id}-{year}-v{filing.version}"
    files = filed_files(engine(), filing.id)
    filed = files.pop(DESCRIPTOR, None)
    meta = descriptor(
        filing.format,
        name=name,
        title=f"{agency_id} {year} version {filing.version}",
        description=f"sha256 {filing.sha256}",
        extra={
            **filed_properties(json.loads(filed) if filed else None),
            "x-filing": {"version": filing.version, "sha256": filing.sha256},
        },
        license=license_entry(settings().license),
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DESCRIPTOR, json.dumps(meta, ensure_ascii=False, indent=2) + "\n")
        for file_name, content in files.items():
            archive.writestr(file_name, content)
    response = Response(buffer.getvalue(), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.zip"'
    key = [filing.sha256, filing.version, "zip", settings().license]
    return cached(response, key, immutable="version" in args)
