"""Types and single-cell constraints of the cells that are not plain (fields.py), decided once
per distinct value of a column.

Each distinct (format, table, field, raw cell) is read by the standard's own Frictionless field
(type, required, enum, pattern, minimum, maximum, minLength, uri) and by the row engine's own
extra checks (full-width digits, decimals), and the verdict is written back to every cell that
holds it. The verdicts are kept across batches: a value is never read twice.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from gongkai.standard import Field, find_field, load_standard
from gongkai.validation.columnar.fields import INTEGER_DIGITS, NUMBER, SCALE
from gongkai.validation.tabular import FULL_WIDTH, _constraint, _schema

# Figures as the engine holds them: BIGINT, or DECIMAL(18, 6) with decimals, summed exactly in
# DECIMAL(38, 6) (DECIMAL(18, 6) is read from text ~200x faster than DECIMAL(38, 6) in DuckDB
# 1.5). A value outside it (a count of a trillion, seven decimals in a field without a limit)
# sends its package to the row engine.


@dataclass(frozen=True)
class Verdict:
    """What one raw cell is: its typed value, whether it has an error, the issues it raises."""

    bad: bool
    num: Decimal | None  # integer and number values
    txt: str | None  # strings; dates as ISO text
    issues: tuple[tuple[str, str | None, str, str | None, str | None], ...]
    # (code, expected, found, note, note_en)
    exact: bool = True  # representable in the engine


def _as_columns(value: Any) -> tuple[Decimal | None, str | None, bool]:
    if value is None:
        return None, None, True
    if isinstance(value, bool):
        return None, str(value), True
    if isinstance(value, int | Decimal):
        number = Decimal(value)
        exponent = number.as_tuple().exponent
        digits = len(number.as_tuple().digits) + (exponent if isinstance(exponent, int) else 0)
        fits = isinstance(exponent, int) and -exponent <= SCALE and digits <= INTEGER_DIGITS
        return (number if fits else None), None, fits
    if hasattr(value, "isoformat"):
        return None, value.isoformat(), True
    return None, str(value), True


@cache
def _reader(fmt: str, table: str, name: str) -> tuple[Any, str | None, Field | None]:
    """The field's Frictionless cell reader, the type named in a type error, the field."""
    reader = _schema(fmt, table, False).get_field(name).create_cell_reader()
    named = find_field(table, name)
    return (
        reader,
        named.type if named else None,
        load_standard().format(fmt).table(table).field(name),
    )


def judge(fmt: str, table: str, name: str, raw: str) -> Verdict:
    """The verdict the row engine reaches on this cell (tabular.run_frictionless and its
    capturing Check), reached the same way."""
    reader, type_name, spec = _reader(fmt, table, name)
    value, notes = reader(raw)
    issues: list[tuple[str, str | None, str, str | None, str | None]] = []
    notes = dict(notes or {})
    if notes.pop("type", None):
        issues.append(("type-error", type_name, raw, None, None))
    for note in notes.values():
        issues.append(("constraint-error", _constraint(note), raw, None, None))
    if spec is not None and spec.is_value:
        if FULL_WIDTH.search(raw):
            value = None
            issues.append(
                ("type-error", spec.type, raw, "全角数字，请改为半角数字", "full-width digits")
            )
        if spec.decimals is not None and isinstance(value, Decimal):
            exponent = value.as_tuple().exponent
            if isinstance(exponent, int) and -exponent > spec.decimals:
                issues.append(("constraint-error", f"decimals {spec.decimals}", raw, None, None))
    num, txt, exact = _as_columns(value)
    return Verdict(bad=bool(issues), num=num, txt=txt, issues=tuple(issues), exact=exact)


class Verdicts:
    """Table `verdicts` (fmt, tbl, fld, raw, bad, num, txt, exact) and `cell_issues` in the
    engine, grown with each batch's new values."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        con.execute(
            f"CREATE TABLE verdicts (fmt VARCHAR, tbl VARCHAR, fld VARCHAR, raw VARCHAR, "
            f"bad BOOLEAN, num {NUMBER}, txt VARCHAR, exact BOOLEAN)"
        )
        con.execute(
            "CREATE TABLE cell_issues (fmt VARCHAR, tbl VARCHAR, fld VARCHAR, raw VARCHAR, "
            "code VARCHAR, expected VARCHAR, found VARCHAR, note VARCHAR, note_en VARCHAR)"
        )

    def add_new(self) -> None:
        """Judge the values of `oddcells` not judged before."""
        new = self.con.execute(
            "SELECT DISTINCT fmt, tbl, fld, raw FROM oddcells "
            "ANTI JOIN verdicts USING (fmt, tbl, fld, raw)"
        ).fetchall()
        if not new:
            return
        verdicts = [(key, judge(*key)) for key in new]
        insert_columns(
            self.con,
            "verdicts",
            {
                "fmt": [k[0] for k, _ in verdicts],
                "tbl": [k[1] for k, _ in verdicts],
                "fld": [k[2] for k, _ in verdicts],
                "raw": [k[3] for k, _ in verdicts],
                "bad": [v.bad for _, v in verdicts],
                "num": [None if v.num is None else str(v.num) for _, v in verdicts],
                "txt": [v.txt for _, v in verdicts],
                "exact": [v.exact for _, v in verdicts],
            },
        )
        issues = [(*key, *issue) for key, v in verdicts for issue in v.issues]
        if issues:
            names = ("fmt", "tbl", "fld", "raw", "code", "expected", "found", "note", "note_en")
            columns = {n: [i[k] for i in issues] for k, n in enumerate(names)}
            insert_columns(self.con, "cell_issues", columns)


def _csv_field(value: Any) -> str:
    if value is None:
        return ""  # unquoted: NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    return '"' + str(value).replace('"', '""') + '"'  # quoted: a string, even an empty one


def insert_columns(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, list]) -> None:
    """Insert rows given column by column, through a CSV file the engine reads in bulk (the
    engine's conversion of Python values costs milliseconds per value). Values are None,
    bool, or anything whose str() the column's type reads."""
    names = list(columns)
    rows = zip(*(columns[n] for n in names), strict=True)
    with tempfile.NamedTemporaryFile("w", suffix=".csv", encoding="utf-8", delete=False) as out:
        for row in rows:
            out.write(",".join(map(_csv_field, row)) + "\n")
    try:
        types = dict(
            con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {table})").fetchall()
        )
        casts = ", ".join(f"CAST({n} AS {types[n]})" for n in names)
        con.execute(
            f"INSERT INTO {table} ({', '.join(names)}) SELECT {casts} FROM read_csv(?, "
            "header = false, columns = ?, quote = '\"', escape = '\"', "
            "allow_quoted_nulls = false, auto_detect = false, nullstr = '')",
            [out.name, {n: "VARCHAR" for n in names}],
        )
    finally:
        Path(out.name).unlink()
