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
from gongkai.api.workbook import request_files
from gongkai.filing import FilingRefused, file_package, registry_mismatch_text
from gongkai.package import ReportPackage
from gongkai.store.filings import issue_record
from gongkai.store.registry import get_agency
from gongkai.uploads import read_upload, registry_details
from gongkai.validation import Issue

bp = Blueprint("filing", __name__)


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
        408: Problem
        415: Problem
        422: Problem
        429: TooManyRequests
    """
    grant = current_grant()
    with engine().connect() as conn:
        agency = get_agency(conn, agency_id)
    check_may_file(grant, agency, agency_id)
    package, import_notes = _package_from_request(f"{agency_id}/{year}", agency_id, year, agency)
    try:
        filed = file_package(engine(), package, import_notes, agency_id, year, agency, grant.id)
    except FilingRefused as refused:
        raise _refusal(refused, agency_id, year) from refused
    receipt = filed.receipt
    url = url_for("reports.get_report", agency_id=agency_id, year=year, version=receipt.version)
    body = {**asdict(receipt), "url": url}
    response = json_response(ReceiptOut, body, status=201 if receipt.created else 200)
    response.headers["Location"] = url
    return response


def _refusal(refused: FilingRefused, agency_id: str, year: int) -> ApiError:
    details = refused.details
    if refused.code == "path-mismatch":
        said_id, said_year = details["agency_id"], details["year"]
        return ApiError(
            422,
            "path-mismatch",
            f"reports.csv is for {said_id} {said_year}, not for {agency_id} {year} as the URL says",
            message_zh=f"reports.csv 填写的是 {said_id} {said_year}，"
            f"与网址中的 {agency_id} {year} 不一致",
            agency_id=said_id,
            year=said_year,
        )
    if refused.code == "registry-mismatch":
        # aggregates group filings by region, level and scope: a package may not move its
        # agency elsewhere than the registry (which the token was checked against) says
        message_zh, message = registry_mismatch_text(details)
        return ApiError(
            422, "registry-mismatch", message, fields=details["fields"], message_zh=message_zh
        )
    errors = details["errors"]
    return ApiError(
        422,
        "invalid-package",
        f"the package has {errors} error(s); nothing was stored",
        message_zh=f"报告包有 {errors} 个错误，未保存；逐条见 issues",
        issues=[issue_record(i) for i in refused.result.issues],
    )


def _package_from_request(
    source: str, agency_id: str, year: int, agency: dict[str, Any] | None
) -> tuple[ReportPackage, list[Issue]]:
    """The package the request carries, and what importing it noticed (workbooks only)."""
    upload = read_upload(
        source,
        request.mimetype,
        request.get_data,
        request_files(),
        known=registry_details(agency_id, year, agency),
    )
    return upload.package, upload.notes
