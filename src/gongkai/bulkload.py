"""Loading many packages at once (`gongkai load`): folders, zips and collections.

Every report is filed as if it had been sent alone, with last year's stored report of its
agency for the continuity rules, as its own version. A collection is split into the packages
of its reports (gongkai.package.collection) and validated as one collection, each finding
given to its report (gongkai.validation.by_report); its valid reports are filed in one
transaction (gongkai.store.bulk.file_in_one), COLLECTION_CHUNK at a time. Packages of one
report (folders, zips) go through in chunks: the chunk is validated together by the columnar
executor, then its valid reports are filed in one transaction. Into PostgreSQL a chunk is
filed on a thread while the next is read and validated (the database works in its own
process, and psycopg waits for it without the GIL); the next chunk waits for it when it holds
last year's report of one of the next chunk's, so that a report finds last year's even when
both came in the same load.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from gongkai.filing import registry_mismatch, registry_mismatch_text
from gongkai.package import PackageError, ReportPackage, read_package
from gongkai.package.collection import ReportSlice, gc_paused, report_keys, split_collection
from gongkai.package.descriptor_text import DescriptorText
from gongkai.package.reader import DESCRIPTOR
from gongkai.standard import TABLE_NAMES
from gongkai.store.bulk import (
    STORE_ERRORS,
    file_in_one,
    file_many,
    registry_rows,
    stored_packages,
)
from gongkai.store.copy_text import is_plain
from gongkai.store.filings import IMPORT_NOTES, NewFiling, Receipt, issue_record
from gongkai.validation import Issue, ValidationResult, validate_many
from gongkai.validation.by_report import ROW_ENGINE_BELOW, ByReport, validate_by_report
from gongkai.validation.engine import validate_alone
from gongkai.validation.values import PackageReader

# Packages of one report (folders, zips) validated together and filed in one transaction: a
# chunk is filed while the next is validated, so smaller chunks overlap more of the two
CHUNK_REPORTS = 1500
# A collection's reports are filed in one transaction, and their totals move once at its end
# (per transaction, a national year's ~481,000 totals rows are updated: six transactions of
# 25,000 reports took 36 s for it). They go in batches of COLLECTION_CHUNK, each told to the
# progress bar once stored; a collection the database refuses is filed a batch at a time.
# Smaller batches leave less work with nothing beside it: the first batch is made before the
# database has anything to do, the last one stored after Python has nothing left to make.
COLLECTION_CHUNK = 10_000


@dataclass(frozen=True)
class Unit:
    """One report's package to validate and file (or a package that could not be split)."""

    source: str  # how it is named when listed: the path, or "path agency_id year"
    package: ReportPackage
    keys: list[tuple[str, int]]  # its reports (agency_id, year), as far as they read
    descriptor_file: bytes | None  # what is filed as its datapackage.json
    part: ReportSlice | None = None  # a collection's report: as split, with its rows' lines


@dataclass
class Outcome:
    filed: int = 0
    same: int = 0
    skipped: list[tuple[str, list[str]]] = field(default_factory=list)  # what, why


_descriptor_text = DescriptorText()


def _descriptor_file(descriptor: Mapping[str, Any] | None) -> bytes | None:
    """The datapackage.json filed with the report, as `file_report` files it."""
    return None if descriptor is None else _descriptor_text(descriptor)


def _year(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) <= 4 else None


def _keys(pairs: list[tuple[str, str]]) -> list[tuple[str, int]]:
    return [(agency, year) for agency, text in pairs if (year := _year(text)) is not None]


def read_units(path: Path, max_bytes: int) -> tuple[list[Unit], list[tuple[str, list[str]]]]:
    """The reports of one path: a package of one report as it is, a collection as the packages
    of its reports (by year, then as they come; each with its `part`); and what cannot be
    loaded, with why."""
    try:
        package = read_package(path, max_bytes)
    except PackageError as exc:
        return [], [(str(path), [exc.message("zh") + " / " + exc.message("en")])]
    keys = report_keys(package)
    split = split_collection(package) if len(set(keys)) > 1 else None
    if split is None:
        whole = Unit(str(path), package, _keys(keys), _descriptor_file(package.descriptor))
        return [whole], []
    descriptor = split.reports[0].package.descriptor if split.reports else None
    filed = _descriptor_file(_without_schemas(descriptor))
    units = [
        Unit(s.package.source, s.package, _keys([(s.agency_id, s.year)]), filed, s)
        for s in sorted(split.reports, key=lambda s: _year(s.year) or 0)
    ]
    stray = [
        f"{row.table}.csv 第 {row.line} 行（{row.agency_id} {row.year}）不属于 reports.csv 中的"
        f"任何报告 / {row.table}.csv line {row.line} ({row.agency_id} {row.year}) belongs to no "
        "report of reports.csv"
        for row in split.stray
    ]
    blank = [
        f"{line.table}.csv 第 {line.line} 行：空行 / {line.table}.csv line {line.line}: blank row"
        for line in split.blank
    ]
    unplaced = stray + blank
    return units, ([(str(path), unplaced)] if unplaced else [])


