"""HTML, Word and web-copied text reports built here with merged cells, label typos and
blank cells: values are mapped by their labels; blanks stay blank; “—”, “/”, “无” are blank
with a note; amounts in 元 become 万元."""

from __future__ import annotations

import io
from decimal import Decimal

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from gongkai.importers import import_file
from gongkai.standard import load_standard

# 表三's value columns, in order: 自然人 … 总计
COLUMNS = tuple(f.name for f in load_standard().format("2021").table("applications").value_fields)

# 表三 as printed in the fixtures: (group cell, sub-group cell, label, seven cells).
# Labels carry the variants real reports have: 顿号 numbering, 情况 for 情形, a missing 法规禁.
T3 = [
    (None, None, "一、本年新收政府信息公开申请数量", ["5", "1", "0", "0", "0", "0", "6"]),
    (None, None, "二、上年结转政府信息公开申请数量", ["1", "0", "0", "0", "0", "0", "1"]),
    ("三、本年度办理结果", None, "（一）予以公开", ["2", "1", "0", "0", "0", "0", "3"]),
    (
        "三、本年度办理结果",
        None,
        "（二）部分公开（区分处理的，只计这一情况，不计其他情况）",
        ["1", "0", "0", "0", "0", "0", "1"],
    ),
    ("三、本年度办理结果", "（三）不予公开", "1、属于国家秘密", ["0", "0", "", "0", "0", "0", "0"]),
    (
        "三、本年度办理结果",
        "（三）不予公开",
        "2、其他法律行政止公开",
        ["0", "0", "—", "0", "0", "0", "0"],
    ),
    ("三、本年度办理结果", "（三）不予公开", "3、危及“三安全一稳定”", ["0"] * 7),
    ("三、本年度办理结果", "（三）不予公开", "4、保护第三方合法权益", ["0"] * 7),
    ("三、本年度办理结果", "（三）不予公开", "5、属于三类内部事务信息", ["0"] * 7),
    ("三、本年度办理结果", "（三）不予公开", "6、属于四类过程性信息", ["0"] * 7),
    ("三、本年度办理结果", "（三）不予公开", "7、属于行政执法案卷", ["0"] * 7),
    ("三、本年度办理结果", "（三）不予公开", "8、属于行政查询事项", ["/"] * 7),
    (
        "三、本年度办理结果",
        "（四）无法提供",
        "1、本机关不掌握相关政府信息",
        ["1", "0", "0", "0", "0", "0", "1"],
    ),
    ("三、本年度办理结果", "（四）无法提供", "2、没有现成信息需要另行制作", ["0"] * 7),
    ("三、本年度办理结果", "（四）无法提供", "3、补正后申请内容仍不明确", ["0"] * 7),
    ("三、本年度办理结果", "（五）不予处理", "1、信访举报投诉类申请", ["0"] * 7),
    ("三、本年度办理结果", "（五）不予处理", "2、重复申请", ["0"] * 7),
    ("三、本年度办理结果", "（五）不予处理", "3、要求提供公开出版物", ["0"] * 7),
    ("三、本年度办理结果", "（五）不予处理", "4、无正当理由大量反复申请", ["0"] * 7),
    ("三、本年度办理结果", "（五）不予处理", "5、要求行政机关确认或重新出具已获取信息", ["0"] * 7),
    (
        "三、本年度办理结果",
        "（六）其他处理",
        "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ["1", "0", "0", "0", "0", "0", "1"],
    ),
    (
        "三、本年度办理结果",
        "（六）其他处理",
        "2、申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ["0"] * 7,
    ),
    ("三、本年度办理结果", "（六）其他处理", "3、其他", ["无"] * 7),
    ("三、本年度办理结果", None, "（七）总计", ["5", "1", "0", "0", "0", "0", "6"]),
    (None, None, "四、结转下年度继续办理", ["1", "0", "0", "0", "0", "0", "1"]),
]
T3_EXPECTED = {
    "new_received": [5, 1, 0, 0, 0, 0, 6],
    "withheld_state_secret": [0, 0, None, 0, 0, 0, 0],  # empty cell
    "withheld_prohibited": [0, 0, None, 0, 0, 0, 0],  # “—”
    "withheld_inquiry": [None] * 7,  # “/”
    "other_other": [None] * 7,  # “无”
    "unavailable_not_held": [1, 0, 0, 0, 0, 0, 1],
    "other_not_corrected": [1, 0, 0, 0, 0, 0, 1],
    "results_total": [5, 1, 0, 0, 0, 0, 6],
    "carried_forward": [1, 0, 0, 0, 0, 0, 1],
}
T4 = ["1", "0", "1", "0", "2", "", "0", "0", "0", "0", "0", "0", "0", "0", "0"]
TITLE = "某某市某某区交通运输局2023年政府信息公开工作年度报告"
NARRATIVE = "一、总体情况\n2023年，本局共受理政府信息公开申请9件，行政复议2件。"


