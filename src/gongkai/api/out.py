"""Marshmallow classes for response bodies (…Out); they also document the API (OpenAPI)."""

from __future__ import annotations

from marshmallow import Schema, fields

ROWS = fields.List(fields.Dict(), metadata={"description": "rows with the schema's columns"})


class IssueOut(Schema):
    package = fields.String(allow_none=True)
    code = fields.String(metadata={"description": "rule id of STANDARD.md §3 or Frictionless type"})
    severity = fields.String(metadata={"description": "error or warning"})
    resource = fields.String(allow_none=True)
    row = fields.Integer(allow_none=True)
    item = fields.String(allow_none=True)
    field = fields.String(allow_none=True)
    expected = fields.Raw(allow_none=True)
    found = fields.Raw(allow_none=True)
    cells = fields.List(fields.String())
    rule = fields.String(allow_none=True)
    message = fields.String(metadata={"description": "in Chinese"})
    message_en = fields.String()


class ProblemOut(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    code = fields.String()
    argument = fields.String(metadata={"description": "400: the bad query argument"})
    issues = fields.List(fields.Nested(IssueOut), metadata={"description": "422: every issue"})


class AgencyOut(Schema):
    agency_id = fields.String()
    agency_name = fields.String()
    region_code = fields.String()
    level = fields.String()
    scope = fields.String()
    parent_id = fields.String(allow_none=True)


class AgencyListOut(Schema):
    agencies = fields.List(fields.Nested(AgencyOut))
    next = fields.String(allow_none=True)


class VersionOut(Schema):
    year = fields.Integer()
    version = fields.Integer()
    current = fields.Boolean()
    sha256 = fields.String()
    received_at = fields.DateTime()
    format = fields.String()


class VersionListOut(Schema):
    agency_id = fields.String()
    reports = fields.List(fields.Nested(VersionOut))


class ReceiptOut(Schema):
    filing_id = fields.Integer()
    agency_id = fields.String()
    year = fields.Integer()
    version = fields.Integer()
    sha256 = fields.String()
    received_at = fields.DateTime()
    format = fields.String()
    created = fields.Boolean(metadata={"description": "false: identical to an earlier filing"})
    warnings = fields.List(fields.Nested(IssueOut))
    url = fields.String()


class ValidatedReportOut(Schema):
    agency_id = fields.String(allow_none=True)
    year = fields.Integer(allow_none=True)
    agency_name = fields.String(allow_none=True)
    region_code = fields.String(allow_none=True)
    level = fields.String(allow_none=True)
    scope = fields.String(allow_none=True)


class ValidationOut(Schema):
    valid = fields.Boolean(metadata={"description": "no errors (warnings allowed)"})
    format = fields.String(metadata={"description": "2021 or 2019"})
    input = fields.String(metadata={"description": "what was sent: zip, csv or xlsx"})
    sha256 = fields.String(metadata={"description": "content hash, as a filing would have it"})
    report = fields.Nested(ValidatedReportOut, metadata={"description": "from reports.csv"})
    errors = fields.Integer()
    warnings = fields.Integer()
    issues = fields.List(fields.Nested(IssueOut))


class ReportOut(Schema):
    agency_id = fields.String()
    year = fields.Integer()
    version = fields.Integer()
    current_version = fields.Integer()
    sha256 = fields.String()
    received_at = fields.DateTime()
    format = fields.String()
    warnings = fields.List(fields.Nested(IssueOut))
    tables = fields.Dict(keys=fields.String(), values=ROWS)


class TableOut(Schema):
    agency_id = fields.String()
    year = fields.Integer()
    version = fields.Integer()
    table = fields.String()
    rows = ROWS


class RowsOut(Schema):
    table = fields.String()
    format = fields.String()
    rows = ROWS
    next = fields.String(allow_none=True, metadata={"description": "token of the next page"})


class CoverageGroupOut(Schema):
    expected = fields.Integer(metadata={"description": "agencies in the registry"})
    filed = fields.Integer(metadata={"description": "agencies that sent a package (valid or not)"})
    valid = fields.Integer(metadata={"description": "agencies with a stored (valid) filing"})
    missing = fields.List(
        fields.Dict(), metadata={"description": "agencies without a valid filing"}
    )


class AggregateRowOut(Schema):
    item = fields.String(metadata={"description": "applications only"})
    sums = fields.Dict(metadata={"description": "per value column, null when no report gave it"})
    reported = fields.Dict(metadata={"description": "per column: reports that gave the figure"})
    blank = fields.Dict(metadata={"description": "per column: reports that left it blank"})


class AggregateGroupOut(Schema):
    group = fields.String()
    reports = fields.Integer()
    rows = fields.List(fields.Nested(AggregateRowOut))
    coverage = fields.Nested(CoverageGroupOut)


class AggregateOut(Schema):
    table = fields.String()
    format = fields.String()
    by = fields.String()
    year = fields.Integer(allow_none=True)
    region = fields.String(allow_none=True)
    scope = fields.String()
    groups = fields.List(fields.Nested(AggregateGroupOut))


class CoverageReportOut(Schema):
    agency_id = fields.String()
    agency_name = fields.String()
    region_code = fields.String()
    version = fields.Integer()
    format = fields.String()
    received_at = fields.DateTime()
    published_on = fields.Date(allow_none=True)
    deadline = fields.Date()
    late = fields.Boolean()


class CoverageOut(Schema):
    year = fields.Integer()
    region = fields.String(allow_none=True)
    expected = fields.Integer()
    filed = fields.Integer()
    valid = fields.Integer()
    late = fields.Integer()
    reports = fields.List(fields.Nested(CoverageReportOut))
    missing = fields.List(fields.Dict())
