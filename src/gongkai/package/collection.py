"""A collection (one package whose tables hold many reports, as /export writes it) split into
the packages of its reports.

Each report's package holds, for every table, the collection's header line and that report's
lines exactly as they stand in the collection. So its sha256 is the one the same report gets
when it is sent on its own as gongkai writes it (a folder, a download), and loading a report
alone and then inside a collection (or the other way round) files it once.
"""

from __future__ import annotations

import csv
import gc
import io
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple

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
    """The CSV records of a table, each without its line end ("\\r" kept), as a CSV reader
    reads them: a record whose quoted cell holds a line break spans several lines (a quote
    opens a quoted cell only at the cell's start; an unclosed one takes the rest)."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if b'"' not in data:
        return lines
    reader = csv.reader(line.decode("utf-8", "replace") + "\n" for line in lines)
    joined: list[bytes] = []
    start = 0
    try:
        for _ in reader:
            joined.append(b"\n".join(lines[start : reader.line_num]))
            start = reader.line_num
    except csv.Error:  # a carriage return in mid-line: a record ends there, as read
        return _records_by_quotes(lines)
    return joined


def _records_by_quotes(lines: list[bytes]) -> list[bytes]:
    """`records` where a CSV reader would stop at a carriage return: a record goes on while
    its count of quotes is odd."""
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
    try:
        return next(csv.reader([text]), [])
    except csv.Error:
        # a line break outside any quoted cell (a quote in mid-cell does not open one): a CSV
        # reader ends the record there; validation tells what is wrong with the table
        return next(csv.reader(io.StringIO(text, newline="")), [])


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
    table = _Table.read(data) if data else None
    if table is None:
        return []
    return [run.key for run in table.runs() for _ in range(run.first, run.end)]


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


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a while: making a national year's reports makes
    millions of containers, none in a cycle, and the collector would walk them again and
    again as they pile up (a quarter of the CPU time of a national year's split)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def split_collection(package: ReportPackage) -> Split | None:
    """The reports of a collection, each as a package of its own, in the order of reports.csv;
    None when the package cannot be split (a table missing or unreadable, a header without
    agency_id and year): it is then validated as it stands."""
    with gc_paused():
        return _split(package)


def _split(package: ReportPackage) -> Split | None:
    if package.undecodable or package.absent or set(package.files) != set(TABLE_NAMES):
        return None
    tables: dict[str, _Table] = {}
    for name in TABLE_NAMES:
        table = _Table.read(package.files[name])
        if table is None:
            return None
        tables[name] = table
    split = Split()
    # table -> key -> its runs (most reports' rows of a table are one run: not in a list)
    placed: dict[str, dict[tuple[str, str], _Run | list[_Run]]] = {}
    for name in ("reports", *(n for n in TABLE_NAMES if n != "reports")):
        held = placed[name] = {}
        reports = placed["reports"]  # a key with a row in reports.csv
        for run in tables[name].runs():
            if run.blank:
                split.blank.append(BlankLine(name, run.first + 1))
            elif name != "reports" and run.key not in reports:
                split.stray.extend(
                    StrayRow(name, line, *run.key) for line in range(run.first + 1, run.end + 1)
                )
            elif (before := held.get(run.key)) is None:
                held[run.key] = run
            elif isinstance(before, list):
                before.append(run)
            else:
                held[run.key] = [before, run]
    descriptor = slice_descriptor(package.descriptor)
    headers = {name: tables[name].header + b"\n" for name in TABLE_NAMES}
    for key in placed["reports"]:
        files: dict[str, bytes] = {}
        lines: dict[str, list[int]] = {}
        for name in TABLE_NAMES:
            runs = placed[name].get(key)
            if runs is None:
                files[name], lines[name] = headers[name], []
            elif isinstance(runs, list):
                files[name] = b"".join([headers[name], *(run.text for run in runs)])
                lines[name] = [i + 1 for run in runs for i in range(run.first, run.end)]
            else:
                files[name] = headers[name] + runs.text
                lines[name] = list(range(runs.first + 1, runs.end + 1))
        agency_id, year = key
        report = ReportPackage(
            source=f"{package.source} {agency_id} {year}",
            files=files,
            file_names={name: f"{name}.csv" for name in TABLE_NAMES},
            encodings=dict(package.encodings),
            declared_encodings=dict(package.declared_encodings),
            descriptor=descriptor,
        )
        split.reports.append(ReportSlice(agency_id, year, report, lines))
    return split


class _Run(NamedTuple):
    """Data records `index` to `end` (not included) of a table, one after the other, with the
    same key; `text` is theirs, each ended by a line end."""

    key: tuple[str, str]
    first: int
    end: int
    text: bytes | memoryview
    blank: bool = False  # one record without a value (its key is then _NO_KEY)


def _record_run(key: tuple[str, str], index: int, record: bytes) -> _Run:
    blank = key == _NO_KEY and _is_blank(record)
    return _Run(key, index, index + 1, record + b"\n", blank)


# A run of lines that begin with the same bytes up to the comma after their Nth cell (%d: N),
# or one line (of fewer cells)
_RUN = rb"((?:[^,\n]*,){%d})[^\n]*\n(?:\1[^\n]*\n)*|[^\n]*\n"
_RUNS: dict[int, re.Pattern[bytes]] = {}


@dataclass(frozen=True)
class _Table:
    """A collection's table: its header record, where agency_id and year are in it, and its
    text with a line end after the last record; or, when a quoted cell may hold a line
    break, its records."""

    header: bytes
    positions: tuple[int, int]
    text: bytes
    quoted: list[bytes] | None

    @classmethod
    def read(cls, data: bytes) -> _Table | None:
        """None when it has no header with agency_id and year."""
        if b'"' in data:
            found = records(data)
            positions = _positions(found[0]) if found else None
            return None if positions is None else cls(found[0], positions, data, found)
        if not data:
            return None
        header = data.split(b"\n", 1)[0]
        positions = _positions(header)
        if positions is None:
            return None
        return cls(header, positions, data if data.endswith(b"\n") else data + b"\n", None)

    def runs(self) -> list[_Run]:
        """The table's data records in order, as runs of one key (a record that may be
        blank, on its own)."""
        if self.quoted is not None:
            return self._quoted_runs(self.quoted)
        # Without a quote a record is a line, and lines that begin with the same bytes up to
        # the last of agency_id and year have the same key: a regular expression finds them
        # in one pass, without reading each line in Python
        agency, year = self.positions
        cells = max(agency, year) + 1
        pattern = _RUNS.get(cells) or _RUNS.setdefault(cells, re.compile(_RUN % cells))
        text, view = self.text, memoryview(self.text)
        runs: list[_Run] = []
        index = 1
        for match in pattern.finditer(text, len(self.header) + 1):
            start, end = match.span()
            count = text.count(b"\n", start, end)
            prefix = match.group(1)
            if prefix is None:  # fewer cells
                key = _key(text[start : end - 1], self.positions)
            else:  # as _key reads it (no quote)
                found = prefix.decode("utf-8", "replace").split(",")
                key = (found[agency].strip(), found[year].strip())
            if key == _NO_KEY:  # each record on its own: a blank one is listed
                for offset, record in enumerate(text[start : end - 1].split(b"\n")):
                    runs.append(_record_run(key, index + offset, record))
            else:
                runs.append(_Run(key, index, index + count, view[start:end]))
            index += count
        return runs

    def _quoted_runs(self, found: list[bytes]) -> list[_Run]:
        keys = [_key(record, self.positions) for record in found]
        runs: list[_Run] = []
        first = 1
        while first < len(found):
            key = keys[first]
            if key == _NO_KEY:
                runs.append(_record_run(key, first, found[first]))
                first += 1
                continue
            end = first + 1
            while end < len(found) and keys[end] == key:
                end += 1
            runs.append(_Run(key, first, end, b"\n".join(found[first:end]) + b"\n"))
            first = end
        return runs