def _html() -> str:
    t3_rows = []
    for n, (group, sub, label, cells) in enumerate(T3):
        tds = []
        if group is None:
            tds.append(f'<td colspan="3">{label}</td>')
        else:
            if n == 2:
                tds.append(f'<td rowspan="22">{group}</td>')
            if sub is None:
                tds.append(f'<td colspan="2">{label}</td>')
            else:
                if label[0] == "1":
                    size = sum(1 for g, s, _, _ in T3 if s == sub)
                    tds.append(f'<td rowspan="{size}">{sub}</td>')
                tds.append(f"<td>{label}</td>")
        tds += [f"<td>{c}</td>" for c in cells]
        t3_rows.append("<tr>" + "".join(tds) + "</tr>")
    t4_heads = "".join(
        f'<td rowspan="2">{w}</td>'
        for w in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    )
    sub = "".join(
        f"<td>{w}</td>" for w in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 2
    )
    return f"""<html><head><title>{TITLE}</title></head><body>
<h1>{TITLE}</h1><p>发布时间：2024-01-20</p>
<p>{NARRATIVE.replace(chr(10), "</p><p>")}</p>
<p>二、主动公开政府信息情况</p>
<table><tr><td colspan="4">第二十条第（一）项</td></tr>
<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
<tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td>行政规范性文件</td><td>2</td><td></td><td>7</td></tr></table>
<table><tr><td colspan="4">第二十条第（五）项</td></tr>
<tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>
<tr><td>行政许可</td><td colspan="3">1,234</td></tr></table>
<table><tr><td colspan="4">第二十条第（六）项</td></tr>
<tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>
<tr><td>行政处罚</td><td colspan="3">56</td></tr>
<tr><td>行政强制</td><td colspan="3">—</td></tr></table>
<table><tr><td colspan="4">第二十条第（八）项</td></tr>
<tr><td>信息内容</td><td colspan="3">本年收费金额（单位：万元）</td></tr>
<tr><td>行政事业性收费</td><td colspan="3">251000元</td></tr></table>
<p>三、收到和处理政府信息公开申请情况</p>
<table>
<tr><td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，
等于第三项加第四项之和）</td>
<td colspan="7">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
{"".join(t3_rows)}
</table>
<p>四、政府信息公开行政复议、行政诉讼情况</p>
<table><tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>
<tr>{t4_heads}<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>
<tr>{sub}</tr>
<tr>{"".join(f"<td>{c}</td>" for c in T4)}</tr></table>
<p>五、存在的主要问题及改进情况</p><p>无。</p>
</body></html>"""


def _t3(result) -> dict[str, list[object]]:  # type: ignore[no-untyped-def]
    return {r["item"]: [r[c] for c in COLUMNS] for r in result.tables["applications"]}


def _check_common(result) -> None:  # type: ignore[no-untyped-def]
    assert result.format == "2021"
    assert result.missing_tables == []
    t3 = _t3(result)
    for item, cells in T3_EXPECTED.items():
        assert t3[item] == cells, item
    t2 = result.tables["proactive"][0]
    assert (t2["regulations_issued"], t2["normative_issued"], t2["normative_repealed"]) == (
        0,
        2,
        None,
    )
    assert (t2["licensing_decisions"], t2["penalty_decisions"], t2["coercion_decisions"]) == (
        1234,
        56,
        None,
    )
    assert t2["fees_amount"] == Decimal("25.1")  # 251000元
    t4 = result.tables["reviews"][0]
    assert [
        t4[k] for k in ("review_upheld", "review_other", "review_total", "suit_direct_upheld")
    ] == [1, 1, 2, None]
    codes = {(i.code, i.item or i.field) for i in result.issues}
    assert ("unit-converted", "fees_amount") in codes
    assert ("blank-marker", "withheld_prohibited") in codes
    assert ("blank-marker", "other_other") in codes
    # the narrative: 9 received vs 6 in the table; 行政复议 2 agrees
    mismatches = [(i.item, i.field) for i in result.issues if i.code == "narrative-mismatch"]
    assert mismatches == [("new_received", "total")]


def test_html_tables_with_rowspan_colspan_typos_and_blanks():
    result = import_file(_html().encode("utf-8"), filename="report.html")
    assert result.kind == "html"
    assert result.details.agency_name == "某某市某某区交通运输局"
    assert str(result.details.published_on) == "2024-01-20"
    assert result.details.level == "county"
    _check_common(result)


def test_html_in_gb18030_is_read():
    result = import_file(_html().encode("gb18030"), filename="report.htm")
    assert _t3(result)["new_received"] == [5, 1, 0, 0, 0, 0, 6]


