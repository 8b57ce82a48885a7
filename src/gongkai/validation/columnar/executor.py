"""The columnar executor: many packages (or one large collection) validated set-wise.

Packages are read one at a time and go into the engine in batches, so Python never holds
more than a batch of files; the engine keeps what continuity needs (the cells of the
continuity rules, per report) and the issues found, and the results stream out package by
package at the end, in the order the packages came. A package the engine does not take in
(see intake) is validated by the row engine instead; its reports still take part in
continuity, which is checked once for all.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from gongkai.package import ReportPackage
from gongkai.package.collection import gc_paused
from gongkai.standard import load_standard
from gongkai.validation.columnar import continuity
from gongkai.validation.columnar.cells import Verdicts, insert_columns
from gongkai.validation.columnar.equations import (
    across_aggregates,
    across_broken,
    create_long_cells,
    create_terms,
    insert_row_equations,
    long_check,
    plan,
)
from gongkai.validation.columnar.intake import Batch, is_large, plain_tables
from gongkai.validation.columnar.report_rules import as_figure, check_reports, create_one_rows
from gongkai.validation.columnar.tables import (
    CONTINUITY,
    DESCRIPTOR,
    RULES,
    SHAPE,
    create_issue_table,
    create_item_groups,
    create_reports,
    create_row_groups,
    insert_cell_issues,
    insert_foreign_key_issues,
    insert_primary_key_issues,
)
from gongkai.validation.columnar.wide import load
from gongkai.validation.engine import ValidationResult, detect_format, validate_alone
from gongkai.validation.issues import Issue
from gongkai.validation.reports import ReportData
from gongkai.validation.shape import check_descriptor

BATCH_PACKAGES = 2000
MEMORY_LIMIT = "1536MB"  # the engine's; past it, it spills to the temporary folder
_BATCH_TABLES = ("reps", "lookup", "ga", "g_proactive", "g_reviews", "oddcells", "one_reports",
                 "one_proactive", "one_reviews", "termcells", "weights")  # fmt: skip
_ISSUE_NAMES = (
    "pkg", "code", "severity", "resource", "row", "item", "field", "expected_txt",
    "expected_num", "found_txt", "found_num", "cells", "rule", "note", "note_en",
)  # fmt: skip


class Executor:
    def __init__(self, folder: Path, batch_size: int, counts: dict[str, int]) -> None:
        self.counts = counts  # packages by executor: "columns", "rows"
        self.folder = folder
        self.con = duckdb.connect()  # in memory; spills to temp_directory past its memory limit
        self.con.execute(f"SET temp_directory = '{folder / 'spill'}'")
        self.con.execute("SET enable_progress_bar = false")
        self.con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        # results in the order rows came (a row's line is carried in the row, wide.py)
        self.con.execute("SET preserve_insertion_order = true")
        self.batch = Batch()
        self.batch_size = batch_size
        self.verdicts = Verdicts(self.con)
        create_terms(self.con)
        create_issue_table(self.con)
        continuity.create_table(self.con)
        self.next_rid = 0
        self.packages: dict[int, tuple[str, str, bool]] = {}  # number -> source, format, checked
        self.pending: dict[int, ReportPackage] = {}  # this batch's packages
        self.python_issues: dict[int, list[Issue]] = {}  # the row engine's

    def add(self, package: ReportPackage, checked: bool) -> None:
        number = len(self.packages)
        fmt = detect_format(package)
        self.packages[number] = (package.source, fmt, checked)
        tables = plain_tables(package, fmt)
        if tables is None:
            self._row_engine(number, package)
            return
        warnings = list(check_descriptor(load_standard().format(fmt), package))
        _insert_rows(
            self.con,
            "issues",
            [(*row, DESCRIPTOR, k, 0, 0) for k, row in enumerate(_issue_rows(number, warnings))],
        )
        large = is_large(tables)
        if large:
            self.flush()  # a large package is read alone: the engine counts its cells
        self.batch.add(number, fmt, tables)
        self.pending[number] = package
        if large or self.batch.count >= self.batch_size:
            self.flush()

    def _row_engine(self, number: int, package: ReportPackage) -> None:
        """The row engine's verdict on one package; its reports join the others for
        continuity, which is checked once, for all packages, by the engine."""
        result = validate_alone(package)
        self.counts["rows"] = self.counts.get("rows", 0) + 1
        source, _, checked = self.packages[number]
        self.packages[number] = (source, result.format, checked)
        self.python_issues[number] = result.issues
        reports = []
        for report in result.reports.values():
            rid, self.next_rid = self.next_rid, self.next_rid + 1
            reports.append((rid, number, result.format, report, checked))
        continuity.insert_reports(self.con, reports)

    def flush(self) -> None:
        if not self.batch.count:
            return
        for fmt in self.batch.formats():
            numbers = sorted({n for (f, _), parts in self.batch.bodies.items() if f == fmt
                              for n, _ in parts})  # fmt: skip
            try:
                inexact = load(self.con, self.folder, self.batch, fmt, self.verdicts)
            except duckdb.InvalidInputException:
                if len(numbers) != 1:
                    raise
                inexact = numbers  # a ragged line in a large table: the row engine says it
            for number in inexact:
                # its descriptor warnings are the row engine's to say now
                self.con.execute("DELETE FROM issues WHERE pkg = ?", [number])
                self._row_engine(number, self.pending.pop(number))
            taken = [n for n in numbers if n not in inexact]
            if taken:
                self._validate(fmt, taken)
        self.batch.clear()
        self.pending.clear()

    def _validate(self, fmt: str, numbers: list[int]) -> None:
        """Everything but continuity, for the batch's packages of one format."""
        con = self.con
        con.execute("CREATE OR REPLACE TABLE batch_packages (pkg INTEGER, checked BOOLEAN)")
        _insert_rows(con, "batch_packages", [(n, self.packages[n][2]) for n in numbers])
        self.counts["columns"] = self.counts.get("columns", 0) + len(numbers)
        insert_cell_issues(con)
        self.next_rid = create_reports(con, fmt, self.next_rid)
        # From here the stages read what is above and write issues (or tables of their own):
        # they run side by side, each on a connection of its own (the engine releases the
        # GIL, and much of each stage is one thread's work). Keys and continuity need only
        # the reports; the others wait for the groups of rows.
        cursors = [con.cursor() for _ in range(3)]
        try:
            with ThreadPoolExecutor(len(cursors)) as pool:
                done = [pool.submit(self._keys_and_continuity, cursors[0], fmt)]
                create_row_groups(con, fmt)
                create_item_groups(con, fmt, across_aggregates(con, fmt))
                done += [
                    pool.submit(self._equations, cursors[1], fmt),
                    pool.submit(self._report_rules, cursors[2], fmt),
                ]
            for future in done:
                future.result()
        finally:
            for cursor in cursors:
                cursor.close()  # its temporary tables go with it
        con.execute(
            "DELETE FROM issues WHERE pkg IN (SELECT pkg FROM batch_packages WHERE NOT checked)"
        )
        for table in _BATCH_TABLES:
            con.execute(f"DROP TABLE IF EXISTS {table}")
        for table in ("reports", "proactive", "applications", "reviews"):
            con.execute(f"DROP VIEW IF EXISTS {table}")
            con.execute(f"DROP TABLE IF EXISTS w_{table}")

    def _equations(self, con: duckdb.DuckDBPyConnection, fmt: str) -> None:
        insert_row_equations(con, fmt)
        self._read_cell_by_cell(con, fmt)

    def _report_rules(self, con: duckdb.DuckDBPyConnection, fmt: str) -> None:
        insert_foreign_key_issues(con, "applications", "ga")
        create_one_rows(con, fmt)
        _insert_rows(
            con,
            "issues",
            [(*next(_issue_rows(n, [i])), *order) for n, order, i in check_reports(con, fmt)],
        )

    def _keys_and_continuity(self, con: duckdb.DuckDBPyConnection, fmt: str) -> None:
        """Needs only the tables and the reports (`reps`, `lookup`)."""
        continuity.insert_batch(con, fmt)
        insert_primary_key_issues(con)
        for table in ("proactive", "reviews"):
            insert_foreign_key_issues(
                con, table, f"(SELECT DISTINCT pkg, agency_id, year FROM w_{table})"
            )

    def _read_cell_by_cell(self, con: duckdb.DuckDBPyConnection, fmt: str) -> None:
        """The equations the sums cannot settle: in reports whose 表三 is irregular, all of
        表三's; where a sum across 表三 is not 0 or meets a blank or unreadable figure, those
        across 表三; and equations across tables, in every report."""
        steps = plan(fmt)
        items_rows = [n for (table, _), ns in steps.row.items() if table == "applications"
                      for n in ns]  # fmt: skip
        # A regular 表三 without a blank or unreadable figure is read cell by cell only for the
        # equations whose sum is not 0 (`broken`): the others hold.
        broken = ", ".join(f"CASE WHEN g.d{n} <> 0 THEN {n} END" for n in steps.across)
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE slow AS
            SELECT r.rid, r.pkg, r.fmt, r.agency_id, r.year,
                   CASE WHEN NOT coalesce(g.regular, false) THEN 'irregular'
                        WHEN g.dirty THEN 'across'
                        WHEN {across_broken(fmt)} THEN 'sums'
                        WHEN {"true" if steps.other else "false"} THEN 'other' END AS reading,
                   CASE WHEN reading = 'sums'
                        THEN list_filter([{broken}], n -> n IS NOT NULL) END AS broken
            FROM reps r LEFT JOIN ga g ON g.rid = r.rid
            """
        )
        con.execute("DELETE FROM slow WHERE reading IS NULL")
        (count,) = con.execute("SELECT count(*) FROM slow").fetchone() or (0,)
        if not count:
            return
        create_long_cells(con, fmt, "slow")
        reading = {
            "irregular": steps.across + items_rows + steps.other,
            "across": steps.across + steps.other,
            "sums": steps.across + steps.other,  # of the across ones, only those `broken`
            "other": steps.other,
        }
        for kind, numbers in reading.items():
            only = f"broken || {sorted(steps.other)}" if kind == "sums" else "NULL"
            long_check(
                con,
                f"SELECT rid, pkg, fmt, NULL AS prev_rid, {only} AS only FROM slow "
                f"WHERE reading = '{kind}'",
                "termcells",
                sorted(numbers),
                RULES,
            )

    def results(self) -> Iterator[ValidationResult]:
        # a finding of one report is ordered by its report's rid: it says which report it is
        by_report = ", ".join(str(stage) for stage in _BY_REPORT)
        issues = _grouped(
            self.con.cursor().execute(
                f"SELECT {', '.join('i.' + n for n in _ISSUE_NAMES)}, c.agency_id, c.year "
                "FROM issues i LEFT JOIN (SELECT * FROM contwide WHERE checked) c "
                f"  ON c.rid = CASE WHEN i.stage IN ({by_report}) THEN i.k1 END "  # a hash join
                "ORDER BY i.pkg, i.stage, i.k1, i.k2, i.k3"
            )
        )
        reports = _grouped(
            self.con.cursor().execute(
                "SELECT pkg, agency_id, year FROM contwide WHERE checked ORDER BY pkg, rid"
            )
        )
        next_issues, next_reports = next(issues, None), next(reports, None)
        for number, (source, fmt, checked) in self.packages.items():
            # A package's issues and reports are many new objects at once: the collector's
            # passes over the whole heap while they are made cost more than making them (a
            # national year: ~0.4 s of ~0.8 s). Paused while one result is made, not across
            # the yield.
            with gc_paused():
                found = [i.at(source) for i in self.python_issues.pop(number, [])]
                keys: list[tuple[str, int]] = []
                while next_issues and next_issues[0] == number:
                    found += [_issue(row, source) for row in next_issues[1]]
                    next_issues = next(issues, None)
                while next_reports and next_reports[0] == number:
                    keys += [(agency, year) for _, agency, year in next_reports[1]]
                    next_reports = next(reports, None)
                if not checked:
                    continue
                result = ValidationResult(
                    package=ReportPackage(source=source),
                    format=fmt,
                    issues=found,
                    reports={key: ReportData(agency_id=key[0], year=key[1]) for key in keys},
                )
            yield result


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    if not rows:
        return
    names = [d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description]
    insert_columns(con, table, {n: [r[k] for r in rows] for k, n in enumerate(names)})


def _split(value: Any) -> tuple[str | None, str | None]:
    """A value as the issue table holds it: text, or a number (as text, exactly)."""
    if value is None:
        return None, None
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return None, str(value)
    return (value.isoformat() if hasattr(value, "isoformat") else str(value)), None


def _issue_rows(number: int, issues: list[Issue]) -> Iterator[tuple]:
    for i in issues:
        yield (
            number, i.code, i.severity, i.resource, i.row, i.item, i.field, *_split(i.expected),
            *_split(i.found), list(i.cells), i.rule, i.note, i.note_en,
        )  # fmt: skip


_BY_REPORT = (SHAPE, RULES, CONTINUITY)  # stages whose k1 is a report's rid (shape: when ≥ 0)


def _issue(row: tuple, source: str) -> Issue:
    """An issue of the table as found in package `source` (the row ends with its report's
    agency_id and year, or NULLs)."""
    (_, code, severity, resource, line, item, field, expected_txt, expected_num, found_txt,
     found_num, cells, rule, note, note_en, agency, year) = row  # fmt: skip
    return Issue(
        code=code,
        severity=severity,
        resource=resource,
        row=line,
        item=item,
        field=field,
        expected=_value(expected_txt, expected_num),
        found=_value(found_txt, found_num),
        cells=tuple(cells or ()),
        rule=rule,
        note=note,
        note_en=note_en,
        package=source,
        report=None if agency is None else (agency, year),
    )


def _value(text: str | None, num: Decimal | None) -> Any:
    return text if text is not None else as_figure(num)


def _grouped(cursor: duckdb.DuckDBPyConnection) -> Iterator[tuple[int, list[tuple]]]:
    """Rows ordered by their first column, fetched in chunks and grouped by it."""
    current: int | None = None
    group: list[tuple] = []
    while chunk := cursor.fetchmany(10_000):
        for row in chunk:
            if row[0] != current:
                if group:
                    yield current, group  # type: ignore[misc]
                current, group = row[0], []
            group.append(row)
    if group:
        yield current, group  # type: ignore[misc]


def validate_columnar(
    packages: Iterable[ReportPackage],
    previous: Iterable[ReportPackage] = (),
    batch_size: int = BATCH_PACKAGES,
    counts: dict[str, int] | None = None,
) -> Iterator[ValidationResult]:
    """The issues validate_many() finds, package by package, found set-wise. `previous`
    packages only supply last year's reports. The results carry the package's source and
    report keys, not its tables; each finding of one report (shape, rules, continuity) names
    it in `Issue.report`, as the row engine's do. `counts`, if given, learns how many packages
    each executor took ("columns", "rows")."""
    with tempfile.TemporaryDirectory(prefix="gongkai-columnar-") as folder:
        executor = Executor(Path(folder), batch_size, {} if counts is None else counts)
        try:
            for package in previous:
                executor.add(package, checked=False)
            for package in packages:
                executor.add(package, checked=True)
            executor.flush()
            continuity.check(executor.con)
            yield from executor.results()
        finally:
            executor.con.close()
