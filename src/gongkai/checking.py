"""Validate an upload without filing it: the same engine, with last year's stored report of
the same agency when there is one (continuity warnings). Reads the store, writes nothing."""

from __future__ import annotations

from sqlalchemy import Engine

from gongkai.package import ReportPackage
from gongkai.store.queries import stored_package
from gongkai.validation import Issue, ValidationResult, validate


def check_upload(engine: Engine, package: ReportPackage, notes: list[Issue]) -> ValidationResult:
    """The validation result of `package`, with what reading it noticed (`notes`) first."""
    result = validate(package)
    # the first report whose key is valid: a year of 2^70 in a bad row never reaches the
    # database (SQLite cannot even bind it)
    key = next(iter(result.reports), None)
    if key is not None:
        agency_id, year = key
        previous = stored_package(engine, agency_id, year - 1)
        if previous is not None:
            result = validate(package, previous=[validate(previous)])
    result.issues[:0] = notes
    return result
