"""Filing: store a validated package as a new immutable version, idempotently and race-free."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, OperationalError

from gongkai.package.reader import DESCRIPTOR
from gongkai.standard import TABLE_NAMES, load_standard
from gongkai.store.current import current_filings
from gongkai.store.tables import (
    derived_region_columns,
    figures_table,
    filing_files,
    filings,
    heads,
    rejections,
)
from gongkai.store.totals import apply_filings

if TYPE_CHECKING:
    from gongkai.validation import Issue, ValidationResult

ATTEMPTS = 8


@dataclass(frozen=True)
class NewFiling:
    """A valid package ready to store: its typed rows (blank = None) and the files as filed."""

    agency_id: str
    year: int
    format: str
    sha256: str
    files: Mapping[str, bytes]
    tables: Mapping[str, list[dict[str, Any]]]
    warnings: list[dict[str, Any]] = field(default_factory=list)
    imported: bool = False  # an importer made the package from a published report


ORIGINS = ("api", "load", "import")
IMPORT_NOTES = "x-import-notes"  # the descriptor property the importers write


def origin_of(filing: NewFiling, token_id: int | None) -> str:
    """import: an importer's package, however it came; api: sent with a token; else load."""
    if filing.imported:
        return "import"
    return "api" if token_id is not None else "load"


@dataclass(frozen=True)
class Receipt:
    filing_id: int
    agency_id: str
    year: int
    version: int
    sha256: str
    received_at: datetime
    format: str
    warnings: list[dict[str, Any]]
    created: bool  # False when the package is identical to the current version


def utc(value: datetime) -> datetime:
    """SQLite returns naive datetimes; everything stored is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def receipt_of(row: Any, created: bool) -> Receipt:
    """The receipt of a stored `filings` row (or anything with its attributes)."""
    return Receipt(
        filing_id=row.id,
        agency_id=row.agency_id,
        year=row.year,
        version=row.version,
        sha256=row.sha256,
        received_at=utc(row.received_at),
        format=row.format,
        warnings=list(row.warnings),
        created=created,
    )


def file_report(engine: Engine, filing: NewFiling, token_id: int | None = None) -> Receipt:
    """Store `filing` as the next version of its agency and year.

    A package identical to the current version (same sha256) returns its receipt. Two filings
    racing for the same agency and year queue on that pair's `heads` row (SELECT … FOR UPDATE on
    PostgreSQL, BEGIN IMMEDIATE on SQLite); a unique violation is retried.
    """
    for attempt in range(ATTEMPTS):
        try:
            with engine.connect() as conn:
                conn.execution_options(sqlite_immediate=True)
                with conn.begin():
                    receipt = _file_once(conn, filing, token_id)
            break
        except (IntegrityError, OperationalError):
            if attempt == ATTEMPTS - 1:
                raise
    if receipt.created:  # reads in this process see it before the answer (store/current.py)
        current_filings(engine).settle()
    return receipt


def _file_once(conn: Connection, filing: NewFiling, token_id: int | None) -> Receipt:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(
        dialect.insert(heads)
        .values(agency_id=filing.agency_id, year=filing.year, version=0, filing_id=None)
        .on_conflict_do_nothing()
    )
    head = conn.execute(
        select(heads.c.version, heads.c.filing_id)
        .where(heads.c.agency_id == filing.agency_id, heads.c.year == filing.year)
        .with_for_update()
    ).one()
    # Idempotent against the current version only: sending an earlier version's content
    # again is a correction back to it, and becomes the next version.
    current = (
        conn.execute(select(filings).where(filings.c.id == head.filing_id)).first()
        if head.filing_id is not None
        else None
    )
    if current is not None and current.sha256 == filing.sha256:
        return receipt_of(current, created=False)
    version = head.version + 1
    received_at = datetime.now(UTC)
    filing_id = conn.execute(
        filings.insert().values(
            agency_id=filing.agency_id,
            year=filing.year,
            version=version,
            sha256=filing.sha256,
            received_at=received_at,
            format=filing.format,
            valid=True,
            warnings=filing.warnings,
            token_id=token_id,
            origin=origin_of(filing, token_id),
        )
    ).inserted_primary_key[0]  # type: ignore[index]
    if filing.files:
        conn.execute(
            filing_files.insert(),
            [{"filing_id": filing_id, "name": n, "content": c} for n, c in filing.files.items()],
        )
    _insert_figures(conn, filing_id, filing)
    # the totals move with the current version, in this same transaction
    apply_filings(conn, [filing_id], [head.filing_id] if head.filing_id is not None else [])
    conn.execute(
        update(heads)
        .where(heads.c.agency_id == filing.agency_id, heads.c.year == filing.year)
        .values(version=version, filing_id=filing_id)
    )
    row = conn.execute(select(filings).where(filings.c.id == filing_id)).one()
    return receipt_of(row, created=True)


def _insert_figures(conn: Connection, filing_id: int, filing: NewFiling) -> None:
    fmt = load_standard().formats[filing.format]
    for name in TABLE_NAMES:
        schema_table = fmt.tables[name]
        table = figures_table(name, filing.format)
        order = {code: i for i, code in enumerate(schema_table.item_codes)}
        rows = []
        for source in filing.tables.get(name, []):
            row = {c: source.get(c) for c in schema_table.field_names}
            row["filing_id"] = filing_id
            if "item" in row:
                row["seq"] = order.get(str(row["item"]), len(order))
            if name == "reports":
                row.update(derived_region_columns(str(row["region_code"])))
            rows.append(row)
        if rows:
            conn.execute(table.insert(), rows)


MAX_STORED_ISSUES = 100  # a refusal keeps its first issues: enough to say what was wrong
MAX_STORED_TEXT = 300  # characters of any one value of an issue (a cell may be 100 KB)


def record_rejection(
    engine: Engine, agency_id: str, year: int, sha256: str, issues: list[dict[str, Any]]
) -> None:
    """Remember that an invalid package was sent (its figures are not stored): once per
    content hash (the same package sent again only moves `received_at`), with at most
    MAX_STORED_ISSUES issues of bounded length."""
    now = datetime.now(UTC)
    same = (
        (rejections.c.agency_id == agency_id)
        & (rejections.c.year == year)
        & (rejections.c.sha256 == sha256)
    )
    with engine.begin() as conn:
        updated = conn.execute(rejections.update().where(same).values(received_at=now))
        if updated.rowcount:
            return
        conn.execute(
            rejections.insert().values(
                agency_id=agency_id,
                year=year,
                sha256=sha256,
                received_at=now,
                issues=bounded_issues(issues),
            )
        )


def bounded_issues(issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first MAX_STORED_ISSUES issues, each value cut to MAX_STORED_TEXT characters; when
    some are left out, a last entry says how many."""
    kept = [{k: _bounded_value(v) for k, v in issue.items()} for issue in issues]
    if len(kept) <= MAX_STORED_ISSUES:
        return kept
    left_out = len(kept) - MAX_STORED_ISSUES
    return [*kept[:MAX_STORED_ISSUES], {"code": "issues-left-out", "count": left_out}]


