"""A collection validated as one collection, then judged report by report.

A collection's reports (gongkai.package.collection.split_collection: each report's package and
the collection's line of each of its rows) are put together again, one package per format (a
report is validated in its own format, as when it is sent alone; stray rows are left out, they
belong to no report) and validated at once: by the columnar executor, or by the row engine
below its threshold, with continuity across the collection's years and against `previous`.

Each finding then goes to its report: to the one it names (Issue.report: shape, rules,
continuity), else to the owner of its row. A finding with neither belongs to the package as a
whole (a header, the descriptor, an encoding): every report's own package would say the same,
so it holds for every report of that package, and an error there is the collection's error.
Rows are the collection's lines.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from gongkai.package import ReportPackage
from gongkai.package.collection import ReportSlice, gc_paused, records
from gongkai.standard import FORMATS
from gongkai.validation.engine import ValidationResult, detect_format, validate_many
from gongkai.validation.issues import Issue

ROW_ENGINE_BELOW = 20  # fewer reports than this: the row engine, which costs less to start


@dataclass
class ByReport:
    results: list[ValidationResult]  # one per report, in the order given
    collection_errors: list[Issue] = field(default_factory=list)  # said of the whole


@dataclass
class _Rows:
    """A joined table's rows by report: report `owners[j]`'s rows are the joined table's rows
    `starts[j]` on, at the collection's lines `lines[j]` (reports without a row left out)."""

    owners: list[int] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    lines: list[list[int]] = field(default_factory=list)
    count: int = 0

    def owner(self, row: int) -> tuple[int, int] | None:
        """(report index, line) of the joined table's row (its line, the header being 1)."""
        if not 2 <= row < self.count + 2:
            return None
        j = bisect_right(self.starts, row - 2) - 1
        return self.owners[j], self.lines[j][row - 2 - self.starts[j]]


@dataclass
class _Joined:
    package: ReportPackage
    rows: dict[str, _Rows]  # table -> its rows' reports
    indexes: list[int]  # the reports with a row


def _joined(source: str, slices: Sequence[ReportSlice], indexes: list[int]) -> _Joined:
    """The reports `indexes` as one package: each table's header, then each report's rows."""
    first = slices[indexes[0]].package
    files: dict[str, bytes] = {}
    tables: dict[str, _Rows] = {}
    for name, data in first.files.items():
        header = records(data)[0]
        # every report's table starts with the same header line, the collection's
        skip = len(header) + 1
        parts: list[bytes | memoryview] = [header + b"\n"]
        parts.extend(memoryview(slices[i].package.files[name])[skip:] for i in indexes)
        files[name] = b"".join(parts)
        rows = tables[name] = _Rows()
        for i in indexes:
            if lines := slices[i].lines[name]:
                rows.owners.append(i)
                rows.starts.append(rows.count)
                rows.lines.append(lines)
                rows.count += len(lines)
    package = ReportPackage(
        source=source,
        files=files,
        file_names=dict(first.file_names),
        encodings=dict(first.encodings),
        declared_encodings=dict(first.declared_encodings),
        descriptor=first.descriptor,
    )
    owning = set().union(*(rows.owners for rows in tables.values()))
    return _Joined(package, tables, sorted(owning))


def _owner(issue: Issue, joined: _Joined) -> tuple[int, int] | None:
    rows = joined.rows.get(issue.resource or "")
    if rows is None or issue.row is None:
        return None
    return rows.owner(issue.row)


def _format(package: ReportPackage) -> str:
    """detect_format(package), read at once when reports.csv is as plain as a collection's
    report has it (no quote, no carriage return, no NUL: each line a record, its cells split
    at the commas, as csv reads them) and its first row names a format."""
    data = package.files.get("reports")
    if data is not None and b'"' not in data and b"\r" not in data and b"\0" not in data:
        lines = data.decode("utf-8").split("\n", 2)
        if len(lines) > 1 and lines[0] and lines[1]:
            named = dict(zip(lines[0].split(","), lines[1].split(","), strict=False))
            declared = (named.get("format") or "").strip()
            if declared in FORMATS:
                return declared
    return detect_format(package)


def validate_by_report(
    source: str,
    slices: Sequence[ReportSlice],
    previous: Sequence[ReportPackage] = (),
    columnar: bool | None = None,
) -> ByReport:
    """The verdict on each report of a collection (`slices`, as split_collection makes them),
    found by validating them as one. `columnar`: which executor (default: the columnar one
    from ROW_ENGINE_BELOW reports)."""
    with gc_paused():
        packages = [s.package for s in slices]
        by_format: dict[str, list[int]] = {}
        for index, package in enumerate(packages):
            by_format.setdefault(_format(package), []).append(index)
        joined = [_joined(source, slices, indexes) for indexes in by_format.values()]
    if columnar is None:
        columnar = len(packages) >= ROW_ENGINE_BELOW
    if columnar:
        # imported here: the column engine costs a quarter second to import
        from gongkai.validation.columnar import validate_columnar

        whole = list(validate_columnar([j.package for j in joined], previous=previous))
    else:
        whole = validate_many([j.package for j in joined], previous=validate_many(previous))
    with gc_paused():
        return _judged(slices, packages, joined, whole)


def _judged(
    slices: Sequence[ReportSlice],
    packages: list[ReportPackage],
    joined: list[_Joined],
    whole: list[ValidationResult],
) -> ByReport:
    """Each finding of the joined packages given to its report."""
    issues: dict[int, list[Issue]] = {}
    keys: dict[int, list[tuple[str, int]]] = {}
    formats = [""] * len(packages)
    collection_errors: list[Issue] = []
    for group, result in zip(joined, whole, strict=True):
        indexes = group.indexes
        named = _report_indexes(slices, indexes)
        for key in result.reports:
            if key in named:
                keys.setdefault(named[key], []).append(key)
        for index in indexes:
            formats[index] = result.format
        for issue in result.issues:
            owner = _owner(issue, group)
            issue = replace(issue, row=owner[1]) if owner else issue
            named_index = named.get(issue.report) if issue.report else None
            found = named_index if named_index is not None else owner[0] if owner else None
            if found is not None:
                issues.setdefault(found, []).append(issue)
                continue
            if issue.is_error:
                collection_errors.append(issue)
            for index in indexes:
                issues.setdefault(index, []).append(issue)
    reports = {key: report for result in whole for key, report in result.reports.items()}
    results = []
    for index, package in enumerate(packages):
        own = issues.get(index, ())
        results.append(
            ValidationResult(
                package=package,
                format=formats[index],
                issues=[i.at(package.source) for i in own] if own else [],
                reports={key: reports[key] for key in keys[index]} if index in keys else {},
            )
        )
    return ByReport(results, collection_errors)


def _report_indexes(
    slices: Sequence[ReportSlice], indexes: list[int]
) -> dict[tuple[str, int], int]:
    """(agency_id, year) as validation types a key -> the report's index."""
    return {
        (slices[i].agency_id, int(slices[i].year)): i
        for i in indexes
        if slices[i].year.isdigit() and len(slices[i].year) <= 4
    }