def _merge_right(cell, span: int) -> None:  # type: ignore[no-untyped-def]
    tc_pr = cell._tc.get_or_add_tcPr()
    grid = OxmlElement("w:gridSpan")
    grid.set(qn("w:val"), str(span))
    tc_pr.append(grid)


def _docx() -> bytes:
    """A Word report: 表三 with vertical merges (三、本年度办理结果, the （三）… groups)."""
    document = docx.Document()
    document.add_paragraph(TITLE)
    for line in NARRATIVE.split("\n"):
        document.add_paragraph(line)
    document.add_paragraph("二、主动公开政府信息情况")
    t2 = document.add_table(rows=0, cols=4)
    for cells in (
        ["第二十条第（一）项"] * 4,
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "0", "0", "0"],
        ["行政规范性文件", "2", "", "7"],
        ["信息内容", "本年处理决定数量", "", ""],
        ["行政许可", "1234", "", ""],
        ["行政处罚", "56", "", ""],
        ["行政强制", "—", "", ""],
        ["信息内容", "本年收费金额（单位：万元）", "", ""],
        ["行政事业性收费", "251000元", "", ""],
    ):
        row = t2.add_row().cells
        if cells[0] == cells[1]:
            row[0].merge(row[3]).text = cells[0]
        elif cells[2:] == ["", ""] and cells[0] != "规章":
            row[0].text = cells[0]
            row[1].merge(row[3]).text = cells[1]
        else:
            for cell, text in zip(row, cells, strict=True):
                cell.text = text
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    t3 = document.add_table(rows=3 + len(T3), cols=10)
    t3.cell(0, 0).merge(
        t3.cell(2, 2)
    ).text = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    t3.cell(0, 3).merge(t3.cell(0, 9)).text = "申请人情况"
    t3.cell(1, 3).merge(t3.cell(2, 3)).text = "自然人"
    t3.cell(1, 4).merge(t3.cell(1, 8)).text = "法人或其他组织"
    t3.cell(1, 9).merge(t3.cell(2, 9)).text = "总计"
    for k, head in enumerate(("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")):
        t3.cell(2, 4 + k).text = head
    starts: dict[str, int] = {}
    for n, (group, sub, label, cells) in enumerate(T3):
        r = 3 + n
        if group is None or (sub is None and label.startswith("（")):
            first = 0 if group is None else 1
            t3.cell(r, first).merge(t3.cell(r, 2)).text = label
        else:
            t3.cell(r, 2).text = label
            starts.setdefault(sub or "", r)
        for k, value in enumerate(cells):
            t3.cell(r, 3 + k).text = value
    t3.cell(5, 0).merge(t3.cell(3 + len(T3) - 2, 0)).text = "三、本年度办理结果"
    for sub, first in starts.items():
        size = sum(1 for _, s, _, _ in T3 if s == sub)
        t3.cell(first, 1).merge(t3.cell(first + size - 1, 1)).text = sub
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    t4 = document.add_table(rows=4, cols=15)
    t4.cell(0, 0).merge(t4.cell(0, 4)).text = "行政复议"
    t4.cell(0, 5).merge(t4.cell(0, 14)).text = "行政诉讼"
    for k, head in enumerate(("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")):
        t4.cell(1, k).merge(t4.cell(2, k)).text = head
        t4.cell(2, 5 + k).text = head
        t4.cell(2, 10 + k).text = head
    t4.cell(1, 5).merge(t4.cell(1, 9)).text = "未经复议直接起诉"
    t4.cell(1, 10).merge(t4.cell(1, 14)).text = "复议后起诉"
    for k, value in enumerate(T4):
        t4.cell(3, k).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_tables_with_merged_cells_typos_and_blanks():
    result = import_file(_docx(), filename="report.docx")
    assert result.kind == "docx"
    assert result.details.agency_name == "某某市某某区交通运输局"
    assert result.details.year == 2023
    _check_common(result)


def _delimited(cells: list[str], sep: str) -> str:
    return f"| {' | '.join(cells)} |" if sep == "|" else "\t".join(cells)


@pytest.mark.parametrize("sep", ["|", "\t"], ids=["pipes", "tabs"])
def test_table_text_copied_from_a_web_page(sep: str):
    rows = [
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "0", "0", "0"],
        ["行政规范性文件", "2", "", "7"],
        ["行政许可", "1,234"],
        ["行政处罚", "56"],
        ["行政强制", "—"],
        ["信息内容", "本年收费金额（单位：万元）"],
        ["行政事业性收费", "251000元"],
    ]
    lines = [TITLE, *NARRATIVE.split("\n"), "二、主动公开政府信息情况"]
    lines += [_delimited(r, sep) for r in rows]
    lines += [
        "三、收到和处理政府信息公开申请情况",
        _delimited(
            ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"], sep
        ),
    ]
    for group, sub, label, cells in T3:
        labels = [x for x in (group, sub, label) if x]
        lines.append(_delimited(labels + cells, sep))
    lines += [
        "四、政府信息公开行政复议、行政诉讼情况",
        _delimited(["行政复议", "行政诉讼"], sep),
        _delimited(T4, sep),
        "五、存在的主要问题及改进情况",
    ]
    result = import_file("\n".join(lines).encode("utf-8"), filename="copied.txt")
    assert result.kind == "text-flat"
    _check_common(result)


