"""COPY text made from a package's CSV lines equals the COPY text of its typed rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from conftest_db import DATASETS
from gongkai.package import read_package
from gongkai.standard import TABLE_NAMES
from gongkai.store.copy_text import (
    FigureLines,
    figure_columns,
    is_plain,
    text_of,
    typed_bodies,
    typed_lines,
    with_filing_id,
    with_filing_ids,
)
from gongkai.validation import validate
from gongkai.validation.values import PackageReader


def test_values_are_written_as_psycopg_writes_them() -> None:
    assert text_of(None) == "\\N"
    assert text_of(True) == "t"
    assert text_of(12) == "12"
    assert text_of(Decimal("7.5808")) == "7.5808"
    assert text_of(date(2025, 1, 27)) == "2025-01-27"
    assert text_of("a\tb\nc\\d\re") == "a\\tb\\nc\\\\d\\re"
    assert text_of(b"\x00\xff") == "\\\\x00ff"
    assert text_of([{"a": "b"}]) == '[{"a": "b"}]'


@pytest.mark.parametrize("path", sorted(DATASETS.iterdir()), ids=lambda p: p.name)
def test_lines_from_the_csv_equal_lines_from_the_typed_rows(path) -> None:  # type: ignore[no-untyped-def]
    result = validate(read_package(path))
    assert result.valid, result.errors
    values = PackageReader()
    for name in TABLE_NAMES:
        data = result.package.files[name]
        typed = typed_lines(7, result.format, name, values.rows(result.format, name, data))
        lines = FigureLines(result.format, name).lines(7, data)
        if is_plain(data, result.format, name):
            assert lines == typed
        assert all(
            len(line.split("\t")) == len(figure_columns(result.format, name)) for line in typed
        )


def test_a_table_that_is_not_plain_csv_is_left_to_the_typed_rows() -> None:
    header = ",".join(FigureLines("2021", "reports").reader.names).encode()
    quoted = header + b'\n"x",2024\n'
    assert FigureLines("2021", "reports").lines(1, quoted) is None
    assert not is_plain(quoted, "2021", "reports")


def test_a_header_that_only_starts_with_the_standards_is_not_plain() -> None:
    lines = FigureLines("2021", "applications")
    header = ",".join(lines.reader.names)
    row = ",".join(["320813-x", "2024", "granted", *["1"] * (len(lines.reader.names) - 3)])
    for data in [f"{header} \n{row}\n", f"{header}\n{row},\n", f"{header}\n\n{row}\n"]:
        assert not is_plain(data.encode(), "2021", "applications"), data
        assert lines.lines(1, data.encode()) is None
    assert is_plain(f"{header}\n{row}\n".encode(), "2021", "applications")
    assert lines.lines(1, f"{header}\n{row}\n".encode()) is not None


def test_one_reader_for_many_packages_writes_each_as_its_typed_rows(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # the store keeps one reader per table for a whole load: a line's end remembered from one
    # agency's package is written after another agency's id and year
    monkeypatch.setattr("gongkai.store.copy_text.KNOWN_ENDS", 3)  # and starts afresh often
    values = PackageReader()
    readers: dict[tuple[str, str], FigureLines] = {}
    for path in sorted(DATASETS.iterdir()) * 2:
        result = validate(read_package(path))
        for name in TABLE_NAMES:
            data = result.package.files[name]
            reader = readers.setdefault((result.format, name), FigureLines(result.format, name))
            typed = typed_lines(7, result.format, name, values.rows(result.format, name, data))
            assert reader.lines(7, data) == typed, (path.name, name)


def test_a_line_with_a_cell_too_many_is_refused_though_the_commas_add_up() -> None:
    lines = FigureLines("2021", "applications")
    header = ",".join(lines.reader.names)
    row = ",".join(["320813-x", "2024", "granted", *["1"] * (len(lines.reader.names) - 3)])
    data = f"{header}\n{row},\n{row[: row.rindex(',')]}\n".encode()  # one more, one fewer
    assert lines.lines(1, data) is None  # left to the row engine's reading, as not plain
    ones = "\t".join(["1"] * (len(lines.reader.names) - 3))
    line = f"1\t320813-x\t2024\tgranted\t{ones}\t{lines.order['granted']}\n"
    assert lines.lines(1, f"{header}\n{row}\n{row}".encode()) == [line, line]  # no last \n


def test_the_filing_id_goes_before_every_line_of_a_joined_text() -> None:
    rows = [{"agency_id": "a", "year": 2024, "agency_name": "第一\n第二", "region_code": "320813"}]
    bodies = typed_bodies("2021", "reports", rows * 3)
    assert "\\n" in bodies[0]  # the value's line break, escaped
    assert with_filing_ids(12, "".join(bodies)) == "".join(with_filing_id(12, bodies))
    assert with_filing_ids(12, "".join(bodies)).count("\n12\t") == 2
    assert with_filing_ids(12, "") == ""
