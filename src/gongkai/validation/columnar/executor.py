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
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from gongkai.package import ReportPackage
from gongkai.standard import load_standard
from gongkai.validation.columnar.cells import NUMBER, Verdicts, insert_columns
from gongkai.validation.columnar.equations import (
    continuity_cells,
    create_terms,
    insert_equation_issues,
)
from gongkai.validation.columnar.intake import Batch, is_plain
from gongkai.validation.columnar.report_rules import as_figure, check_reports
from gongkai.validation.columnar.tables import (
    DESCRIPTOR,
    create_issue_table,
    group_reports,
    insert_cell_issues,
    insert_key_issues,
    type_cells,
)
from gongkai.validation.engine import ValidationResult, detect_format, validate_alone
from gongkai.validation.issues import Issue
from gongkai.validation.reports import ABSENT, ReportData
from gongkai.validation.shape import check_descriptor

BATCH_PACKAGES = 2000
MEMORY_LIMIT = "512MB"  # the engine's; past it, it spills to the temporary folder
_ISSUE_NAMES = (
    "pkg", "code", "severity", "resource", "row", "item", "field", "expected_txt",
    "expected_num", "found_txt", "found_num", "cells", "rule", "note", "note_en",
)  # fmt: skip


class Executor:
    def __init__(self, folder: Path, batch_size: int, counts: dict[str, int]) -> None:
        self.counts = counts  # packages by executor: "columns", "rows"
        self.con = duckdb.connect()  # in memory; spills to temp_directory past its memory limit
        self.con.execute(f"SET temp_directory = '{folder / 'spill'}'")
        self.con.execute("SET preserve_insertion_order = false")
        self.con.execute("SET enable_progress_bar = false")
        self.con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        self.batch = Batch(folder)
        self.batch_size = batch_size
        self.verdicts = Verdicts(self.con)
        create_terms(self.con)
        create_issue_table(self.con)
        self.con.execute(
            "CREATE TABLE allreps (rid INTEGER, pkg INTEGER, fmt VARCHAR, agency_id VARCHAR, "
            "year INTEGER, checked BOOLEAN)"
        )
        self.con.execute(
            "CREATE TABLE contcells (rid INTEGER, cid INTEGER, status VARCHAR, "
            f"num {NUMBER}, line INTEGER)"
        )
        self.continuity_cells = self.con.execute(continuity_cells()).fetchall()
        self.next_rid = 0
        self.packages: dict[int, tuple[str, str, bool]] = {}  # number -> source, format, checked
        self.pending: dict[int, ReportPackage] = {}  # this batch's packages
        self.python_issues: dict[int, list[Issue]] = {}  # the row engine's

    def add(self, package: ReportPackage, checked: bool) -> None:
        number = len(self.packages)
        fmt = detect_format(package)
        self.packages[number] = (package.source, fmt, checked)
        tables = is_plain(package, fmt)
        if tables is None:
            self._row_engine(number, package)
            return
        warnings = list(check_descriptor(load_standard().format(fmt), package))
        _insert_rows(
            self.con,
            "issues",
            [(*row, DESCRIPTOR, k, 0, 0) for k, row in enumerate(_issue_rows(number, warnings))],
        )
        self.batch.add(number, fmt, tables)
        self.pending[number] = package
        if self.batch.count >= self.batch_size:
            self.flush()

    def _row_engine(self, number: int, package: ReportPackage) -> None:
        """The row engine's verdict on one package; its reports' continuity cells join the
        others (continuity is checked once, for all packages, by the engine)."""
        result = validate_alone(package)
        self.counts["rows"] = self.counts.get("rows", 0) + 1
        source, _, checked = self.packages[number]
        self.packages[number] = (source, result.format, checked)
        self.python_issues[number] = result.issues
        reps, cells = [], []
        for (agency_id, year), report in result.reports.items():
            rid, self.next_rid = self.next_rid, self.next_rid + 1
            reps.append((rid, number, result.format, agency_id, year, checked))
            for cid, table, item_key, name in self.continuity_cells:
                cell = report.cell(table, item_key or None, name)
                if cell.status == ABSENT:
                    continue
                value = cell.value if isinstance(cell.value, int | Decimal) else None
                line = cell.row.number if cell.row else None
                cells.append((rid, cid, cell.status, value, line))
        _insert_rows(self.con, "allreps", reps)
        _insert_rows(self.con, "contcells", cells)

    def flush(self) -> None:
        if not self.batch.count:
            return
        checked = {n: self.packages[n][2] for n in self.pending}
        self.batch.load(self.con)
        self.verdicts.add_new()
        for number in type_cells(self.con):
            self._row_engine(number, self.pending.pop(number))
        self.con.execute(
            "CREATE OR REPLACE TABLE batch_packages (pkg INTEGER, fmt VARCHAR, checked BOOLEAN)"
        )
        _insert_rows(
            self.con,
            "batch_packages",
            [(n, self.packages[n][1], checked[n]) for n in self.pending],
        )
        self.counts["columns"] = self.counts.get("columns", 0) + len(self.pending)
        insert_cell_issues(self.con)
        self.con.execute("DROP TABLE cellraw")  # the raw cells are no longer needed
        insert_key_issues(self.con)
        self.next_rid = group_reports(self.con, self.next_rid)
        insert_equation_issues(
            self.con,
            "SELECT rid, pkg, fmt, NULL AS prev_rid FROM reps",
            "termcells",
            needs_previous=False,
        )
        _insert_rows(
            self.con,
            "issues",
            [(*next(_issue_rows(n, [i])), *order) for n, order, i in check_reports(self.con)],
        )
        self.con.execute(
            "INSERT INTO allreps SELECT r.rid, r.pkg, r.fmt, r.agency_id, r.year, b.checked "
            "FROM reps r JOIN batch_packages b USING (pkg)"
        )
        self.con.execute(
            """
            INSERT INTO contcells
            SELECT c.rid, c.cid, c.status, c.num, c.line FROM termcells c
            WHERE c.cid IN (SELECT cid FROM terms WHERE needs_previous)
            """
        )
        self.con.execute(
            "DELETE FROM issues WHERE pkg IN (SELECT pkg FROM batch_packages WHERE NOT checked)"
        )
        self.pending.clear()
        for table in ("cellraw", "cells", "rowkeys", "groups", "repcells", "termcells", "reps"):
            self.con.execute(f"DROP TABLE IF EXISTS {table}")  # the batch's: free the memory

    def check_continuity(self) -> None:
        """Each checked report against last year's report of the same agency: the one in the
        last package holding it (packages given as previous come first)."""
        insert_equation_issues(
            self.con,
            """
            SELECT r.rid, r.pkg, r.fmt, p.rid AS prev_rid
            FROM allreps r
            JOIN (SELECT agency_id, year, arg_max(rid, pkg) AS rid FROM allreps GROUP BY ALL) p
              ON p.agency_id = r.agency_id AND p.year = r.year - 1
            WHERE r.checked
            """,
            "contcells",
            needs_previous=True,
        )

    def results(self) -> Iterator[ValidationResult]:
        issues = _grouped(
            self.con.cursor().execute(
                f"SELECT {', '.join(_ISSUE_NAMES)} FROM issues ORDER BY pkg, stage, k1, k2, k3"
            )
        )
        reports = _grouped(
            self.con.cursor().execute(
                "SELECT pkg, agency_id, year FROM allreps WHERE checked ORDER BY pkg"
            )
        )
        next_issues, next_reports = next(issues, None), next(reports, None)
        for number, (source, fmt, checked) in self.packages.items():
            found = self.python_issues.pop(number, [])
            keys: list[tuple[str, int]] = []
            while next_issues and next_issues[0] == number:
                found += [_issue(row) for row in next_issues[1]]
                next_issues = next(issues, None)
            while next_reports and next_reports[0] == number:
                keys += [(agency, year) for _, agency, year in next_reports[1]]
                next_reports = next(reports, None)
            if not checked:
                continue
            yield ValidationResult(
                package=ReportPackage(source=source),
                format=fmt,
                issues=[i.at(source) for i in found],
                reports={key: ReportData(agency_id=key[0], year=key[1]) for key in keys},
            )


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


def _issue(row: tuple) -> Issue:
    values = dict(zip(_ISSUE_NAMES, row, strict=True))
    return Issue(
        code=values["code"],
        severity=values["severity"],
        resource=values["resource"],
        row=values["row"],
        item=values["item"],
        field=values["field"],
        expected=_value(values["expected_txt"], values["expected_num"]),
        found=_value(values["found_txt"], values["found_num"]),
        cells=tuple(values["cells"] or ()),
        rule=values["rule"],
        note=values["note"],
        note_en=values["note_en"],
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
    report keys, not its tables. `counts`, if given, learns how many packages each executor
    took ("columns", "rows")."""
    with tempfile.TemporaryDirectory(prefix="gongkai-columnar-") as folder:
        executor = Executor(Path(folder), batch_size, {} if counts is None else counts)
        try:
            for package in previous:
                executor.add(package, checked=False)
            for package in packages:
                executor.add(package, checked=True)
            executor.flush()
            executor.check_continuity()
            yield from executor.results()
        finally:
            executor.con.close()
