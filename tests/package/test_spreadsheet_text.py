"""Text cells a spreadsheet would run as a formula are written inert in every CSV gongkai
writes; numbers, negative ones too, are written as they are."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from gongkai.package import format_cell
from gongkai.package.cells import spreadsheet_text
from gongkai.package.writer import table_csv


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("淮安市人民政府", "淮安市人民政府"),
        ("a=b", "a=b"),
        ("-5", "-5"),
        ("-1,234.5", "-1,234.5"),
        ("", ""),
    ],
)
def test_formula_text_gets_an_apostrophe(text: str, written: str) -> None:
    assert spreadsheet_text(text) == written
    assert format_cell(text) == written


def test_numbers_are_never_text() -> None:
    assert [format_cell(v) for v in (-3, Decimal("-1.5"), 0, None)] == ["-3", "-1.5", "0", ""]


def test_a_package_table_writes_negative_changes_and_inert_names() -> None:
    key = {"agency_id": "320800-x", "year": 2020}
    data = table_csv("2019", "proactive", [{**key, "licensing_change": -4, "fees_change": -1}])
    row = next(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert (row["licensing_change"], row["fees_change"]) == ("-4", "-1")
    report = {**key, "agency_name": "=HYPERLINK(1)", "region_code": "320800"}
    data = table_csv("2019", "reports", [report])
    row = next(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert row["agency_name"] == "'=HYPERLINK(1)"
