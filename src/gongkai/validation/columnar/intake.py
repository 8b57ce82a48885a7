"""Packages into the column engine: each table's lines as (package, line, field, raw cell).

Only plain CSV is taken in: the standard's header, one row per line, no quotes, no carriage
returns, no blank rows, as many cells as columns. That is what the generator, the writer and
nearly every agency produce, and the one shape in which a line number is a row number and both
executors split cells alike. A package with anything else (a wrong header, a ragged row, a
missing or unreadable table) goes to the row engine, which says what is wrong in its own words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import duckdb

from gongkai.package import ReportPackage
from gongkai.standard import TABLE_NAMES, load_standard


def plain_lines(data: bytes, fields: list[str]) -> list[str] | None:
    """The data lines of a table in plain CSV with exactly the standard's header, else None."""
    text = data.decode("utf-8")
    if '"' in text or "\r" in text:
        return None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if not lines or lines[0] != ",".join(fields):
        return None
    commas = len(fields) - 1
    for line in lines:
        if line.count(",") != commas or not line.strip(","):
            return None  # a ragged row, or a blank one
    return lines[1:]


def is_plain(package: ReportPackage, fmt: str) -> dict[str, list[str]] | None:
    """Every table's data lines when the package is plain CSV throughout, else None."""
    if package.undecodable or package.absent or set(package.files) != set(TABLE_NAMES):
        return None
    tables = load_standard().format(fmt).tables
    found = {}
    for name in TABLE_NAMES:
        lines = plain_lines(package.files[name], tables[name].field_names)
        if lines is None:
            return None
        found[name] = lines
    return found


@dataclass
class Batch:
    """Plain packages written out per (format, table) for one bulk read by the engine."""

    folder: Path
    files: dict[tuple[str, str], TextIO] = field(default_factory=dict)  # open for writing
    count: int = 0

    def add(self, number: int, fmt: str, tables: dict[str, list[str]]) -> None:
        for table, lines in tables.items():
            out = self.files.get((fmt, table))
            if out is None:
                path = self.folder / f"{fmt}-{table}.csv"
                out = self.files[(fmt, table)] = path.open("w", encoding="utf-8")
            prefix = f"{number},"
            out.write("".join(f"{prefix}{n},{line}\n" for n, line in enumerate(lines, start=2)))
        self.count += 1

    def load(self, con: duckdb.DuckDBPyConnection) -> None:
        """Replace table `cellraw` with this batch: (pkg, fmt, tbl, line, fld, raw), a blank
        cell as ''."""
        con.execute(
            "CREATE OR REPLACE TABLE cellraw (pkg INTEGER, fmt VARCHAR, tbl VARCHAR, "
            "line INTEGER, fld VARCHAR, raw VARCHAR)"
        )
        for (fmt, table), out in self.files.items():
            out.close()
            names = load_standard().format(fmt).table(table).field_names
            columns = {"pkg": "INTEGER", "line": "INTEGER"} | {n: "VARCHAR" for n in names}
            path = self.folder / f"{fmt}-{table}.csv"
            cells = ", ".join(f"coalesce({_quoted(n)}, '') AS {_quoted(n)}" for n in names)
            on = ", ".join(_quoted(n) for n in names)
            con.execute(
                f"""
                INSERT INTO cellraw
                SELECT pkg, '{fmt}', '{table}', line, fld, raw FROM (
                    UNPIVOT (
                        SELECT pkg, line, {cells}
                        FROM read_csv(?, header = false, delim = ',', quote = '', escape = '',
                                      auto_detect = false, columns = ?, nullstr = '')
                    ) ON {on} INTO NAME fld VALUE raw
                )
                """,
                [str(path), columns],
            )
            path.unlink()
        self.files.clear()
        self.count = 0


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
