"""The fixtures of issue 11 (tests/data/importers/shapes/: real reports as web pages and
mirrors print them) import exactly, with notes that say only what is true; over the whole
fixture set at least 98% of the printed cells are read equal and none different."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gongkai.importers import import_file
from tests.importers.measure import (
    CUT_SHORT_PRINTS,
    SHAPE_FIXTURES,
    compare,
    fixture_printed,
    measure,
)
from tests.importers.reflow import FORMAT

FIXTURES = sorted(SHAPE_FIXTURES.iterdir())


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name.split(".")[0] for p in FIXTURES])
def test_shape_fixture_imports_exactly(path: Path) -> None:
    result = import_file(path)
    printed = fixture_printed(path)
    count = compare(result.tables, printed)
    assert count.printed > 0 and count.equal == count.printed
    for table in ("proactive", "applications", "reviews"):  # and blank where not printed
        names = [f.name for f in FORMAT.table(table).value_fields]
        assert [[r[n] for n in names] for r in result.tables[table]] == [
            [r[n] for n in names] for r in printed[table]
        ]
    assert [i.code for i in result.issues if i.severity == "warning"] == []


def test_cut_short_page_reads_what_it_prints_and_reports_the_rest_missing() -> None:
    result = import_file(SHAPE_FIXTURES / "5-cut-short.huaian-city-2024.layout.txt")
    items = [i.code for i in FORMAT.table("applications").items]
    missing = [i.item for i in result.issues if i.code == "item-not-found"]
    assert missing == items[CUT_SHORT_PRINTS:]
    assert result.missing_tables == ["reviews"]
    # a 2021 page ending before （六） is not said to print （六） as one row
    assert "format-deviation" not in [i.code for i in result.issues]


def test_the_date_a_page_prints_is_its_published_on() -> None:
    dated = import_file(SHAPE_FIXTURES / "6-published-date.wutongqiao-transport-2022.txt")
    assert dated.tables["reports"][0]["published_on"] == dt.date(2023, 1, 10)
    undated = import_file(SHAPE_FIXTURES / "1-empty-cells-residue.huaian-city-2024.txt")
    assert undated.tables["reports"][0]["published_on"] is None


def test_at_least_98_percent_of_printed_cells_read_equal_and_none_different() -> None:
    total, lines = measure()
    assert total.printed > 10000
    assert total.different == 0, [name for name, c in lines if c.different]
    assert total.rate >= 0.98


@pytest.mark.parametrize(
    ("head", "tail"),
    [
        ("发布日期：2025-02-25 10:39  来源：市政府办公室\n", ""),
        ("发布时间：2025年02月25日\n", ""),
        (
            "",
            "\n" + " " * 24 + "淮安市人民政府办公室\n" + " " * 25 + "2025 年 2 月 25 日\n",
        ),
        (
            "",
            "\n" + " " * 24 + "淮安市人民政府办公室\n" + " " * 25 + "二〇二五年二月二十五日\n",
        ),
    ],
)
def test_a_date_printed_at_the_top_or_under_the_signature_is_read(head: str, tail: str) -> None:
    path = SHAPE_FIXTURES.parent / "huaian_city_2024.layout.txt"
    text = path.read_text(encoding="utf-8")
    assert import_file(path).details.published_on is None  # the page prints no date
    end = text.rindex("-6-")
    dated = head + text[:end] + tail + text[end:]
    result = import_file(dated.encode("utf-8"), filename="x.txt")
    assert result.tables["reports"][0]["published_on"] == dt.date(2025, 2, 25)