def _without_schemas(descriptor: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A report's descriptor as filed: the standard's schemas are inlined again when the
    package is served, so a collection's reports do not each keep a copy."""
    if descriptor is None:
        return None
    resources = [
        {k: v for k, v in r.items() if k != "schema"} for r in descriptor.get("resources", [])
    ]
    return {**descriptor, "resources": resources}


class Loader:
    """Takes units one by one; validates and files them a chunk at a time."""

    def __init__(
        self, engine: Engine, register: bool, progress: Callable[[int], None] = lambda n: None
    ) -> None:
        self.engine = engine
        self.register = register
        self.progress = progress
        self.outcome = Outcome()
        self.pending: list[Unit] = []
        self.values = PackageReader()
        self.copies = engine.dialect.name == "postgresql"  # the store COPYs from the files
        self.new_agencies: dict[str, dict[str, Any]] = {}  # agency_id -> its report row
        # Into PostgreSQL, chunks are filed on one thread, in order; what the load tells
        # (outcome, progress) is told on it too, in the order it would be without it
        self.filer = ThreadPoolExecutor(1) if self.copies else None
        self.filing: list[tuple[Future[None], set[tuple[str, int]]]] = []  # and their reports

    def then(self, work: Callable[[], None]) -> None:
        """Do `work` once the chunks before it are filed (at once without a filing thread)."""
        if self.filer is None:
            work()
            return
        self.filing.append((self.filer.submit(work), set()))

    def wait(self, keys: set[tuple[str, int]] | None = None) -> None:
        """Wait until the chunks being filed are (those holding any of `keys`, and the ones
        before them); their errors are raised here."""
        last = max(
            (i for i, (_, held) in enumerate(self.filing) if keys is None or held & keys),
            default=-1,
        )
        done, self.filing = self.filing[: last + 1], self.filing[last + 1 :]
        for future, _ in done:
            future.result()

    def close(self) -> None:
        """Wait for every chunk being filed; stop the filing thread."""
        try:
            self.wait()
        finally:
            if self.filer is not None:
                self.filer.shutdown(wait=True, cancel_futures=True)

    def add(self, unit: Unit) -> None:
        self.pending.append(unit)
        if len(self.pending) >= CHUNK_REPORTS:
            self.flush()

    def flush(self) -> None:
        units, self.pending = self.pending, []
        if not units:
            return
        results = self._validate(units)
        if self.filer is None:
            self._file(units, results)
            return
        self.wait()  # one chunk filed at a time: no more than two chunks held in memory
        keys = {key for unit in units for key in unit.keys}
        self.filing.append((self.filer.submit(self._file, units, results), keys))

    def add_collection(self, source: str, units: list[Unit]) -> None:
        """A collection's reports (each with its `part`): validated as one collection, then
        filed a chunk at a time. A finding of the collection as a whole files none of them."""
        self.flush()
        self.wait()  # the filing thread is idle while a collection is filed
        judged = self._validate_collection(source, units)
        if judged.collection_errors:
            lines = [_issue_line(i) for i in judged.collection_errors]
            self.outcome.skipped.append((source, [_COLLECTION_REFUSED, *lines]))
            self.progress(len(units))
            return
        # filed by agency and year: the store's indexes then grow at one end, batch after
        # batch (a batch is stored in key order, the whole collection thus in one sweep);
        # what is skipped is listed in the collection's order all the same
        order = sorted(range(len(units)), key=lambda i: (units[i].keys, units[i].source))
        chunks = [
            ([units[i] for i in order[start:end]], [judged.results[i] for i in order[start:end]])
            for start, end in _chunk_bounds(len(units))
        ]
        listed = len(self.outcome.skipped)
        self._file_together(chunks)
        place = {unit.source: at for at, unit in enumerate(units)}
        self.outcome.skipped[listed:] = sorted(
            self.outcome.skipped[listed:], key=lambda entry: place.get(entry[0], -1)
        )

    def _file_together(self, chunks: list[tuple[list[Unit], list[ValidationResult]]]) -> None:
        """File every chunk's valid reports in one transaction: their totals move once. What
        is told (outcome, progress) is told once it has committed, progress as it goes."""
        skipped: list[list[tuple[str, list[str]]]] = []  # each chunk's, as its batch is made
        stored_chunks = 0  # of this try: a transaction started over stores them again
        told = 0  # reports told to `progress`: none is told twice

        def batches() -> Iterator[list[NewFiling]]:
            # made on the store's thread, a batch ahead of the one being stored
            nonlocal stored_chunks
            skipped.clear()
            stored_chunks = 0
            for chunk_units, chunk_results in chunks:
                ready, refused = _ready(chunk_units, chunk_results)
                filings, unfiled = self._filings(ready)
                skipped.append(refused + unfiled)
                yield [f for _, f in filings]

        def stored(_: int) -> None:
            nonlocal stored_chunks, told
            stored_chunks += 1
            done = sum(len(u) for u, _ in chunks[:stored_chunks])
            if done > told:
                self.progress(done - told)
                told = done

        try:
            receipts = file_in_one(self.engine, batches, self.new_agencies, stored)
        except STORE_ERRORS:
            # refused as a whole: a chunk at a time, each split until only what the database
            # refuses is left out (telling `progress` only of the reports it was not told of)
            start = 0
            for chunk_units, chunk_results in chunks:
                told_of = min(len(chunk_units), max(0, told - start))
                start += len(chunk_units)
                self._file(chunk_units, chunk_results, len(chunk_units) - told_of)
            return
        for lines in skipped:
            self.outcome.skipped += lines
        created = sum(r.created for r in receipts)
        self.outcome.filed += created
        self.outcome.same += len(receipts) - created

    def _file(
        self, units: list[Unit], results: list[ValidationResult], untold: int | None = None
    ) -> None:
        """File the valid ones of `units` in one transaction (in parts if it is refused), and
        tell `progress` of `untold` reports (all of them by default)."""
        ready, refused = _ready(units, results)
        self.outcome.skipped += refused
        filings, unfiled = self._filings(ready)
        self.outcome.skipped += unfiled
        receipts = self._store(filings)
        created = sum(r.created for r in receipts)
        self.outcome.filed += created
        self.outcome.same += len(receipts) - created
        self.progress(len(units) if untold is None else untold)

    def _store(self, filings: list[tuple[str, NewFiling]]) -> list[Receipt]:
        """File the filings in one transaction; if the store refuses it, each half on its own,
        down to single filings, so that only the filings it refuses are skipped (each listed
        with why)."""
        try:
            return file_many(self.engine, [f for _, f in filings], self.new_agencies)
        except STORE_ERRORS as exc:
            if len(filings) == 1:
                self.outcome.skipped.append((filings[0][0], [_store_refused(exc)]))
                return []
        half = len(filings) // 2
        return self._store(filings[:half]) + self._store(filings[half:])

    def _previous(self, units: list[Unit]) -> list[ReportPackage]:
        """Last year's stored report of each agency whose last year is not among `units`."""
        own = {key for u in units for key in u.keys}
        wanted = {(agency, year - 1) for agency, year in own} - own
        self.wait(wanted)  # a chunk being filed that holds any of them
        return stored_packages(self.engine, wanted) if wanted else []

    def _validate_collection(self, source: str, units: list[Unit]) -> ByReport:
        parts = [u.part for u in units if u.part is not None]
        columnar = len(parts) >= ROW_ENGINE_BELOW
        return validate_by_report(source, parts, self._previous(units), columnar=columnar)

    def _validate(self, units: list[Unit]) -> list[ValidationResult]:
        """Each unit's verdict, with last year's stored report of each agency at hand (the
        chunk's own reports are compared with each other by the executor)."""
        previous = self._previous(units)
        packages = [u.package for u in units]
        if len(units) < ROW_ENGINE_BELOW:
            return validate_many(packages, previous=validate_many(previous))
        # imported here: the column engine costs a quarter second to import
        from gongkai.validation.columnar import validate_columnar

        return list(validate_columnar(packages, previous=previous))

    def _filings(
        self, ready: list[tuple[Unit, ValidationResult]]
    ) -> tuple[list[tuple[str, NewFiling]], list[tuple[str, list[str]]]]:
        """Each report to file, with its source; and those the registry refuses, with why."""
        typed = [(unit, result, self._tables(unit, result)) for unit, result in ready]
        agency_ids = {next(iter(r.reports))[0] for _, r, _ in typed}
        known = registry_rows(self.engine, agency_ids)
        filings = []
        skipped: list[tuple[str, list[str]]] = []
        for unit, result, tables in typed:
            agency_id, year = next(iter(result.reports))
            report = (
                tables.get("reports")
                or self.values.rows(result.format, "reports", unit.package.files["reports"])
            )[0]
            agency = known.get(agency_id)
            if agency is None:
                if not self.register:
                    skipped.append((unit.source, [_unregistered(agency_id)]))
                    continue
                # registered with the filing, in its transaction (store.bulk.file_many)
                self.new_agencies.setdefault(agency_id, report)
            elif (differ := registry_mismatch(report, agency)) is not None:
                # refused as the filing API refuses it: coverage counts by the registry
                skipped.append((unit.source, [" / ".join(registry_mismatch_text(differ))]))
                continue
            files = {f"{name}.csv": data for name, data in unit.package.files.items()}
            if unit.descriptor_file is not None:
                files[DESCRIPTOR] = unit.descriptor_file
            where = f"{agency_id}/{year}"  # warnings are public: they name the report
            filings.append(
                (
                    unit.source,
                    NewFiling(
                        agency_id=agency_id,
                        year=year,
                        format=result.format,
                        sha256=unit.package.sha256,
                        files=files,
                        tables=tables,
                        warnings=[issue_record(i.at(where)) for i in result.warnings],
                        imported=IMPORT_NOTES in (unit.package.descriptor or {}),
                    ),
                )
            )
        return filings, skipped

    def _tables(self, unit: Unit, result: ValidationResult) -> dict[str, list[dict[str, Any]]]:
        """The typed rows of a valid package: the row engine's when it ran, else read again
        as the row engine reads them (a CSV shape only the row engine reads: by it). None
        into PostgreSQL from plain CSV: the store reads its COPY text from the files."""
        if result.tables:
            return result.tables
        files = unit.package.files
        if self.copies and all(is_plain(files[n], result.format, n) for n in TABLE_NAMES):
            return {}
        try:
            return {
                name: self.values.rows(result.format, name, unit.package.files[name])
                for name in TABLE_NAMES
            }
        except (ValueError, KeyError):
            return validate_alone(unit.package).tables


def _chunk_bounds(count: int) -> Iterator[tuple[int, int]]:
    """A collection's batches: COLLECTION_CHUNK reports each, after a quarter and a half of
    one, so that the database has the first batch to store soon after validation ends."""
    start, size = 0, max(1, COLLECTION_CHUNK // 4)
    while start < count:
        yield start, min(count, start + size)
        start, size = start + size, min(COLLECTION_CHUNK, size * 2)


def _ready(
    units: list[Unit], results: list[ValidationResult]
) -> tuple[list[tuple[Unit, ValidationResult]], list[tuple[str, list[str]]]]:
    """The units valid to file (one report each), and the others with why."""
    ready: list[tuple[Unit, ValidationResult]] = []
    refused: list[tuple[str, list[str]]] = []
    for unit, result in zip(units, results, strict=True):
        if not result.valid:
            refused.append((unit.source, [_issue_line(i) for i in result.errors]))
        elif len(result.reports) != 1:
            refused.append((unit.source, [_NOT_ONE_REPORT]))
        else:
            ready.append((unit, result))
    return ready, refused


_NOT_ONE_REPORT = "一次报送只能是一份报告 / a filing is one report (one agency, one year)"
_COLLECTION_REFUSED = (
    "整个汇总包有误，其中的报告均未入库 / the collection as a whole has errors: none of its "
    "reports was filed"
)


def _unregistered(agency_id: str) -> str:
    return (
        f"机关 {agency_id} 不在机关名录中 / agency {agency_id} is not in the registry "
        "(load it with `gongkai agencies load` or use --register)"
    )


def _store_refused(exc: Exception) -> str:
    """The database's reason, on one line (SQLAlchemy's text adds the statement)."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    said = reason[0] if reason else type(exc).__name__
    return f"数据库拒绝入库 / the database refused to store it: {said}"


def _issue_line(issue: Issue) -> str:
    record = issue.to_dict("zh")
    where = "/".join(str(record[k]) for k in ("resource", "item", "field") if record.get(k))
    return f"{record['code']} {where}: {record['message']}"


def load_paths(
    engine: Engine,
    paths: Sequence[Path],
    *,
    register: bool,
    max_bytes: int,
    found: Callable[[int], None] = lambda n: None,
    progress: Callable[[int], None] = lambda n: None,
) -> Outcome:
    """File every report of `paths`. `found(n)` learns of n more reports than paths (a
    collection), `progress(n)` of n reports done."""
    loader = Loader(engine, register, progress)
    try:
        for path in paths:
            with gc_paused():  # a collection is millions of objects living until filed
                units, skipped = read_units(path, max_bytes)
                if skipped:
                    loader.then(partial(loader.outcome.skipped.extend, skipped))
                if len(units) != 1:  # a collection's more reports, or nothing to file
                    loader.then(partial(found, len(units) - 1) if units else partial(progress, 1))
                if units and units[0].part is not None:
                    loader.add_collection(str(path), units)
                    # let go of while the collector is still off: back on, it would first
                    # walk every one of them (1.3 s for a national year)
                    units = []
            for unit in units:
                loader.add(unit)
        loader.flush()
    finally:
        loader.close()
    return loader.outcome
