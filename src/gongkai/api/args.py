"""Marshmallow classes for request arguments (…Args). Unknown arguments are refused (400)."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from gongkai.package.writer import FILE_FORMATS
from gongkai.standard import FORMATS, TABLE_NAMES

LEVELS = ("national", "province", "city", "county", "township")
REGION = validate.Regexp(r"^[0-9]{6}$", error="a 6-digit region code (GB/T 2260)")
# examples in the document: the docs page fills them in, and they answer with datasets/ loaded
YEAR_EXAMPLE = {"example": 2024}
YEAR = validate.Range(min=2008, max=2100)


class _Args(Schema):
    class Meta:
        unknown = RAISE


def _names(description: str, **options: Any) -> fields.List:
    """A list argument: repeated (`?a=x&a=y`) or comma-separated (`?a=x,y`)."""
    return fields.List(
        fields.String(validate=validate.Length(min=1, max=100)),
        validate=validate.Length(min=1, max=500),
        metadata={"description": description + "; repeat it or separate names by commas"},
        **options,
    )


class OutputArgs(_Args):
    format = fields.String(
        validate=validate.OneOf(["json", "csv"]),
        metadata={"description": "json (default) or csv; a .csv suffix does the same"},
    )
    bom = fields.Boolean(
        load_default=False, metadata={"description": "start CSV with a UTF-8 BOM (for Excel)"}
    )
    labels = fields.String(
        validate=validate.OneOf(["zh"]),
        metadata={
            "description": "CSV for people: zh gives Chinese column titles and item labels "
            "instead of codes (such a CSV cannot be filed again)"
        },
    )


class _SliceArgs(OutputArgs):
    region = fields.String(
        validate=REGION,
        metadata={
            "description": "only agencies whose region code lies under it",
            "example": "320800",
        },
    )
    level = fields.String(validate=validate.OneOf(LEVELS))


class AgencyListArgs(_SliceArgs):
    scope = fields.String(validate=validate.OneOf(["agency", "government"]))
    name = fields.String(validate=validate.Length(min=1, max=100))
    limit = fields.Integer(
        validate=validate.Range(min=1),
        metadata={"description": "agencies per page, at most GONGKAI_PAGE_MAX (default 1000)"},
    )
    next = fields.String(
        metadata={"description": "a page token: follow the `next` URL of the previous page"}
    )


class ReportArgs(OutputArgs):
    version = fields.Integer(
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "an earlier version; the current one when absent"},
    )


class TableArgs(_SliceArgs):
    format = fields.String(
        validate=validate.OneOf(["json", "csv", "parquet"]),
        metadata={
            "description": "json (default), csv or parquet (every row of the slice in one "
            "Parquet file; not with limit, next or labels); a .csv or .parquet suffix does "
            "the same"
        },
    )
    year = fields.Integer(validate=YEAR, metadata=YEAR_EXAMPLE)
    scope = fields.String(validate=validate.OneOf(["agency", "government"]))
    report_format = fields.String(
        validate=validate.OneOf(FORMATS),
        metadata={
            "description": "reports of this format only; proactive differs between formats, so "
            "for it the default is the format of `year` (2021 without a year)"
        },
    )
    agency_id = _names("rows of these agencies only")
    item = _names("applications: rows of these items only (codes of the standard)")
    fields_ = _names(
        "only these columns (the key columns agency_id, year, item are kept)", data_key="fields"
    )
    limit = fields.Integer(
        validate=validate.Range(min=1),
        metadata={
            "description": "rows per page (JSON), at most GONGKAI_PAGE_MAX (default 1000: a "
            "larger limit gives that many); CSV streams every row unless given"
        },
    )
    next = fields.String(
        metadata={"description": "a page token: follow the `next` URL of the previous page"}
    )


class AggregateArgs(_SliceArgs):
    year = fields.Integer(
        validate=YEAR, metadata={"description": "required unless by=year", **YEAR_EXAMPLE}
    )
    by = fields.String(
        load_default="province",
        validate=validate.OneOf(["province", "city", "county", "level", "year"]),
    )
    scope = fields.String(
        load_default="agency",
        validate=validate.OneOf(["agency", "government", "all"]),
        metadata={
            "description": "agency (default): agencies' own reports, so consolidated government "
            "reports are not counted twice; government; or all"
        },
    )
    report_format = TableArgs._declared_fields["report_format"]

    @validates_schema
    def _year_needed(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("year") is None and data.get("by") != "year":
            raise ValidationError("required unless by=year", "year")


class CoverageArgs(_SliceArgs):
    year = fields.Integer(required=True, validate=YEAR, metadata=YEAR_EXAMPLE)
    scope = fields.String(validate=validate.OneOf(["agency", "government"]))
    status = fields.String(
        validate=validate.OneOf(["filed", "late", "unknown", "refused", "missing", "valid"]),
        metadata={
            "description": "only agencies of this status (filed: on time; valid: filed, late "
            "or unknown, every agency with a stored filing)"
        },
    )
    by = fields.String(
        validate=validate.OneOf(["province", "city", "county", "level"]),
        metadata={"description": "also the counts per group (`groups`)"},
    )
    limit = fields.Integer(
        validate=validate.Range(min=1),
        metadata={
            "description": "agencies per page (JSON), at most GONGKAI_PAGE_MAX (default "
            "1000); the CSV streams every agency unless given"
        },
    )
    next = fields.String(
        metadata={"description": "a page token: follow the `next` URL of the previous page"}
    )


class ExportArgs(_Args):
    year = fields.Integer(required=True, validate=YEAR, metadata=YEAR_EXAMPLE)
    region = fields.String(validate=REGION)
    level = fields.String(validate=validate.OneOf(LEVELS))
    scope = fields.String(validate=validate.OneOf(["agency", "government"]))
    report_format = TableArgs._declared_fields["report_format"]
    agency_id = _names("reports of these agencies only")
    format = fields.String(
        load_default="csv",
        validate=validate.OneOf(FILE_FORMATS),
        metadata={"description": "the tables as csv (default) or parquet files"},
    )


TABLES = TABLE_NAMES