@pytest.mark.parametrize("name", ["broken.docx", "broken.xlsx", "broken.pdf"])
def test_broken_documents_are_unreadable_not_a_crash(name: str):
    from gongkai.importers import ImportFailure

    with pytest.raises(ImportFailure) as caught:
        import_file(b"PK\x03\x04 not really a zip", filename=name)
    assert name in caught.value.message("zh") and name in caught.value.message("en")


def test_2019_format_report_from_web_text():
    """A 2019-format report (国办公开办函〔2019〕60号): 表二 with 上一年项目数量 and 本年增/减
    columns, a negative 本年增/减, 采购总金额 printed in 元; 表三 with （六）其他处理 as one row."""
    lines = [
        "某某县人民政府2020年政府信息公开工作年度报告",
        "二、主动公开政府信息情况",
        "| 信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |",
        "| 规章 | 0 | 0 | 0 |",
        "| 规范性文件 | 3 | 3 | 40 |",
        "| 信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |",
        "| 行政许可 | 120 | -3 | 5000 |",
        "| 其他对外管理服务事项 | 10 | 0 | 30 |",
        "| 行政处罚 | 300 | 2 | 800 |",
        "| 行政强制 | 20 | 0 | 15 |",
        "| 信息内容 | 上一年项目数量 | 本年增/减 |",
        "| 行政事业性收费 | 8 | -1 |",
        "| 信息内容 | 采购项目数量 | 采购总金额 |",
        "| 政府集中采购 | 12 | 251000元 |",
        "三、收到和处理政府信息公开申请情况",
    ]
    for group, sub, label, cells in T3:
        if sub == "（六）其他处理":
            if label.startswith("1"):
                lines.append("| 三、本年度办理结果 | （六）其他处理 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |")
            continue
        labels = [x for x in (group, sub, label) if x]
        lines.append("| " + " | ".join(labels + cells) + " |")
    lines += [
        "四、政府信息公开行政复议、行政诉讼情况",
        "| " + " | ".join(T4) + " |",
        "五、存在的主要问题及改进情况",
    ]
    result = import_file("\n".join(lines).encode("utf-8"), filename="county_2020.txt")
    assert result.format == "2019"
    assert result.details.year == 2020 and result.details.scope == "government"
    t2 = result.tables["proactive"][0]
    assert (t2["normative_made"], t2["normative_total"]) == (3, 40)
    assert (t2["licensing_previous"], t2["licensing_change"], t2["licensing_decisions"]) == (
        120,
        -3,
        5000,
    )
    assert (t2["fees_previous"], t2["fees_change"]) == (8, -1)
    assert (t2["procurement_items"], t2["procurement_amount"]) == (12, Decimal("25.1"))
    t3 = _t3(result)
    assert list(t3) == [i.code for i in load_standard().format("2019").table("applications").items]
    assert t3["other"] == [1, 0, 0, 0, 0, 0, 1]
    assert t3["withheld_prohibited"] == [0, 0, None, 0, 0, 0, 0]
    assert "format-deviation" not in {i.code for i in result.issues}


def test_html_columns_are_mapped_by_their_header_labels():
    """表三 printed with 总计 first and 其他 before 法律服务机构: values follow their headers."""
    heads = ["总计", "自然人", "商业企业", "科研机构", "社会公益组织", "其他", "法律服务机构"]
    order = [6, 0, 1, 2, 3, 5, 4]  # printed column -> official column
    rows = []
    for group, sub, label, cells in T3:
        printed = [cells[k] for k in order]
        labels = "".join(f"<td>{x}</td>" for x in (group, sub, label) if x)
        rows.append(f"<tr>{labels}{''.join(f'<td>{c}</td>' for c in printed)}</tr>")
    html = (
        f"<p>{TITLE}</p><p>三、收到和处理政府信息公开申请情况</p><table>"
        f"<tr><td>事项</td>{''.join(f'<td>{h}</td>' for h in heads)}</tr>{''.join(rows)}</table>"
    )
    result = import_file(html.encode("utf-8"), filename="permuted.html")
    t3 = _t3(result)
    for item, cells in T3_EXPECTED.items():
        assert t3[item] == cells, item
