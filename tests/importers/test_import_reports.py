"""The real reports of ../shared/reports/ (copied to tests/data/importers/) imported, their
figures compared cell by cell with the values printed in each report."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from gongkai.importers import ImportResult, import_file, write_result
from gongkai.package import read_package
from gongkai.standard import load_standard
from gongkai.validation import validate, validate_many
from tests.paths import DATA

REPORTS = DATA / "importers"
# 表三's value columns, in order: 自然人 … 总计
COLUMNS = tuple(f.name for f in load_standard().format("2021").table("applications").value_fields)

# 淮安市人民政府 2024, 表三 as printed (2021 format, 25 rows)
HUAIAN_2024_T3 = {
    "new_received": [3001, 53, 0, 0, 61, 4, 3119],
    "carried_over": [34, 0, 0, 0, 0, 0, 34],
    "granted": [1288, 21, 0, 0, 50, 3, 1362],
    "partially_granted": [447, 7, 0, 0, 0, 0, 454],
    "withheld_state_secret": [2, 0, 0, 0, 0, 0, 2],
    "withheld_prohibited": [30, 1, 0, 0, 0, 0, 31],
    "withheld_security": [5, 0, 0, 0, 0, 0, 5],
    "withheld_third_party": [6, 0, 0, 0, 0, 0, 6],
    "withheld_internal": [7, 1, 0, 0, 0, 0, 8],
    "withheld_process": [12, 0, 0, 0, 0, 0, 12],
    "withheld_enforcement": [9, 0, 0, 0, 0, 0, 9],
    "withheld_inquiry": [105, 0, 0, 0, 0, 0, 105],
    "unavailable_not_held": [746, 12, 0, 0, 10, 1, 769],
    "unavailable_needs_creation": [11, 0, 0, 0, 0, 0, 11],
    "unavailable_unclear": [1, 0, 0, 0, 0, 0, 1],
    "declined_complaint": [56, 6, 0, 0, 0, 0, 62],
    "declined_repeated": [25, 0, 0, 0, 0, 0, 25],
    "declined_publication": [0, 0, 0, 0, 0, 0, 0],
    "declined_excessive": [0, 0, 0, 0, 0, 0, 0],
    "declined_confirmation": [1, 0, 0, 0, 0, 0, 1],
    "other_not_corrected": [67, 3, 0, 0, 1, 0, 71],
    "other_fee_unpaid": [6, 0, 0, 0, 0, 0, 6],
    "other_other": [108, 2, 0, 0, 0, 0, 110],
    "results_total": [2932, 53, 0, 0, 61, 4, 3050],
    "carried_forward": [103, 0, 0, 0, 0, 0, 103],
}
HUAIAN_2024_T2 = {
    "regulations_issued": 1,
    "regulations_repealed": 0,
    "regulations_in_force": 11,
    "normative_issued": 8,
    "normative_repealed": 26,
    "normative_in_force": 66,
    "licensing_decisions": 447228,
    "penalty_decisions": 3985758,
    "coercion_decisions": 88283,
    "fees_amount": Decimal("96171.6"),
}
HUAIAN_2024_T4 = [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20]


def _t3(result: ImportResult) -> dict[str, list[int | None]]:
    return {r["item"]: [r[c] for c in COLUMNS] for r in result.tables["applications"]}


def _t2(result: ImportResult) -> dict[str, object]:
    row = result.tables["proactive"][0]
    return {k: v for k, v in row.items() if k not in ("agency_id", "year")}


def _t4(result: ImportResult) -> list[int | None]:
    row = result.tables["reviews"][0]
    return [v for k, v in row.items() if k not in ("agency_id", "year")]


def _codes(result: ImportResult) -> list[str]:
    return [i.code for i in result.issues]


def _validated(result: ImportResult, tmp_path: Path):  # type: ignore[no-untyped-def]
    return validate(read_package(write_result(result, tmp_path / "package")))


def test_huaian_2024_layout_text_gives_the_printed_figures_and_a_valid_package(tmp_path: Path):
    result = import_file(
        REPORTS / "huaian_city_2024.layout.txt", region_code="320800", agency_id="320800-huaian"
    )
    assert result.kind == "text-layout"
    assert result.format == "2021"
    assert result.missing_tables == []
    assert _t2(result) == HUAIAN_2024_T2
    assert _t3(result) == HUAIAN_2024_T3
    assert _t4(result) == HUAIAN_2024_T4
    assert result.tables["reports"] == [
        {
            "agency_id": "320800-huaian",
            "year": 2024,
            "agency_name": "淮安市人民政府",
            "region_code": "320800",
            "level": "city",
            "scope": "government",
            "format": "2021",
            "published_on": None,
            "source_url": None,
        }
    ]
    # the narrative agrees with the tables: no mismatch, no deviation
    assert [i for i in result.issues if i.severity == "warning"] == []
    validation = _validated(result, tmp_path)
    assert validation.valid, [i.message("en") for i in validation.issues]
    assert validation.issues == []


def test_hongze_2023_single_other_row_and_its_wrong_totals(tmp_path: Path):
    result = import_file(
        REPORTS / "hongze_district_2023.layout.txt", region_code="320813", agency_id="320813-hongze"
    )
    assert result.format == "2021"
    assert result.details.agency_name == "洪泽区人民政府"
    assert result.details.year == 2023
    assert (result.details.level, result.details.scope) == ("county", "government")
    assert _t2(result) == {
        "regulations_issued": 0,
        "regulations_repealed": 0,
        "regulations_in_force": 0,
        "normative_issued": 0,
        "normative_repealed": 5,
        "normative_in_force": 5,
        "licensing_decisions": 550,
        "penalty_decisions": 4119,
        "coercion_decisions": 195,
        "fees_amount": Decimal("7730.28"),
    }
    t3 = _t3(result)
    printed = {
        "new_received": 21,
        "carried_over": 0,
        "granted": 0,
        "partially_granted": 4,
        "withheld_state_secret": 1,
        "withheld_prohibited": 0,
        "withheld_process": 1,
        "withheld_enforcement": 1,
        "unavailable_not_held": 10,
        "unavailable_needs_creation": 3,
        "unavailable_unclear": 0,
        "declined_complaint": 1,
        "declined_confirmation": 0,
        "results_total": 21,
        "carried_forward": 0,
    }
    for item, natural in printed.items():
        assert t3[item] == [natural, 0, 0, 0, 0, 0, natural], item
    # （六）其他处理 printed as one row of zeros: the three 2021 rows are 0, with a warning
    for item in ("other_not_corrected", "other_fee_unpaid", "other_other"):
        assert t3[item] == [0] * 7
    deviations = [i for i in result.issues if i.code == "format-deviation"]
    assert len(deviations) == 1 and deviations[0].severity == "warning"
    assert "（六）其他处理" in (deviations[0].note or "")
    assert _t4(result) == [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]
    validation = _validated(result, tmp_path)
    assert not validation.valid
    assert sorted((i.code, i.field) for i in validation.errors) == [
        ("t4-total", "review_total"),
        ("t4-total", "suit_after_review_total"),
    ]


def test_hongze_2024_narrative_figure_contradicts_the_table():
    result = import_file(REPORTS / "hongze_district_2024.layout.txt")
    assert result.details.agency_name == "淮安市洪泽区人民政府"
    assert _t2(result)["fees_amount"] == Decimal("7545")
    assert _t3(result)["new_received"] == [95, 0, 0, 0, 0, 0, 95]
    assert _t3(result)["unavailable_not_held"] == [31, 0, 0, 0, 0, 0, 31]
    assert _t4(result) == [1, 1, 0, 0, 2, 1, 0, 0, 0, 1, 2, 0, 1, 0, 3]
    mismatches = [i for i in result.issues if i.code == "narrative-mismatch"]
    assert [(i.resource, i.item, i.field) for i in mismatches] == [
        ("applications", "new_received", "total")
    ]
    assert "17" in (mismatches[0].note or "") and "95" in (mismatches[0].note or "")
    assert "format-deviation" in _codes(result)  # it prints （六）其他处理 as one row too


def test_huaian_2024_plain_pdftotext_places_moved_labels_by_position():
    result = import_file(REPORTS / "huaian_city_2024.raw.txt")
    assert result.kind == "text-flat"
    assert _t2(result) == HUAIAN_2024_T2
    assert _t3(result) == HUAIAN_2024_T3
    placed = sorted(
        i.item or ""
        for i in result.issues
        if i.code == "matched-by-position" and i.resource == "applications"
    )
    assert placed == sorted(
        [
            "granted",
            "partially_granted",
            "declined_confirmation",
            "other_not_corrected",
            "other_fee_unpaid",
            "other_other",
        ]
    )
    # 表四's figures are scattered among its header cells and out of printed order (72 64 178
    # 37, then 12 1 1 6, 351, 13 4 8 1 26, 20): the one order that moves a single run of them
    # (12 1 1 6 to just before 20) makes every group's total add up, and it is read so
    assert result.missing_tables == []
    assert _t4(result) == HUAIAN_2024_T4
    notes = [i for i in result.issues if i.resource == "reviews"]
    assert [i.code for i in notes] == ["matched-by-position"]
    assert "with 1 run(s) of figures moved" in (notes[0].note_en or "")


def test_huaian_2024_plain_pdftotext_table4_whose_totals_cannot_add_up_is_unreadable():
    text = (REPORTS / "huaian_city_2024.raw.txt").read_text(encoding="utf-8")
    head, tail = text.split("四、政府信息公开行政复议", 1)
    assert "\n351\n" in tail
    result = import_file(
        (head + "四、政府信息公开行政复议" + tail.replace("\n351\n", "\n350\n", 1)).encode(),
        filename="raw.txt",
    )
    assert result.missing_tables == ["reviews"]
    assert _t4(result) == [None] * 15
    unreadable = [i for i in result.issues if i.code == "table-unreadable"]
    assert [i.note_en for i in unreadable] == [
        "table 4 should print 15 figures in one row; found 15 in 5 places, and in no order of "
        "them do the group totals add up"
    ]


def _reviews_in_printed_order(text: str) -> str:
    """The raw text with 表四's scattered figures put in printed order, the header cells
    between them left where they are."""
    lines = text.split("\n")
    start = next(n for n, line in enumerate(lines) if line.startswith("四、政府信息公开行政复议"))
    end = next(n for n, line in enumerate(lines) if line.startswith("五、存在的主要问题"))
    figures = iter(HUAIAN_2024_T4)
    for n in range(start, end):
        if lines[n].strip().isdigit():
            lines[n] = str(next(figures))
    assert next(figures, None) is None
    return "\n".join(lines)


def test_scattered_table4_figures_in_printed_order_are_read_when_the_totals_add_up():
    text = (REPORTS / "huaian_city_2024.raw.txt").read_text(encoding="utf-8")
    result = import_file(_reviews_in_printed_order(text).encode("utf-8"), filename="raw.txt")
    assert result.missing_tables == []
    assert _t4(result) == HUAIAN_2024_T4
    notes = [i for i in result.issues if i.resource == "reviews"]
    assert [i.code for i in notes] == ["matched-by-position"]
    assert "read in printed order, and each group's total is the sum" in (notes[0].note_en or "")


def test_wutongqiao_page_without_tables_names_the_missing_tables():
    result = import_file(REPORTS / "wutongqiao_transport_2022.page.txt")
    assert result.missing_tables == ["proactive", "applications", "reviews"]
    assert result.details.agency_name == "乐山市五通桥区交通运输局"
    assert result.details.year == 2022
    assert result.details.scope == "agency"
    assert str(result.details.published_on) == "2023-01-10"
    # what the text states: no application received; everything else blank
    t3 = _t3(result)
    assert t3["new_received"] == [0] * 7
    assert all(v is None for item, row in t3.items() if item != "new_received" for v in row)
    assert all(v is None for v in _t2(result).values())


@pytest.mark.parametrize(
    "name",
    [
        "huaian_city_2024.layout.txt",
        "hongze_district_2023.layout.txt",
        "hongze_district_2024.layout.txt",
        "huaian_city_2024.raw.txt",
    ],
)
def test_bytes_and_path_give_the_same_result(name: str):
    path = REPORTS / name
    from_bytes = import_file(path.read_bytes(), filename=name)
    assert from_bytes.tables == import_file(path).tables


REPEATED = (
    "               2.重复申请                   25        0        0         0        0"
    "         0    25"
)


@pytest.mark.parametrize(
    ("printed", "cells"),
    [
        # the 科研机构 cell left empty: the other figures stay under their columns
        (REPEATED[:58] + " " * 9 + REPEATED[67:], [25, 0, None, 0, 0, 0, 25]),
        # the 总计 cell left empty
        (REPEATED[:-2] + "  ", [25, 0, 0, 0, 0, 0, None]),
    ],
)
def test_layout_row_with_an_empty_cell_keeps_its_columns(printed: str, cells: list[object]):
    text = (REPORTS / "huaian_city_2024.layout.txt").read_text(encoding="utf-8")
    assert REPEATED in text
    result = import_file(text.replace(REPEATED, printed).encode("utf-8"), filename="x.txt")
    assert _t3(result)["declined_repeated"] == cells
    assert _t3(result)["declined_complaint"] == HUAIAN_2024_T3["declined_complaint"]


def test_layout_row_whose_figures_fit_no_column_is_left_blank_with_a_note():
    text = (REPORTS / "huaian_city_2024.layout.txt").read_text(encoding="utf-8")
    shifted = "               2.重复申请                   25   0   0   0   0   25"
    result = import_file(text.replace(REPEATED, shifted).encode("utf-8"), filename="x.txt")
    assert _t3(result)["declined_repeated"] == [None] * 7
    notes = [i for i in result.issues if i.item == "declined_repeated"]
    assert [i.code for i in notes] == ["row-unreadable"]


SUQIAN_2024_T3 = {
    "new_received": [3440, 75, 0, 1, 6, 3, 3525],
    "carried_over": [118, 3, 0, 0, 0, 0, 121],
    "granted": [1408, 21, 0, 0, 2, 0, 1431],
    "partially_granted": [462, 9, 0, 0, 0, 0, 471],
    "withheld_state_secret": [2, 0, 0, 0, 0, 0, 2],
    "withheld_prohibited": [1, 0, 0, 0, 0, 0, 1],
    "withheld_security": [4, 0, 0, 0, 0, 0, 4],
    "withheld_third_party": [16, 1, 0, 0, 0, 0, 17],
    "withheld_internal": [21, 0, 0, 0, 0, 0, 21],
    "withheld_process": [10, 1, 0, 0, 0, 0, 11],
    "withheld_enforcement": [21, 2, 0, 0, 0, 0, 23],
    "withheld_inquiry": [13, 0, 0, 0, 0, 0, 13],
    "unavailable_not_held": [859, 33, 0, 0, 3, 2, 897],
    "unavailable_needs_creation": [35, 1, 0, 0, 0, 0, 36],
    "unavailable_unclear": [8, 0, 0, 0, 0, 0, 8],
    "declined_complaint": [86, 1, 0, 0, 0, 0, 87],
    "declined_repeated": [26, 1, 0, 0, 0, 0, 27],
    "declined_publication": [0, 0, 0, 0, 0, 0, 0],
    "declined_excessive": [3, 0, 0, 0, 0, 0, 3],
    "declined_confirmation": [0, 0, 0, 0, 0, 0, 0],
    "other_not_corrected": [75, 1, 0, 1, 0, 0, 77],
    "other_fee_unpaid": [38, 0, 0, 0, 0, 0, 38],
    "other_other": [352, 2, 0, 0, 0, 0, 354],
    "results_total": [3440, 73, 0, 1, 5, 2, 3521],
    "carried_forward": [118, 5, 0, 0, 1, 1, 125],
}


def test_suqian_side_by_side_comparison_gives_both_years(tmp_path: Path):
    result = import_file(
        REPORTS / "suqian_city_2023_vs_2024.derived.txt",
        agency_id="321300-suqian",
        agency_name="宿迁市人民政府",
        region_code="321300",
        level="city",
        scope="government",
    )
    assert result.kind == "text-columns"
    assert result.details.year == 2024 and result.missing_tables == []
    assert _t2(result) == {
        "regulations_issued": 2,
        "regulations_repealed": 1,
        "regulations_in_force": 12,
        "normative_issued": 50,
        "normative_repealed": 227,
        "normative_in_force": 420,
        "licensing_decisions": 1573179,
        "penalty_decisions": 2676474,
        "coercion_decisions": 29351,
        "fees_amount": Decimal("72701.2578"),
    }
    assert _t3(result) == SUQIAN_2024_T3
    assert _t4(result) == [88, 18, 28, 36, 170, 7, 0, 11, 7, 25, 33, 0, 6, 13, 52]
    # the text says 行政复议案件134件，行政诉讼案件57件; the tables say 170 and 25 + 52
    mismatches = [i for i in result.issues if i.code == "narrative-mismatch"]
    assert [(i.field, i.expected, i.found) for i in mismatches] == [
        ("review_total", 170, 134),
        ("suit_direct_total", 77, 57),
    ]
    assert "134" in (mismatches[0].note or "") and "170" in (mismatches[0].note or "")
    assert "57" in (mismatches[1].note or "") and "77" in (mismatches[1].note or "")

    [previous] = result.companions
    assert previous.details.year == 2023 and previous.missing_tables == []
    t3 = _t3(previous)
    assert t3["new_received"] == [3402, 99, 0, 4, 5, 1, 3511]
    assert t3["declined_confirmation"] == [4, 0, 0, 0, 0, 0, 4]
    assert t3["carried_forward"] == [118, 3, 0, 0, 0, 0, 121]
    assert _t4(previous) == [309, 17, 88, 26, 440, 1, 1, 16, 6, 24, 13, 0, 67, 9, 89]
    assert [i.code for i in previous.issues if i.severity == "warning"] == []

    # STANDARD.md §6: carryover and in-force continuity hold from 2023 to 2024
    packages = [
        read_package(write_result(r, tmp_path / str(r.details.year))) for r in (previous, result)
    ]
    results = validate_many(packages)
    assert all(r.valid for r in results), [i.message("en") for r in results for i in r.issues]
    assert [i.code for r in results for i in r.issues] == []


NORMATIVE = "行政规范性文件       8          26       66"


@pytest.mark.parametrize(
    ("printed", "cells"),
    [
        ("行政规范性文件       8                   66", [8, None, 66]),
        ("行政规范性文件                  26       66", [None, 26, 66]),
        ("行政规范性文件       8          26", [8, 26, None]),
    ],
)
def test_table2_row_with_an_empty_cell_keeps_its_columns(printed: str, cells: list[object]):
    text = (REPORTS / "huaian_city_2024.layout.txt").read_text(encoding="utf-8")
    assert NORMATIVE in text
    result = import_file(text.replace(NORMATIVE, printed).encode("utf-8"), filename="x.txt")
    row = _t2(result)
    assert [row["normative_issued"], row["normative_repealed"], row["normative_in_force"]] == cells
    assert row["regulations_in_force"] == 11


def test_layout_row_with_more_figures_than_columns_is_left_blank_with_a_note():
    text = (REPORTS / "huaian_city_2024.layout.txt").read_text(encoding="utf-8")
    result = import_file(
        text.replace(REPEATED, REPEATED + "    7").encode("utf-8"), filename="x.txt"
    )
    assert _t3(result)["declined_repeated"] == [None] * 7
    assert [i.code for i in result.issues if i.item == "declined_repeated"] == ["row-unreadable"]


@pytest.mark.parametrize("word", ["见附件", "暂未统计", "不详"])
def test_layout_row_whose_first_cell_is_a_word_keeps_it_as_a_cell_with_a_note(word: str):
    text = (REPORTS / "huaian_city_2024.layout.txt").read_text(encoding="utf-8")
    at = REPEATED.index("25") + 2  # where 自然人's figure ends: the word stands there
    printed = REPEATED[: at - len(word)] + word + REPEATED[at:]
    result = import_file(text.replace(REPEATED, printed).encode("utf-8"), filename="x.txt")
    assert _t3(result)["declined_repeated"] == [None, 0, 0, 0, 0, 0, 25]
    notes = [i for i in result.issues if i.item == "declined_repeated"]
    assert [(i.code, i.field) for i in notes] == [("unreadable-cell", "natural_person")]
    assert word in (notes[0].note or "")


def test_layout_table2_row_whose_first_cell_is_a_word_keeps_it_as_a_cell_with_a_note():
    text = (REPORTS / "huaian_city_2024.layout.txt").read_text(encoding="utf-8")
    printed = NORMATIVE.replace("8 ", "见附件", 1)
    result = import_file(text.replace(NORMATIVE, printed).encode("utf-8"), filename="x.txt")
    row = _t2(result)
    assert [row["normative_issued"], row["normative_repealed"], row["normative_in_force"]] == [
        None,
        26,
        66,
    ]
    notes = [i for i in result.issues if i.field == "normative_issued"]
    assert [i.code for i in notes] == ["unreadable-cell"]
