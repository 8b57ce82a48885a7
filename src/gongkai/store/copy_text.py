"""Rows as PostgreSQL COPY text (tab-separated, NULL as \\N), built many at a time.

A bulk load sends each table's rows as one block of text through `copy.write()`, instead of
handing psycopg one row at a time. A figures row is made straight from its line in the
package's CSV: each cell is read by the standard's own Frictionless field (as the row engine
reads it) once per distinct cell, and its COPY text remembered; a table holds few distinct
cells per column, so most cells cost one dictionary lookup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from gongkai.standard import load_standard
from gongkai.store.tables import derived_region_columns
from gongkai.validation.values import TableReader

NULL = "\\N"
_SPECIAL = re.compile(r"[\\\t\n\r]")
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def text_of(value: Any) -> str:
    """One value as COPY text, as psycopg's text dumpers write it."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, bytes):
        return "\\\\x" + value.hex()  # bytea in hex, its backslash escaped for COPY
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    if _SPECIAL.search(text):
        return _SPECIAL.sub(lambda m: _ESCAPES[m.group()], text)
    return text


def block(rows: Iterable[Sequence[Any]]) -> str:
    """COPY text of rows of values."""
    return "".join("\t".join([text_of(v) for v in row]) + "\n" for row in rows)


def figure_columns(fmt: str, table: str) -> list[str]:
    """The figures table's columns, in the order `FigureLines` writes them."""
    names = ["filing_id", *load_standard().format(fmt).table(table).field_names]
    if "item" in names:
        names.append("seq")
    if table == "reports":
        names += ["province_code", "city_code"]
    return names


def is_plain(data: bytes, fmt: str, table: str) -> bool:
    """Whether `FigureLines` reads a table's CSV without the typed rows: UTF-8 without quotes
    or carriage returns, the standard's header, and as many commas as its lines need. Counted
    over the whole text, not line by line (a national year: 0.2 s, not 1 s); `FigureLines`
    still refuses a line with too many or too few cells, which no valid table has."""
    names = load_standard().format(fmt).table(table).field_names
    text = _plain_text(data, names)
    return text is not None and text.count(",") == (len(names) - 1) * text.count("\n")


