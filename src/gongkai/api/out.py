"""Marshmallow classes for response bodies (…Out); they also document the API (OpenAPI)."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields

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
    """RFC 9457: the five standard members, then extension members (more may come)."""

    class Meta:
        unknown = INCLUDE  # additionalProperties: true

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    code = fields.String(required=True, metadata={"description": "the codes: docs/api.md"})
    message_zh = fields.String(metadata={"description": "the detail in Chinese"})
    argument = fields.String(metadata={"description": "400: the bad query argument"})
    allowed = fields.List(
        fields.String(), metadata={"description": "400: the values the argument may take"}
    )
    errors = fields.Dict(metadata={"description": "400: every bad argument and why"})
    issues = fields.List(fields.Nested(IssueOut), metadata={"description": "422: every issue"})
    limit = fields.Integer(metadata={"description": "413: the limit in bytes"})
    retry_after = fields.Integer(metadata={"description": "429: seconds to wait (Retry-After)"})
    content_type = fields.String(allow_none=True, metadata={"description": "415: as sent"})
    agency_id = fields.String(allow_none=True)
    year = fields.Integer(allow_none=True)
    fields_ = fields.List(
        fields.String(),
        data_key="fields",
        metadata={"description": "422 registry-mismatch: the columns that differ"},
    )


def _envelope() -> tuple[fields.Integer, fields.String]:
    """`total` and `next` of the list envelope, declared after `items` in each list body (the
    endpoint's metadata first, then items, total, next)."""
    total = fields.Integer(
        allow_none=True, metadata={"description": "items over all pages; null when not counted"}
    )
    next_ = fields.String(
        allow_none=True,
        metadata={"description": "full URL of the next page (also a Link rel=next header)"},
    )
    return total, next_


class AgencyOut(Schema):
    agency_id = fields.String()
    agency_name = fields.String()
    region_code = fields.String()
    level = fields.String()
    scope = fields.String()
    parent_id = fields.String(allow_none=True)


class AgencyListOut(Schema):
    items = fields.List(fields.Nested(AgencyOut))
    total, next = _envelope()


class VersionOut(Schema):
    year = fields.Integer()
    version = fields.Integer()
    current = fields.Boolean()
    sha256 = fields.String()
    received_at = fields.DateTime()
    format = fields.String()


class VersionListOut(Schema):
    agency_id = fields.String()
    items = fields.List(fields.Nested(VersionOut))
    total, next = _envelope()


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
    items = ROWS
    total, next = _envelope()


class RowsOut(Schema):
    table = fields.String()
    format = fields.String()
    items = ROWS
    total, next = _envelope()


class CoverageCountsOut(Schema):
    expected = fields.Integer(metadata={"description": "agencies in the registry"})
    filed = fields.Integer(metadata={"description": "agencies that sent a package (valid or not)"})
    valid = fields.Integer(metadata={"description": "agencies with a stored (valid) filing"})
    late = fields.Integer(metadata={"description": "valid, published after the deadline"})
    # `unknown` names a Schema option in marshmallow: the field keeps the name in the body only
    unknown_lateness = fields.Integer(
        attribute="unknown",
        data_key="unknown",
        metadata={"description": "valid, but whether on time cannot be told (no published_on)"},
    )
    refused = fields.Integer(metadata={"description": "sent only packages that were refused"})
    missing = fields.Integer(metadata={"description": "sent nothing: expected − filed"})


class CoverageGroupOut(CoverageCountsOut):
    agencies = fields.String(
        metadata={"description": "the URL of this group's agencies with their status (/coverage)"}
    )


class CoverageByGroupOut(CoverageCountsOut):
    group = fields.String()
    name = fields.String(allow_none=True, metadata={"description": "the region's name"})


class AggregateRowOut(Schema):
    item = fields.String(metadata={"description": "applications only"})
    sums = fields.Dict(metadata={"description": "per value column, null when no report gave it"})
    reported = fields.Dict(metadata={"description": "per column: reports that gave the figure"})
    blank = fields.Dict(metadata={"description": "per column: reports that left it blank"})


class AggregateGroupOut(Schema):
    group = fields.String()
    name = fields.String(
        allow_none=True,
        metadata={"description": "the region's name (by=province, city or county); see docs"},
    )
    reports = fields.Integer()
    rows = fields.List(fields.Nested(AggregateRowOut))
    coverage = fields.Nested(CoverageGroupOut)


class AggregateOut(Schema):
    table = fields.String()
    format = fields.String()
    by = fields.String()
    year = fields.Integer(allow_none=True)
    region = fields.String(allow_none=True)
    scope = fields.String(metadata={"description": "the reports counted: agency, government, all"})
    note = fields.String(
        allow_none=True, metadata={"description": "what the scope left out, when it matters"}
    )
    items = fields.List(fields.Nested(AggregateGroupOut))
    total, next = _envelope()


class CoverageAgencyOut(Schema):
    agency_id = fields.String()
    agency_name = fields.String()
    region_code = fields.String()
    region_name = fields.String(allow_none=True)
    status = fields.String(
        metadata={
            "description": "filed (on time), late, unknown (lateness cannot be told: loaded or "
            "imported without a publication date), refused or missing"
        }
    )
    version = fields.Integer(allow_none=True)
    format = fields.String(allow_none=True)
    received_at = fields.DateTime(allow_none=True)
    published_on = fields.Date(allow_none=True)
    deadline = fields.Date(allow_none=True)


class CoverageOut(CoverageCountsOut):
    year = fields.Integer()
    region = fields.String(allow_none=True)
    scope = fields.String(metadata={"description": "the agencies counted: agency, government, all"})
    status = fields.String(
        allow_none=True, metadata={"description": "the status the list is narrowed to"}
    )
    by = fields.String(allow_none=True)
    groups = fields.List(
        fields.Nested(CoverageByGroupOut),
        allow_none=True,
        metadata={"description": "with `by`: the counts per group"},
    )
    items = fields.List(
        fields.Nested(CoverageAgencyOut),
        metadata={
            "description": "a page of the registry's agencies in the slice (of `status`), by "
            "agency_id, with their status: follow `next`"
        },
    )
    total, next = _envelope()


class EndpointOut(Schema):
    method = fields.String()
    path = fields.String(metadata={"description": "an OpenAPI path template"})
    summary = fields.String()
    operation_id = fields.String()
    docs = fields.String(metadata={"description": "the operation in the docs page"})


class IndexOut(Schema):
    title = fields.String()
    openapi = fields.String(metadata={"description": "the OpenAPI document"})
    docs = fields.String(metadata={"description": "the docs page for people"})
    items = fields.List(fields.Nested(EndpointOut))
    total, next = _envelope()
