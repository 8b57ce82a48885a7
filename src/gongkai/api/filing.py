"""POST /agencies/{id}/reports/{year}: file a report package (a zip, multipart CSV files, or
the filled Excel template)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, Response, request, url_for

from gongkai.api.auth import check_may_file, current_grant
from gongkai.api.context import engine
from gongkai.api.errors import ApiError
from gongkai.api.out import ReceiptOut
from gongkai.api.represent import json_response
from gongkai.api.workbook import is_workbook, package_from_workbook
from gongkai.package import ReportPackage, package_from_files, package_from_zip
from gongkai.standard import TABLE_NAMES
from gongkai.store.filings import file_report, issue_record, new_filing, record_rejection
from gongkai.store.queries import stored_package
from gongkai.store.registry import get_agency, load_agencies
from gongkai.validation import Issue, ValidationResult, validate

bp = Blueprint("filing", __name__)

PLACE_FIELDS = ("region_code", "level", "scope")  # where aggregates count a report
ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/octet-stream")


@bp.post("/agencies/<agency_id>/reports/<int(min=2008, max=2100):year>")
def file(agency_id: str, year: int) -> Response:
    """File a report package.
    ---
    post:
      operationId: fileReport
      summary: File a report package (a zip, the CSV files as multipart/form-data, or the
        filled Excel template)
      tags: [filing]
      security:
      - bearer: []
      requestBody:
        required: true
        content:
          application/zip: {schema: {type: string, format: binary}}
          application/vnd.openxmlformats-officedocument.spreadsheetml.sheet:
            schema: {type: string, format: binary}
          multipart/form-data:
            schema:
              type: object
              additionalProperties: {type: string, format: binary}
      responses:
        201:
          description: filed as a new version
          headers:
            Location: {description: the version's URL, schema: {type: string}}
          content:
            application/json: {schema: ReceiptOut}
        200:
          description: identical to the current version (created is false)
          headers:
            Location: {description: the version's URL, schema: {type: string}}
          content:
            application/json: {schema: ReceiptOut}
        400: Problem
        401: Problem
        403: Problem
        404: Problem
        413: Problem
        415: Problem
        422: Problem
    """
    grant = current_grant()
    with engine().connect() as conn:
        agency = get_agency(conn, agency_id)
    check_may_file(grant, agency, agency_id)
    package, import_notes = _package_from_request(f"{agency_id}/{year}", agency_id, year, agency)
    result = validate(package, previous=_previous_year(agency_id, year))
    result.issues[:0] = import_notes
    report = result.report or {}
    if result.valid and (report.get("agency_id"), report.get("year")) != (agency_id, year):
        raise ApiError(
            422,
            "path-mismatch",
            f"reports.csv is for {report.get('agency_id')} {report.get('year')}, "
            f"not for {agency_id} {year} as the URL says",
            message_zh=f"reports.csv 填写的是 {report.get('agency_id')} {report.get('year')}，"
            f"与网址中的 {agency_id} {year} 不一致",
            agency_id=report.get("agency_id"),
            year=report.get("year"),
        )
    if result.valid and agency is not None:
        _check_registry(agency, report)
    if not result.valid:
        issues = [issue_record(i) for i in result.issues]
        if agency is not None:
            record_rejection(engine(), agency_id, year, package.sha256, issues)
        raise ApiError(
            422,
            "invalid-package",
            f"the package has {len(result.errors)} error(s); nothing was stored",
            message_zh=f"报告包有 {len(result.errors)} 个错误，未保存；逐条见 issues",
            issues=issues,
        )
    if agency is None:  # only an admin gets here: register the agency from reports.csv
        load_agencies(engine(), [report])
    receipt = file_report(engine(), new_filing(result), token_id=grant.id)
    url = url_for("reports.get_report", agency_id=agency_id, year=year, version=receipt.version)
    body = {**asdict(receipt), "url": url}
    response = json_response(ReceiptOut, body, status=201 if receipt.created else 200)
    response.headers["Location"] = url
    return response


def _check_registry(agency: dict[str, Any], report: dict[str, Any]) -> None:
    """Aggregates group filings by their region, level and scope: a package may not move its
    agency elsewhere than the registry (which the token was checked against) says."""
    differ = [name for name in PLACE_FIELDS if report.get(name) != agency.get(name)]
    if differ:
        said = ", ".join(f"{n}={report.get(n)} (registry: {agency.get(n)})" for n in differ)
        said_zh = "，".join(f"{n} 为 {report.get(n)}（名录中为 {agency.get(n)}）" for n in differ)
        raise ApiError(
            422,
            "registry-mismatch",
            f"reports.csv does not match the registry: {said}",
            fields=differ,
            message_zh=f"reports.csv 与应报告机关名录不一致：{said_zh}",
        )


def _package_from_request(
    source: str, agency_id: str, year: int, agency: dict[str, Any] | None
) -> tuple[ReportPackage, list[Issue]]:
    """The package the request carries, and what importing it noticed (workbooks only)."""
    mimetype = request.mimetype
    if is_workbook(mimetype):
        return package_from_workbook(request.get_data(), source, agency_id, year, agency)
    if mimetype == "multipart/form-data":
        uploads = list(request.files.items(multi=True))
        if len(uploads) == 1 and is_workbook("", uploads[0][1].filename):
            data = uploads[0][1].read()
            return package_from_workbook(data, source, agency_id, year, agency)
        files = {_file_name(key, f.filename): f.read() for key, f in uploads}
        if not files:
            raise ApiError(
                400, "no-files", "the multipart body holds no files", message_zh="请求中没有文件"
            )
        return package_from_files(files, source), []
    if mimetype in ZIP_TYPES:
        return package_from_zip(request.get_data(), source), []
    raise ApiError(
        415,
        "unsupported-media-type",
        "send a zip of the report package (Content-Type: application/zip), the CSV files "
        "as multipart/form-data, or the filled Excel template (.xlsx)",
        message_zh="请以 zip（Content-Type: application/zip）、multipart/form-data 的 CSV 文件"
        "或填好的 Excel 模板（.xlsx）报送",
        content_type=mimetype or None,
    )


def _file_name(field: str, filename: str | None) -> str:
    """The form field names the table (`-F reports=@any-name.csv`) when it is one."""
    table = field.removesuffix(".csv")
    if table in TABLE_NAMES:
        return f"{table}.csv"
    return filename or field


def _previous_year(agency_id: str, year: int) -> list[ValidationResult]:
    """Last year's stored report, so continuity rules can compare (warnings only)."""
    package = stored_package(engine(), agency_id, year - 1)
    return [validate(package)] if package is not None else []
