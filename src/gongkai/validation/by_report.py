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

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from gongkai.package import ReportPackage
from gongkai.package.collection import ReportSlice, records
from gongkai.validation.engine import ValidationResult, detect_format, validate_many
from gongkai.validation.issues import Issue

ROW_ENGINE_BELOW = 20  # fewer reports than this: the row engine, which costs less to start


@dataclass
class ByReport:
    results: list[ValidationResult]  # one per report, in the order given
    collection_errors: list[Issue] = field(default_factory=list)  # said of the whole


@dataclass
class _Joined:
    package: ReportPackage
    owners: dict[str, list[tuple[int, int]]]  # table -> (report index, line) of each row


def _joined(source: str, slices: Sequence[ReportSlice], indexes: list[int]) -> _Joined:
    """The reports `indexes` as one package: each table's header, then each report's rows."""
    first = slices[indexes[0]].package
    files: dict[str, bytes] = {}
    owners: dict[str, list[tuple[int, int]]] = {}
    for name, data in first.files.items():
        header = records(data)[0]
        # every report's table starts with the same header line, the collection's
        bodies = [slices[i].package.files[name][len(header) + 1 :] for i in indexes]
        files[name] = header + b"\n" + b"".join(bodies)
        owners[name] = [(i, line) for i in indexes for line in slices[i].lines[name]]
    package = ReportPackage(
        source=source,
        files=files,
        file_names=dict(first.file_names),
        encodings=dict(first.encodings),
        declared_encodings=dict(first.declared_encodings),
        descriptor=first.descriptor,
    )
    return _Joined(package, owners)


def _owner(issue: Issue, joined: _Joined) -> tuple[int, int] | None:
    rows = joined.owners.get(issue.resource or "")
    if rows is None or issue.row is None or not 2 <= issue.row < len(rows) + 2:
        return None
    return rows[issue.row - 2]


def validate_by_report(
    source: str,
    slices: Sequence[ReportSlice],
    previous: Sequence[ReportPackage] = (),
    columnar: bool | None = None,
) -> ByReport:
    """The verdict on each report of a collection (`slices`, as split_collection makes them),
    found by validating them as one. `columnar`: which executor (default: the columnar one
    from ROW_ENGINE_BELOW reports)."""
    packages = [s.package for s in slices]
    by_format: dict[str, list[int]] = {}
    for index, package in enumerate(packages):
        by_format.setdefault(detect_format(package), []).append(index)
    joined = [_joined(source, slices, indexes) for indexes in by_format.values()]
    if columnar is None:
        columnar = len(packages) >= ROW_ENGINE_BELOW
    if columnar:
        # imported here: the column engine costs a quarter second to import
        from gongkai.validation.columnar import validate_columnar

        whole = list(validate_columnar([j.package for j in joined], previous=previous))
    else:
        whole = validate_many([j.package for j in joined], previous=validate_many(previous))
    issues: list[list[Issue]] = [[] for _ in packages]
    keys: list[set[tuple[str, int]]] = [set() for _ in packages]
    formats = [""] * len(packages)
    collection_errors: list[Issue] = []
    for group, result in zip(joined, whole, strict=True):
        indexes = sorted({i for rows in group.owners.values() for i, _ in rows})
        named = _report_indexes(slices, indexes)
        for key in result.reports:
            if key in named:
                keys[named[key]].add(key)
        for index in indexes:
            formats[index] = result.format
        for issue in result.issues:
            owner = _owner(issue, group)
            issue = replace(issue, row=owner[1]) if owner else issue
            named_index = named.get(issue.report) if issue.report else None
            found = named_index if named_index is not None else owner[0] if owner else None
            if found is not None:
                issues[found].append(issue)
                continue
            if issue.is_error:
                collection_errors.append(issue)
            for index in indexes:
                issues[index].append(issue)
    reports = {key: report for result in whole for key, report in result.reports.items()}
    results = [
        ValidationResult(
            package=package,
            format=formats[index],
            issues=[i.at(package.source) for i in issues[index]],
            reports={key: reports[key] for key in keys[index]},
        )
        for index, package in enumerate(packages)
    ]
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
