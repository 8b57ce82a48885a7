"""The Excel template: official layout, locked labels, validated data cells, and the round
trip — importing a filled template gives back exactly the figures typed in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from gongkai.importers import import_file, write_result
from gongkai.package import read_package
from gongkai.standard import load_standard
from gongkai.template import DETAILS_SHEET, SHEETS, write_template
from gongkai.validation import validate
from tests.template_cells import data_cells


@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_template_layout_protection_and_validation(tmp_path: Path, fmt: str):
    path = write_template(tmp_path / "t.xlsx", fmt)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [DETAILS_SHEET, *SHEETS.values()]
    tables = load_standard().format(fmt).tables
    for table, sheet in SHEETS.items():
        ws = wb[sheet]
        assert ws.protection.sheet is True
        # one unlocked data cell per figure of the table
        expected = len(tables[table].value_fields) * max(len(tables[table].items), 1)
        assert len(data_cells(ws)) == expected
        # every data cell carries a validation rule; labels are locked
        rules = ws.data_validations.dataValidation
        for cell in data_cells(ws):
            assert any(cell.coordinate in dv.sqref for dv in rules), cell.coordinate
    t3 = wb[SHEETS["applications"]]
    texts = {c.value for row in t3.iter_rows() for c in row if isinstance(c.value, str)}
    for item in tables["applications"].items:
        last = item.label.split(" ")[-1].removeprefix("三、本年度办理结果")
        assert last in texts, item.code
    merged = {str(r) for r in t3.merged_cells.ranges}
    last_result = len(tables["applications"].items) + 3  # items from row 5; the last is 四、
    # the 勾稽关系 note over 3×3 cells, 三、本年度办理结果 down all result rows
    assert {"A2:C4", "D2:J2", f"A7:A{last_result}"} <= merged
    kinds = {dv.type for dv in wb[SHEETS["proactive"]].data_validations.dataValidation if dv.sqref}
    assert {"whole", "decimal"} <= kinds
    assert wb[DETAILS_SHEET]["B8"].value == fmt and wb[DETAILS_SHEET]["B8"].protection.locked


def _fill(path: Path, fmt: str) -> dict[str, list[object]]:
    """Type figures into every other data cell (the rest stays blank); return what was typed."""
    wb = openpyxl.load_workbook(path)
    typed: dict[str, list[object]] = {}
    n = 0
    for table, sheet in SHEETS.items():
        typed[table] = []
        for cell in data_cells(wb[sheet]):
            n += 1
            value: object = None
            if n % 3:
                value = Decimal("12.3456") if cell.number_format == "0.####" else n
            if value is not None:
                cell.value = float(value) if isinstance(value, Decimal) else value
            typed[table].append(value)
    details = wb[DETAILS_SHEET]
    details["B2"] = "某某县交通运输局"
    details["B3"] = "320826-transport"
    details["B4"] = "320826"
    details["B5"] = "县级（county）"
    details["B6"] = "本机关（agency）"
    details["B7"] = 2023 if fmt == "2021" else 2020
    details["B9"] = dt.date(2024, 1, 15)
    wb.save(path)
    return typed


@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_filled_template_round_trips_exactly(tmp_path: Path, fmt: str):
    path = write_template(tmp_path / "report.xlsx", fmt)
    typed = _fill(path, fmt)
    result = import_file(path)
    assert result.kind == "xlsx" and result.format == fmt
    assert result.missing_tables == []
    assert result.issues == []
    spec = load_standard().format(fmt)
    for table in ("proactive", "applications", "reviews"):
        fields = [f.name for f in spec.table(table).value_fields]
        read = [row[f] for row in result.tables[table] for f in fields]
        assert read == typed[table], table
    report = result.tables["reports"][0]
    assert report == {
        "agency_id": "320826-transport",
        "year": 2023 if fmt == "2021" else 2020,
        "agency_name": "某某县交通运输局",
        "region_code": "320826",
        "level": "county",
        "scope": "agency",
        "format": fmt,
        "published_on": dt.date(2024, 1, 15),
        "source_url": None,
    }
    package = read_package(write_result(result, tmp_path / "pkg"))
    assert validate(package).format == fmt


def test_blank_template_imports_as_all_blank(tmp_path: Path):
    path = write_template(tmp_path / "blank.xlsx", "2021")
    result = import_file(path, agency_id="320826-transport", region_code="320826", year=2023)
    assert result.missing_tables == []
    for table in ("proactive", "applications", "reviews"):
        assert result.filled_cells(table)[0] == 0
    assert all(
        v is None
        for v in result.tables["reviews"][0].values()
        if v not in ("320826-transport", 2023)
    )


def test_a_valid_filled_template_validates(tmp_path: Path):
    path = write_template(tmp_path / "ok.xlsx", "2021")
    wb = openpyxl.load_workbook(path)
    t3 = wb[SHEETS["applications"]]
    cells = data_cells(t3)
    items = load_standard().format("2021").table("applications").items
    for n, item in enumerate(items):
        row = cells[n * 7 : n * 7 + 7]
        value = {"new_received": 2, "granted": 1, "carried_forward": 1, "results_total": 1}.get(
            item.code, 0
        )
        for k, cell in enumerate(row):
            cell.value = value if k in (0, 6) else 0
    for cell in data_cells(wb[SHEETS["proactive"]]) + data_cells(wb[SHEETS["reviews"]]):
        cell.value = 0
    wb.save(path)
    result = import_file(
        path,
        agency_id="320826-transport",
        agency_name="某某县交通运输局",
        region_code="320826",
        level="county",
        scope="agency",
        year=2023,
    )
    validation = validate(read_package(write_result(result, tmp_path / "pkg")))
    assert validation.valid, [i.message("en") for i in validation.issues]


def _details_typed(tmp_path: Path, year: object, published: object) -> Path:
    path = write_template(tmp_path / "report.xlsx", "2021")
    wb = openpyxl.load_workbook(path)
    details = wb[DETAILS_SHEET]
    details["B2"] = "某某县交通运输局"
    details["B3"] = "320826-transport"
    details["B4"] = "320826"
    details["B7"] = year
    details["B9"] = published
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("year", "published"),
    [
        ("2023年", "2024/01/20"),
        ("2023", "2024年1月20日"),
        (2023.0, "2024-01-20"),
        ("2023年度", 45311),  # an Excel date typed as a number
    ],
)
def test_details_are_read_as_people_type_them(tmp_path: Path, year: object, published: object):
    result = import_file(_details_typed(tmp_path, year, published))
    assert (result.details.year, result.details.published_on) == (2023, dt.date(2024, 1, 20))
    assert [i for i in result.issues if i.resource == "reports"] == []


def test_an_unreadable_detail_is_named_left_blank_and_the_package_still_built(tmp_path: Path):
    result = import_file(_details_typed(tmp_path, "去年", "一月底"))
    assert (result.details.year, result.details.published_on) == (None, None)
    notes = [(i.code, i.field, i.note, i.note_en) for i in result.issues if i.resource == "reports"]
    assert notes == [
        (
            "unreadable-cell",
            "year",
            "工作表“报告信息”单元格 B7：“去年” 不是年份（如 2023），留空",
            "sheet “报告信息”, cell B7: “去年” is not a year (such as 2023); left blank",
        ),
        (
            "unreadable-cell",
            "published_on",
            "工作表“报告信息”单元格 B9：“一月底” 不是日期，留空",
            "sheet “报告信息”, cell B9: “一月底” is not a date; left blank",
        ),
    ]
    assert result.missing_tables == []
    # --year given: the typo no longer matters
    given = import_file(_details_typed(tmp_path, "去年", "2024/1/20"), year=2023)
    assert given.details.year == 2023
    assert [i for i in given.issues if i.resource == "reports"] == []
    write_result(result, tmp_path / "pkg")
    assert (
        (tmp_path / "pkg" / "reports.csv")
        .read_text()
        .splitlines()[1]
        .startswith("320826-transport,,某某县交通运输局,320826")
    )


@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_each_table_prints_on_one_a4_landscape_page(tmp_path: Path, fmt: str):
    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", fmt))
    for sheet in SHEETS.values():
        ws = wb[sheet]
        assert ws.page_setup.orientation == "landscape", sheet
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4, sheet
        assert ws.sheet_properties.pageSetUpPr.fitToPage, sheet
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 1), sheet
        last = openpyxl.utils.get_column_letter(ws.max_column)
        assert ws.print_area == f"'{sheet}'!$A$1:${last}${ws.max_row}"
    # the column headings of 表三 and 表四 repeat if a printer splits the page
    assert wb[SHEETS["applications"]].print_title_rows == "$1:$4"
    assert wb[SHEETS["reviews"]].print_title_rows == "$1:$4"


def test_long_labels_get_rows_tall_enough_not_to_overlap(tmp_path: Path):
    ws = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", "2021"))[SHEETS["applications"]]
    long_rows = [
        c.row
        for row in ws.iter_rows(min_col=3, max_col=3)
        for c in row
        if isinstance(c.value, str) and len(c.value) > 25
    ]
    assert long_rows  # 表三's （六） items are printed over two lines
    for row in long_rows:
        assert (ws.row_dimensions[row].height or 15) >= 30, row
    short = next(c.row for c in ws["C"] if c.value == "1.属于国家秘密")
    assert ws.row_dimensions[short].height is None  # one line keeps the default height
