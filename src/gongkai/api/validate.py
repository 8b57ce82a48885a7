"""POST /validate: validate a package without filing it (no token, nothing stored, no refusal
recorded): what agencies' CI scripts and the 在线校验 page call."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from gongkai.api.context import engine
from gongkai.api.out import ValidationOut
from gongkai.api.represent import json_response
from gongkai.api.workbook import request_files
from gongkai.checking import check_upload
from gongkai.store.filings import issue_record
from gongkai.uploads import read_upload
from gongkai.validation import ValidationResult

bp = Blueprint("validate", __name__)

REPORT_FIELDS = ("agency_id", "year", "agency_name", "region_code", "level", "scope")


@bp.post("/validate")
def validate_upload() -> Response:
    """Validate a package without filing it.

    200 with the verdict and every issue, valid or not (the validation itself succeeded);
    a 4xx problem only when the upload cannot be read as a package.
    ---
    post:
      operationId: validatePackage
      summary: Validate a package without filing it (a zip, the CSV files as
        multipart/form-data, or the filled Excel template); no token, nothing stored
      tags: [filing]
      security: []
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
        200:
          description: the verdict and every issue (valid or not)
          content:
            application/json: {schema: ValidationOut}
        400: Problem
        413: Problem
        408: Problem
        415: Problem
        422: Problem
        429: TooManyRequests
    """
    upload = read_upload("upload", request.mimetype, request.get_data, request_files())
    result = check_upload(engine(), upload.package, upload.notes)
    return json_response(ValidationOut, validation_body(result, upload.kind))


def validation_body(result: ValidationResult, kind: str) -> dict[str, Any]:
    report = result.report or {}
    return {
        "valid": result.valid,
        "format": result.format,
        "input": kind,
        "sha256": result.package.sha256,
        "report": {name: report.get(name) for name in REPORT_FIELDS},
        "errors": len(result.errors),
        "warnings": len(result.warnings),
        "issues": [issue_record(i) for i in result.issues],
    }