def _bounded_value(value: Any) -> Any:
    if isinstance(value, str):
        value = value.replace("\0", "\ufffd")  # a NUL the package held: PostgreSQL stores none
        return value[:MAX_STORED_TEXT] + "…" if len(value) > MAX_STORED_TEXT else value
    if isinstance(value, list | tuple) and len(value) > MAX_STORED_ISSUES:
        return [*value[:MAX_STORED_ISSUES], "…"]
    return value


def issue_record(issue: Issue) -> dict[str, Any]:
    """An issue as stored and served: its fields, with the message in Chinese and English."""
    record = issue.to_dict("zh")
    record["message_en"] = issue.message("en")
    return record


def new_filing(result: ValidationResult) -> NewFiling:
    """What to store of a valid one-report package: typed rows, files as filed, warnings."""
    report = result.report
    if report is None:
        raise ValueError("the package has no reports row")
    agency_id, year = str(report["agency_id"]), int(report["year"])
    # warnings are served publicly: they name the report, not the path it was loaded from
    where = f"{agency_id}/{year}"
    return NewFiling(
        agency_id=agency_id,
        year=year,
        format=result.format,
        sha256=result.package.sha256,
        files=_filed_files(result),
        tables=result.tables,
        warnings=[issue_record(i.at(where)) for i in result.warnings],
        imported=IMPORT_NOTES in (result.package.descriptor or {}),
    )


def _filed_files(result: ValidationResult) -> dict[str, bytes]:
    """The tables as filed (UTF-8) and, when there was one, the descriptor: what the package
    says of itself (title, sources, …) is served back with it."""
    files = {f"{name}.csv": data for name, data in result.package.files.items()}
    if result.package.descriptor is not None:
        text = json.dumps(result.package.descriptor, ensure_ascii=False, indent=2) + "\n"
        files[DESCRIPTOR] = text.encode("utf-8")
    return files
