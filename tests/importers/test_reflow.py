"""Every report of datasets/, re-flowed into every shape web pages and PDF text print (issue
11), imports to exactly the package's figures; a cell the shape does not print is blank, never
a different figure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gongkai.importers import import_file
from gongkai.package import read_package
from gongkai.validation import validate
from tests.importers.reflow import (
    CUT_AFTER,
    CUT_CELLS,
    FORMAT,
    SHAPES,
    Shape,
    reflow,
    with_blanks,
)
from tests.paths import DATASETS

PACKAGES = sorted(p for p in DATASETS.iterdir() if (p / "reports.csv").exists())
TABLES = ("proactive", "applications", "reviews")


def _figures(tables: dict[str, list[dict[str, Any]]]) -> dict[tuple[str, str, str], Any]:
    out = {}
    for table in TABLES:
        names = [f.name for f in FORMAT.table(table).value_fields]
        for row in tables[table]:
            for name in names:
                out[(table, str(row.get("item", "")), name)] = row[name]
    return out


@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
@pytest.mark.parametrize("blanks", [False, True], ids=["as-filed", "with-empty-cells"])
@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_reflowed_report_imports_to_the_packages_figures(
    package: Path, blanks: bool, shape: Shape
) -> None:
    tables = validate(read_package(package)).tables
    tables = with_blanks(tables) if blanks else tables
    text, printed = reflow(tables, shape)
    result = import_file(text.encode("utf-8"), filename=f"{package.name}.txt")
    got, expected = _figures(result.tables), _figures(printed)
    assert got == expected
    # the notes say only what is true: no deviation, nothing unreadable
    assert [i.code for i in result.issues if i.severity == "warning"] == []
    unreadable = [i.item for i in result.issues if i.code in ("row-unreadable", "table-unreadable")]
    items = [i.code for i in FORMAT.table("applications").items]
    if shape.cut_short:  # what the page does not print is reported missing, item by item
        missing = [i.item for i in result.issues if i.code == "item-not-found"]
        short = [i.item for i in result.issues if i.code == "missing-values"]
        assert "reviews" in result.missing_tables
        # the row the page ends in: its cells where empty cells show, else unreadable. Where
        # empty cells leave no trace, a row printing no figure at all is not found
        names = [f.name for f in FORMAT.table("applications").value_fields]
        shown = {
            r["item"]: [r[n] for n in names[: CUT_CELLS if r["item"] == items[CUT_AFTER] else 7]]
            for r in tables["applications"]
        }
        unseen = [
            code
            for code in items[: CUT_AFTER + 1]
            if not shape.blanks_visible and all(v is None for v in shown[code])
        ]
        cut = [] if items[CUT_AFTER] in unseen else [items[CUT_AFTER]]
        assert missing == unseen + items[CUT_AFTER + 1 :]
        if shape.blanks_visible:
            assert (unreadable, short) == ([], cut)
        else:
            assert short == [] and set(cut) <= set(unreadable) <= set(cut) | _gaps(tables)
    elif shape.blanks_visible:
        assert unreadable == []
    else:  # a row with an empty cell is unreadable where empty cells leave no trace
        assert set(unreadable) <= _gaps(tables)


def _gaps(tables: dict[str, list[dict[str, Any]]]) -> set[str | None]:
    """Rows with an empty cell among figures: 表三's by item; 表二's and 表四's as None."""
    out: set[str | None] = set()
    for table in TABLES:
        names = [f.name for f in FORMAT.table(table).value_fields]
        for row in tables[table]:
            cells = [row[n] for n in names]
            if None in cells and any(c is not None for c in cells):
                out.add(row.get("item"))
    return out


def test_the_shapes_print_every_figure_except_where_they_drop_cells() -> None:
    """The property above is not vacuous: the re-flowed text carries the figures, and only the
    shapes that drop cells expect any blank the package does not have."""
    printed_somewhere = 0
    for package in PACKAGES:
        tables = validate(read_package(package)).tables
        full = _figures(tables)
        for shape in SHAPES:
            _, printed = reflow(tables, shape)
            dropped = {k for k, v in _figures(printed).items() if v is None and full[k] is not None}
            after_cut = {k for k, v in full.items() if k[0] == "reviews" and v is not None}
            if shape.cut_short:
                assert after_cut <= dropped, (package.name, shape.name)
            elif shape.blanks_visible:
                assert dropped == set(), (package.name, shape.name)
            printed_somewhere += sum(v is not None for v in _figures(printed).values())
    assert printed_somewhere > 5000


def test_a_row_whose_residue_end_cannot_be_told_is_left_blank_with_a_note() -> None:
    """A table whose rows leave residue at their start (`|规章||0|`) and at their end (`| ||`):
    a row with empty cells at both ends whose figures would land in different columns either
    way is not guessed."""
    rows = [
        "|一、本年新收政府信息公开申请数量||5|1|0|0|0|0|6|",  # residue after the label
        "| 二、上年结转政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 | ||",  # at the end
        "| （一）予以公开 |  | 1 | 0 | 0 | 0 | 0 | 3 | ||",  # which empty cell is residue?
    ]
    text = "\n".join(["三、收到和处理政府信息公开申请情况", *rows, "四、政府信息公开行政复议"])
    result = import_file(text.encode("utf-8"), filename="x.txt", format="2021")
    got = {
        r["item"]: [r[f.name] for f in FORMAT.table("applications").value_fields]
        for r in result.tables["applications"]
    }
    assert got["new_received"] == [5, 1, 0, 0, 0, 0, 6]
    assert got["carried_over"] == [1, 0, 0, 0, 0, 0, 1]
    assert got["granted"] == [None] * 7
    notes = [i for i in result.issues if i.item == "granted"]
    assert [i.code for i in notes] == ["row-unreadable"]
    assert "cannot be placed" in (notes[0].note_en or "")
