"""Label matching (normalisation, variants, missing characters, candidates restricted by
position) and the narrative checks, with sentences from the real reports."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gongkai.importers.applications import read_applications
from gongkai.importers.labels import best_score, clean, key, leaf, parse_value
from gongkai.importers.metadata import guess_level, read_details
from gongkai.importers.narrative import narrative_issues
from gongkai.importers.rows import Row, Section
from gongkai.standard import load_standard

ITEMS_2021 = load_standard().format("2021").table("applications").items


def _best(printed: str) -> str:
    scores = [(best_score(leaf(i.label), [printed]), i.code) for i in ITEMS_2021]
    return max(scores)[1]


@pytest.mark.parametrize(
    ("printed", "code"),
    [
        ("2.其他法律行政止公开", "withheld_prohibited"),  # 洪泽区 2023: 法规禁 missing
        ("2、其他法律行政法规禁止公开", "withheld_prohibited"),  # 顿号 numbering
        ("（二）部分公开（区分处理的，只计这一情况，不计其他情况）", "partially_granted"),
        ("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "partially_granted"),
        ("5.要求行政机关确认或重 新出具 已获取信息", "declined_confirmation"),  # wrapped
        ("4.无正当理由大量反复 申请", "declined_excessive"),
        ("1.逾期不补正", "other_not_corrected"),  # 宿迁's abridged labels
        ("2.逾期不缴费", "other_fee_unpaid"),
        ("（七）总计", "results_total"),
        ("四、结转下年度继续办理", "carried_forward"),
    ],
)
def test_printed_variants_match_their_item(printed: str, code: str):
    assert _best(printed) == code


def test_normalisation():
    assert clean("（一） 予以公开\u3000情况") == "(一)予以公开情形"
    assert key("（三）不予公开 1.属于国家秘密") == "不予公开属于国家秘密"
    assert leaf("三、本年度办理结果（一）予以公开") == "予以公开"
    assert leaf("（三）不予公开 1.属于国家秘密") == "属于国家秘密"


@pytest.mark.parametrize(
    ("cell", "number", "noted"),
    [
        ("12", 12, False),
        ("1,234", 1234, False),
        ("１２", 12, False),  # full-width digits
        ("7730.28", Decimal("7730.28"), False),
        ("", None, False),  # blank stays blank, no note
        ("—", None, True),
        ("/", None, True),
        ("无", None, True),
        ("不详", None, True),
    ],
)
def test_cells(cell: str, number: object, noted: bool):
    value = parse_value(cell)
    assert value.number == number
    assert (value.note is not None) == noted


def test_candidates_are_restricted_to_the_place_in_the_table():
    """Two rows both labelled “3.其他”-like: each takes the item allowed at its place."""
    t3 = [
        ("一、本年新收政府信息公开申请数量", "1"),
        ("二、上年结转政府信息公开申请数量", "0"),
        ("（一）予以公开", "1"),
        ("（二）部分公开", "0"),
        *[(f"{n}.x", "0") for n in range(1, 9)],  # unreadable labels of （三）
        ("1.本机关不掌握相关政府信息", "0"),
        ("2.没有现成信息需要另行制作", "0"),
        ("3.补正后申请内容仍不明确", "0"),
        ("1.信访举报投诉类申请", "0"),
        ("2.重复申请", "0"),
        ("3.要求提供公开出版物", "0"),
        ("4.无正当理由大量反复申请", "0"),
        ("5.要求行政机关确认或重新出具已获取信息", "0"),
        ("1.逾期不补正", "0"),
        ("2.逾期不缴费", "0"),
        ("3.其他", "0"),
        ("（七）总计", "1"),
        ("四、结转下年度继续办理", "0"),
    ]
    rows = [Row(label=label, values=[v] * 7, chunks=[label]) for label, v in t3]
    table, layout, issues = read_applications(Section("applications", rows), "2021")
    assert layout == "2021"
    assert [r["total"] for r in table] == [int(v) for _, v in t3]
    placed = [i.item for i in issues if i.code == "matched-by-position"]
    assert placed == [i.code for i in ITEMS_2021 if i.code.startswith("withheld_")]


# 宿迁市 2024 (../shared/reports/suqian_city_2023_vs_2024.derived.txt, right-hand column):
# the narrative of 一、总体情况 and the figures of its tables.
SUQIAN_2024_TEXT = (
    "全市全年共收办政府信息公开申请案件3646件，同比增长1.05%，其中，予以公开1431件、部分公开471"
    "件、不予公开92件、无法提供941件、不予处理117件、作其他处理（含申请人主动撤回申请）469件、"
    "转下年度办理125件。……全市全年备案政府信息依申请公开领域行政复议案件134件，行政诉讼案件57件。"
)
SUQIAN_2024_T3 = {
    "new_received": 3525,
    "carried_over": 121,
    "granted": 1431,
    "partially_granted": 471,
    "withheld_state_secret": 2,
    "withheld_prohibited": 1,
    "withheld_security": 4,
    "withheld_third_party": 17,
    "withheld_internal": 21,
    "withheld_process": 11,
    "withheld_enforcement": 23,
    "withheld_inquiry": 13,
    "unavailable_not_held": 897,
    "unavailable_needs_creation": 36,
    "unavailable_unclear": 8,
    "declined_complaint": 87,
    "declined_repeated": 27,
    "declined_publication": 0,
    "declined_excessive": 3,
    "declined_confirmation": 0,
    "other_not_corrected": 77,
    "other_fee_unpaid": 38,
    "other_other": 354,
    "results_total": 3521,
    "carried_forward": 125,
}
SUQIAN_2024_T4 = [88, 18, 28, 36, 170, 7, 0, 11, 7, 25, 33, 0, 6, 13, 52]
T4_FIELDS = [f.name for f in load_standard().format("2021").table("reviews").value_fields]


def _suqian_tables() -> dict[str, list[dict[str, object]]]:
    return {
        "applications": [{"item": k, "total": v} for k, v in SUQIAN_2024_T3.items()],
        "reviews": [dict(zip(T4_FIELDS, SUQIAN_2024_T4, strict=True))],
    }


def test_suqian_2024_review_figures_in_the_text_contradict_the_table():
    issues = narrative_issues(SUQIAN_2024_TEXT, _suqian_tables())
    assert [(i.code, i.severity, i.resource, i.field) for i in issues] == [
        ("narrative-mismatch", "warning", "reviews", "review_total"),
        ("narrative-mismatch", "warning", "reviews", "suit_direct_total"),
    ]
    assert "134" in (issues[0].note or "") and "170" in (issues[0].note or "")
    assert "57" in (issues[1].note or "") and "77" in (issues[1].note or "")  # 25 + 52
    assert "134" in issues[0].message("en") and "170" in issues[0].message("en")


def test_blank_cells_are_not_checked_against_the_text():
    tables = _suqian_tables()
    tables["reviews"][0]["review_total"] = None
    issues = narrative_issues(SUQIAN_2024_TEXT, tables)
    assert [i.field for i in issues] == ["suit_direct_total"]


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("淮安市人民政府", "city"),
        ("淮安市洪泽区人民政府", "county"),
        ("乐山市五通桥区交通运输局", "county"),
        ("江苏省人民政府办公厅", "province"),
        ("泗洪县半城镇人民政府", "township"),
        ("国家统计局", "national"),
        ("交通运输局", None),
    ],
)
def test_level_from_the_agency_name(name: str, level: str | None):
    assert guess_level(name) == level


def test_details_from_a_title_split_over_two_lines():
    details = read_details(
        "SOURCE: notes — 某市人民政府2023年政府信息公开工作年度报告 (PDF)\n"
        "\n   国家统计局\n  2023 年度政府信息公开工作年度报告\n正文……\n2024年1月20日\n"
    )
    assert (details.agency_name, details.year) == ("国家统计局", 2023)
    assert (details.level, details.region_code, details.scope) == ("national", "100000", "agency")
    assert str(details.published_on) == "2024-01-20"