def _plain_text(data: bytes, names: Sequence[str]) -> str | None:
    """A table CSV's text if it is UTF-8 without quotes or carriage returns and its first line
    is the standard's `names` (its last line ended, as a reader ends it); else None."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if '"' in text or "\r" in text:
        return None
    if not text.endswith("\n"):
        text += "\n"
    header = ",".join(names)
    if not text.startswith(header) or text[len(header)] != "\n":
        return None
    return text


# distinct line ends `FigureLines` remembers per table before it starts afresh (~200 bytes each)
KNOWN_ENDS = 200_000


class FigureLines:
    """Figures rows of one format's table as COPY lines, from the table's plain CSV."""

    def __init__(self, fmt: str, table: str) -> None:
        schema_table = load_standard().format(fmt).table(table)
        self.reader = TableReader(fmt, table)
        self.seen: list[dict[str, str]] = [{} for _ in self.reader.names]
        self.item = self.reader.names.index("item") if "item" in self.reader.names else None
        self.order = {code: str(i) for i, code in enumerate(schema_table.item_codes)}
        self.region = self.reader.names.index("region_code") if table == "reports" else None
        # A line's cells after its agency and year -> their COPY text: most lines of 表三 and
        # 表四 recur across a year's reports ("granted,1,0,0,0,0,0,1"), and one lookup of the
        # whole end costs less than splitting it and looking up each cell
        self.ends: dict[str, str] | None = (
            {} if self.region is None and len(self.reader.names) > 2 else None
        )

    def _cell(self, column: int, cell: str) -> str:
        text = self.seen[column][cell] = text_of(self.reader.value(column, cell))
        return text

    def lines(self, filing_id: int, data: bytes) -> list[str] | None:
        """The COPY lines of a valid table's CSV, or None when it is not plain CSV (quotes,
        carriage returns, another header): it is then read as the row engine reads it."""
        bodies = self.bodies(data)
        return None if bodies is None else with_filing_id(filing_id, bodies)

    def bodies(self, data: bytes) -> list[str] | None:
        """`lines` without their filing id: what follows it on each line."""
        text = _plain_text(data, self.reader.names)
        if text is None:
            return None
        rows = text.split("\n")
        rows.pop()  # after the last line's end
        del rows[0]  # the header
        if self.ends is not None and rows:
            return self._by_ends(rows, self.ends)
        out = []
        for row in rows:
            texts = self._texts(row)
            if texts is None:
                return None
            out.append("\t".join(texts) + "\n")
        return out

    def _by_ends(self, rows: list[str], ends: dict[str, str]) -> list[str] | None:
        """The bodies of `rows`, each the COPY text of its agency and year (the first line's,
        most often) and that of the rest of the line, looked up whole."""
        first = rows[0]
        cut = first.find(",", first.find(",") + 1) + 1  # after the year's comma
        first_texts = self._texts(first)
        if first_texts is None:
            return None
        head = first[:cut]
        head_text = first_texts[0] + "\t" + first_texts[1] + "\t" if cut else ""
        out = []
        for row in rows:
            end = row[cut:] if cut and row.startswith(head) else None
            body = ends.get(end) if end is not None else None
            if body is None:
                texts = first_texts if row is first else self._texts(row)
                if texts is None:
                    return None
                line = "\t".join(texts) + "\n"
                if end is None:
                    out.append(line)
                    continue
                if len(ends) >= KNOWN_ENDS:
                    ends.clear()
                body = ends[end] = line[len(head_text) :]
            out.append(head_text + body)
        return out

    def _texts(self, row: str) -> list[str] | None:
        """The COPY text of each column of a CSV line (seq and the region's columns after
        the table's own), or None when the line has too many or too few cells."""
        cells = row.split(",")
        if len(cells) != len(self.seen):
            return None
        seen = self.seen
        try:
            texts = [seen[k][c] for k, c in enumerate(cells)]
        except KeyError:
            texts = [seen[k][c] if c in seen[k] else self._cell(k, c) for k, c in enumerate(cells)]
        if self.item is not None:
            texts.append(self.order.get(cells[self.item], str(len(self.order))))
        if self.region is not None:
            texts += derived_region_columns(cells[self.region]).values()
        return texts


def with_filing_id(filing_id: int, bodies: list[str]) -> list[str]:
    """COPY lines of one filing's rows from their bodies (each line but its filing id)."""
    prefix = f"{filing_id}\t"
    return [prefix + body for body in bodies]


def with_filing_ids(filing_id: int, bodies: str) -> str:
    """`with_filing_id` of bodies joined in one text: the id put before every line at once (in
    COPY text a raw line break only ever ends a line; one in a value is written \\n)."""
    if not bodies:
        return ""
    prefix = f"{filing_id}\t"
    return prefix + bodies[:-1].replace("\n", "\n" + prefix) + "\n"


def typed_lines(
    filing_id: int, fmt: str, table: str, rows: Iterable[Mapping[str, Any]]
) -> list[str]:
    """COPY lines of typed rows (a package whose CSV is not plain)."""
    return with_filing_id(filing_id, typed_bodies(fmt, table, rows))


def typed_bodies(fmt: str, table: str, rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """`typed_lines` without their filing id."""
    names = figure_columns(fmt, table)[1:]
    order = {code: i for i, code in enumerate(load_standard().format(fmt).table(table).item_codes)}
    lines = []
    for source in rows:
        row = dict(source)
        if "item" in names:
            row["seq"] = order.get(str(row["item"]), len(order))
        if table == "reports":
            row.update(derived_region_columns(str(row["region_code"])))
        lines.append("\t".join([text_of(row.get(n)) for n in names]) + "\n")
    return lines
