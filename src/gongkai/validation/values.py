"""The typed rows of a valid package, read as the row engine reads them.

The columnar executor says whether a package is valid but keeps no rows; what is stored are
the values the standard's own Frictionless fields read from each cell (None for a blank one).
A table holds few distinct values per column, so each is read once and remembered.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from frictionless import Schema

from gongkai.standard import load_standard


class TableReader:
    """Cells of one table of one format to typed values."""

    def __init__(self, fmt: str, table: str) -> None:
        descriptor = dict(load_standard().format(fmt).table(table).descriptor)
        descriptor.pop("$schema", None)
        descriptor.pop("foreignKeys", None)
        schema = Schema.from_descriptor(descriptor)
        self.names = [f.name for f in schema.fields]
        self.readers = [f.create_cell_reader() for f in schema.fields]
        self.seen: list[dict[str, Any]] = [{} for _ in self.names]

    def value(self, column: int, cell: str) -> Any:
        seen = self.seen[column]
        if cell in seen:
            return seen[cell]
        value, notes = self.readers[column](cell)
        if notes:  # only a valid package's cells are read here
            raise ValueError(f"{self.names[column]}: {cell!r} does not read ({notes})")
        seen[cell] = value
        return value

    def rows(self, data: bytes) -> list[dict[str, Any]]:
        """The typed rows of a table's CSV (UTF-8) whose header is the standard's."""
        reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
        header = next(reader, None)
        if header != self.names:
            raise ValueError(f"expected the columns {self.names}, found {header}")
        value = self.value
        return [
            {
                name: value(k, cell)
                for k, (name, cell) in enumerate(zip(self.names, row, strict=True))
            }
            for row in reader
            if row
        ]


class PackageReader:
    """TableReaders of every format and table, made when first needed."""

    def __init__(self) -> None:
        self.tables: dict[tuple[str, str], TableReader] = {}

    def rows(self, fmt: str, table: str, data: bytes) -> list[dict[str, Any]]:
        reader = self.tables.get((fmt, table))
        if reader is None:
            reader = self.tables[(fmt, table)] = TableReader(fmt, table)
        return reader.rows(data)
