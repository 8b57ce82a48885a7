"""Packages into the column engine: each table's data lines, written per (format, table) into
one file per batch that the engine reads in bulk.

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

from dataclasses import dataclass, field
from pathlib import Path

from gongkai.package import ReportPackage
from gongkai.standard import TABLE_NAMES, load_standard

LARGE = 1 << 20  # bytes of a table from which the engine counts the cells of its lines


def plain_body(data: bytes, fields: list[str]) -> memoryview | None:
    """The data lines of a table in plain CSV with exactly the standard's header (each line
    ending in a newline), else None. A view of the bytes: a national table is not copied."""
    if b'"' in data or b"\r" in data or b"\0" in data:
        return None
    if not data.endswith(b"\n"):
        data += b"\n"
    end = data.find(b"\n")
    if data[:end] != ",".join(fields).encode() or b"\n\n" in data:
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

    def write(self, folder: Path, fmt: str, table: str) -> tuple[Path, int | None]:
        """The table's lines of this batch in one file, and the package number when it holds
        one package. Lines of several packages start with the package number and the position
        of the package's first line in the file (a row's line is then its position minus that,
        plus 2)."""
        path = folder / f"{fmt}-{table}.csv"
        parts = self.bodies.get((fmt, table), [])
        with path.open("wb") as out:
            if len(parts) == 1:
                out.write(parts[0][1])
                return path, parts[0][0]
            start = 0
            for number, view in parts:
                if not view:
                    continue
                body = bytes(view)
                prefix = f"{number},{start},".encode()
                out.write(prefix + body[:-1].replace(b"\n", b"\n" + prefix) + b"\n")
                start += body.count(b"\n")
        return path, None

    def clear(self) -> None:
        self.bodies.clear()
        self.count = 0
