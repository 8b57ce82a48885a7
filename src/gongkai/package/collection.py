"""A collection (one package whose tables hold many reports, as /export writes it) split into
the packages of its reports.

Each report's package holds, for every table, the collection's header line and that report's
lines exactly as they stand in the collection. So its sha256 is the one the same report gets
when it is sent on its own as gongkai writes it (a folder, a download), and loading a report
alone and then inside a collection (or the other way round) files it once.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gongkai.package.reader import ReportPackage
from gongkai.standard import TABLE_NAMES

KEY_FIELDS = ("agency_id", "year")
# What a collection's datapackage.json says of the collection as a whole, not of each report.
_COLLECTION_PROPERTIES = ("$schema", "profile", "name", "title", "description", "resources")


@dataclass(frozen=True)
class ReportSlice:
    """One report of a collection as a package of its own."""

    agency_id: str
    year: str  # as written in reports.csv
    package: ReportPackage
    lines: Mapping[str, list[int]]  # table -> the collection's line of each of its rows


@dataclass(frozen=True)
class StrayRow:
    """A row whose agency_id and year name no row of reports.csv."""

    table: str
    line: int
    agency_id: str
    year: str


@dataclass(frozen=True)
class BlankLine:
    """A line without a value, which the row engine reports as a `blank-row` error."""

    table: str
    line: int


@dataclass
class Split:
    reports: list[ReportSlice] = field(default_factory=list)
    stray: list[StrayRow] = field(default_factory=list)
    blank: list[BlankLine] = field(default_factory=list)


_NO_KEY = ("", "")


def _is_blank(record: bytes) -> bool:
    """Whether every cell of a record is empty (a blank line, or only commas): no report's
    line, listed on its own as the row engine reports it."""
    return not record.replace(b",", b"").rstrip(b"\r")


def records(data: bytes) -> list[bytes]:
    """The CSV records of a table, each without its line end ("\\r" kept): a record whose
    quoted cell holds a line break spans several lines (an odd count of quotes so far)."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if b'"' not in data:
        return lines
    joined: list[bytes] = []
    open_record: list[bytes] = []
    quotes = 0
    for line in lines:
        open_record.append(line)
        quotes += line.count(b'"')
        if quotes % 2 == 0:
            joined.append(b"\n".join(open_record))
            open_record, quotes = [], 0
    if open_record:  # an unclosed quote: the rest is one record, as a CSV reader reads it
        joined.append(b"\n".join(open_record))
    return joined


def _cells(record: bytes) -> list[str]:
    text = record.decode("utf-8", "replace")
    if '"' not in text:
        return text.split(",")
    return next(csv.reader([text]), [])


def _key(record: bytes, positions: tuple[int, int]) -> tuple[str, str]:
    cells = _cells(record)
    agency, year = (cells[p].strip() if p < len(cells) else "" for p in positions)
    return agency, year


def _positions(header: bytes) -> tuple[int, int] | None:
    names = [c.strip().lstrip("\ufeff") for c in _cells(header)]
    if not all(k in names for k in KEY_FIELDS):
        return None
    return names.index("agency_id"), names.index("year")


def report_keys(package: ReportPackage) -> list[tuple[str, str]]:
    """(agency_id, year) of each data row of reports.csv, as written; none when it cannot be
    read (validation says why)."""
    data = package.files.get("reports")
    found = records(data) if data else []
    positions = _positions(found[0]) if found else None
    if positions is None:
        return []
    return [_key(record, positions) for record in found[1:]]


def slice_descriptor(descriptor: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """What a report's package says of itself: the collection's own properties that hold for
    every report in it (licences, sources, x-… notes) and its resources, which name the same
    tables (their paths are the report's files)."""
    if descriptor is None:
        return None
    kept = {k: v for k, v in descriptor.items() if k not in _COLLECTION_PROPERTIES}
    resources = []
    for resource in descriptor.get("resources", []):
        if isinstance(resource, dict) and resource.get("name") in TABLE_NAMES:
            name = resource["name"]
            resources.append({**resource, "path": f"{name}.csv", "encoding": "utf-8"})
    return {**kept, "resources": resources}


def split_collection(package: ReportPackage) -> Split | None:
    """The reports of a collection, each as a package of its own, in the order of reports.csv;
    None when the package cannot be split (a table missing or unreadable, a header without
    agency_id and year): it is then validated as it stands."""
    if package.undecodable or package.absent or set(package.files) != set(TABLE_NAMES):
        return None
    tables: dict[str, list[bytes]] = {}
    positions: dict[str, tuple[int, int]] = {}
    for name in TABLE_NAMES:
        tables[name] = records(package.files[name])
        found = _positions(tables[name][0]) if tables[name] else None
        if found is None:
            return None
        positions[name] = found
    split = Split()
    rows: dict[tuple[str, str], dict[str, list[int]]] = {}
    for index in range(1, len(tables["reports"])):
        key = _key(tables["reports"][index], positions["reports"])
        if key == _NO_KEY and _is_blank(tables["reports"][index]):
            split.blank.append(BlankLine("reports", index + 1))
            continue
        rows.setdefault(key, {name: [] for name in TABLE_NAMES})["reports"].append(index)
    for name in TABLE_NAMES:
        if name == "reports":
            continue
        for index in range(1, len(tables[name])):
            key = _key(tables[name][index], positions[name])
            if key == _NO_KEY and _is_blank(tables[name][index]):
                split.blank.append(BlankLine(name, index + 1))
                continue
            if key in rows:
                rows[key][name].append(index)
            else:
                split.stray.append(StrayRow(name, index + 1, *key))
    descriptor = slice_descriptor(package.descriptor)
    for (agency_id, year), indexes in rows.items():
        files = {
            name: b"\n".join([tables[name][0], *(tables[name][i] for i in indexes[name])]) + b"\n"
            for name in TABLE_NAMES
        }
        report = ReportPackage(
            source=f"{package.source} {agency_id} {year}",
            files=files,
            file_names={name: f"{name}.csv" for name in TABLE_NAMES},
            encodings=dict(package.encodings),
            declared_encodings=dict(package.declared_encodings),
            descriptor=descriptor,
        )
        lines = {name: [i + 1 for i in indexes[name]] for name in TABLE_NAMES}
        split.reports.append(ReportSlice(agency_id, year, report, lines))
    return split
