"""Packages into the column engine: each table's data lines, written per (format, table) into
one file per batch that the engine reads in bulk, or a single package's large table into
pieces it reads side by side.

Only plain CSV is taken in: the standard's header, one row per line, no quotes, no carriage
returns, no NUL, no empty or blank rows, as many cells as columns. That is what the generator,
the writer and nearly every agency produce, and the one shape in which a line number is a row
number and both executors split cells alike. A package with anything else (a wrong header, a
ragged row, a missing or unreadable table) goes to the row engine, which says what is wrong in
its own words.

The checks are byte searches, except counting each line's cells: Python counts them in a small
table; in a large one the engine does, as it reads (a line with another count stops the read,
and the package goes to the row engine; a large package is therefore read in a batch of its
own).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.package import ReportPackage
from gongkai.standard import TABLE_NAMES, load_standard

LARGE = 1 << 20  # bytes of a table from which the engine counts the cells of its lines
PIECE = 8 << 20  # bytes of a table from which it is cut in pieces read side by side
# a compiled search finds two bytes ~2.5x faster than `in` (0.07 s against 0.17 s in a
# national 表三), on the way to the engine where nothing else runs yet
_EMPTY_LINE = re.compile(b"\n\n")


def plain_body(data: bytes, fields: list[str]) -> memoryview | None:
    """The data lines of a table in plain CSV with exactly the standard's header (each line
    ending in a newline), else None. A view of the bytes: a national table is not copied."""
    if b'"' in data or b"\r" in data or b"\0" in data:
        return None
    if not data.endswith(b"\n"):
        data += b"\n"
    end = data.find(b"\n")
    if data[:end] != ",".join(fields).encode() or _EMPTY_LINE.search(data):
        return None
    commas = len(fields) - 1
    if data.find(b"\n" + b"," * commas + b"\n", end) >= 0:
        return None  # a blank row
    body = memoryview(data)[end + 1 :]
    if len(body) < LARGE and any(line.count(b",") != commas for line in bytes(body).splitlines()):
        return None  # a ragged row
    return body


def plain_tables(package: ReportPackage, fmt: str) -> dict[str, memoryview] | None:
    """Every table's data lines when the package is plain CSV throughout, else None."""
    if package.undecodable or package.absent or set(package.files) != set(TABLE_NAMES):
        return None
    tables = load_standard().format(fmt).tables
    found = {}
    for name in TABLE_NAMES:
        body = plain_body(package.files[name], tables[name].field_names)
        if body is None:
            return None
        found[name] = body
    return found


def is_large(tables: dict[str, memoryview]) -> bool:
    return any(len(body) >= LARGE for body in tables.values())


@dataclass(frozen=True)
class Piece:
    """Lines for the engine, written to `path`: of one package (`package`, with `first` its
    lines before these), or of several, each line starting with its package and offset."""

    path: Path
    package: int | None
    first: int
    lines: bytes | memoryview

    def write(self) -> None:
        with self.path.open("wb") as out:
            out.write(self.lines)


def _cuts(body: memoryview, most: int) -> list[tuple[int, int, int]]:
    """(begin, end, lines before begin) of up to `most` pieces of about equal size, each
    ending in a newline (only pieces of at least PIECE bytes)."""
    count = max(1, min(most, len(body) // PIECE))
    cuts: list[tuple[int, int, int]] = []
    begin = first = 0
    for k in range(1, count + 1):
        end = len(body) if k == count else _line_end(body, k * len(body) // count)
        if end <= begin and cuts:
            continue  # an empty table is one empty piece
        cuts.append((begin, end, first))
        if k < count:
            first += bytes(body[begin:end]).count(b"\n")
        begin = end
    return cuts


def _line_end(body: memoryview, at: int) -> int:
    """The position after the first newline at or past `at` (the body ends in one)."""
    while True:
        found = bytes(body[at : at + 4096]).find(b"\n")
        if found >= 0:
            return at + found + 1
        at += 4096


@dataclass
class Batch:
    """The plain packages of a batch, kept until the batch is written for the engine."""

    bodies: dict[tuple[str, str], list[tuple[int, memoryview]]] = field(default_factory=dict)
    count: int = 0

    def add(self, number: int, fmt: str, tables: dict[str, memoryview]) -> None:
        for table, body in tables.items():
            self.bodies.setdefault((fmt, table), []).append((number, body))
        self.count += 1

    def formats(self) -> list[str]:
        return sorted({fmt for fmt, _ in self.bodies})

    def pieces(self, folder: Path, fmt: str, table: str, most: int) -> list[Piece]:
        """The table's lines of this batch in files the engine reads side by side, at most
        `most` of them: a single package's large table is cut on line boundaries; the lines
        of several packages go in one file, each line starting with the package number and
        the place of the package's first line in that file."""
        parts = self.bodies.get((fmt, table), [])
        if len(parts) == 1:
            number, whole = parts[0]
            return [
                Piece(folder / f"{fmt}-{table}-{k}.csv", number, first, whole[begin:end])
                for k, (begin, end, first) in enumerate(_cuts(whole, most))
            ]
        lines = []
        start = 0
        for number, view in parts:
            if not view:
                continue
            body = bytes(view)
            prefix = f"{number},{start},".encode()
            lines.append(prefix + body[:-1].replace(b"\n", b"\n" + prefix) + b"\n")
            start += body.count(b"\n")
        return [Piece(folder / f"{fmt}-{table}.csv", None, 0, b"".join(lines))]

    def clear(self) -> None:
        self.bodies.clear()
        self.count = 0
