"""A report package printed back as the text a web page or a PDF gives, in the shapes the
official layout degrades into when it is copied (issue 11): cells separated by pipes with empty
cells and merged-cell residue, one cell per line with or without ` |`, group and item labels on
one row, labels carrying notes, header rows split over lines, tabs, runs of spaces, and a page
cut short inside 表三.

`reflow(tables, shape)` gives the text and the tables the text prints: a cell the shape cannot
show (a blank cell where blanks leave no trace, a row after the cut) is expected blank.
"""

from __future__ import annotations

import copy
from typing import Any

from gongkai.standard import load_standard
from tests.importers.reflow_shapes import SHAPES, Line, Shape

__all__ = ["SHAPES", "Shape", "reflow", "with_blanks"]

Tables = dict[str, list[dict[str, Any]]]

FORMAT = load_standard().format("2021")
T2_BLOCKS = [  # 表二 as the 2021 layout prints it: (heading, column headers, rows)
    (
        "第二十条第（一）项",
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        [("规章", "regulations"), ("行政规范性文件", "normative")],
    ),
    ("第二十条第（五）项", ["信息内容", "本年处理决定数量"], [("行政许可", "licensing")]),
    (
        "第二十条第（六）项",
        ["信息内容", "本年处理决定数量"],
        [("行政处罚", "penalty"), ("行政强制", "coercion")],
    ),
    (
        "第二十条第（八）项",
        ["信息内容", "本年收费金额（单位：万元）"],
        [("行政事业性收费", "fees")],
    ),
]
T2_NOTES = {  # notes real pages print after a label
    "行政规范性文件": "规范性文件(指各行政机关印发的有正式文号的文件)",
    "行政许可": "行政许可（含备案类事项）",
}
T3_NOTES = {
    "unavailable_not_held": "1.本机关不掌握相关政府信息（含经检索没有所需信息的）",
    "carried_forward": "四、结转下年度继续办理（截至12月31日）",
}
TYPOS = {  # as real pages print them (洪泽 2023 and 2024: 法规禁 lost, spaces in labels)
    "2.其他法律行政法规禁止公开": "2.其他法律行政止公开",
    "4.无正当理由大量反复申请": "4.无正当理由大量反复 申请",
    "5.要求行政机关确认或重新出具已获取信息": "5.要求行政机关确认或重 新出具已获取信息",
    "3.危及“三安全一稳定”": '3、危及"三安全一稳定"',
    "行政规范性文件": "行政规范文件",
    "行政事业性收费": "行政事业收费",
}
T3_HEADER = [
    ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
    ["", "自然人", "法人或其他组织", "", "", "", "", "总计"],
    ["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
]
T3_HEADER_SPLIT = [  # the same header as narrow cells print it, a word per line
    ["（本列数据的勾稽关系为：第一项加第二项之和，", "申请人情况"],
    ["等于第三项加第四项之和）"],
    ["", "自然人", "法人或其他组织", "", "总计"],
    ["", "", "商业", "科研", "社会公益", "法律服务", "其他"],
    ["", "", "企业", "机构", "组织", "机构"],
]
T4_HEADER = [
    ["行政复议", "行政诉讼"],
    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"],
    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2,
]
T4_HEADER_SPLIT = [
    ["行政复议", "行政诉讼"],
    ["", "未经复议直接起诉", "复议后起诉"],
    ["结果", "结果", "其他", "尚未", "总计", *(["结果", "结果", "其他", "尚未", "总计"] * 2)],
    ["维持", "纠正", "结果", "审结", "", *(["维持", "纠正", "结果", "审结", ""] * 2)],
]
CUT_AFTER = 12  # rows of 表三 a cut-short page prints whole; it ends inside the next one
CUT_CELLS = 3  # cells of that next row it prints


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _t3_labels(group_labels: bool, notes: bool, typos: bool = False) -> list[tuple[str, list[str]]]:
    """(item code, label cells) per 表三 row. With `group_labels` the first row of a group
    also prints the group's label (the merged first column), as a browser copies it."""
    out: list[tuple[str, list[str]]] = []
    for item in FORMAT.table("applications").items:
        label = item.label
        if notes and item.code in T3_NOTES:
            label = T3_NOTES[item.code]
        if "本年度办理结果（一）" in label:
            group, leaf = label.split("（一）")
            cells = [group, "（一）" + leaf] if group_labels else ["（一）" + leaf]
        elif " " in label:
            group, leaf = label.split(" ", 1)
            cells = [group, leaf] if group_labels else [leaf]
        else:
            cells = [label]
        if typos:
            cells = [TYPOS.get(c, c) for c in cells]
        out.append((item.code, cells))
    return out


def _lines(shape: Shape, rows: list[Line]) -> list[str]:
    out: list[str] = []
    for cells in rows:
        if shape.cell_per_line:
            out += [shape.join([c]) for c in cells if c or shape.blanks_visible]
        else:
            out.append(shape.join(cells))
    return out


def _t2(shape: Shape, row: dict[str, Any]) -> list[Line]:
    fields = [f.name for f in FORMAT.table("proactive").value_fields]
    rows: list[Line] = []
    for heading, headers, items in T2_BLOCKS:
        width = len(headers) if len(headers) > 2 else 4
        rows.append([heading] + ([""] * (width - 1) if shape.residue else []))
        rows.append(headers)
        for label, prefix in items:
            printed = T2_NOTES.get(label, label) if shape.notes else label
            printed = TYPOS.get(printed, printed) if shape.typos else printed
            values = [_text(row[f]) for f in fields if f.startswith(prefix)]
            if shape.residue and len(values) == 1:
                values += [""] * 2  # the merged value cell of the 4-column grid
            rows.append([printed, *values])
    return rows


def _t3(shape: Shape, rows_by_item: dict[str, dict[str, Any]]) -> tuple[list[Line], list[str]]:
    fields = [f.name for f in FORMAT.table("applications").value_fields]
    rows: list[Line] = [*(T3_HEADER_SPLIT if shape.split_headers else T3_HEADER)]
    printed: list[str] = []
    labels_of = _t3_labels(shape.group_labels, shape.notes, shape.typos)
    for n, (code, labels) in enumerate(labels_of):
        if shape.cut_short and n > CUT_AFTER:
            break
        cells = [_text(rows_by_item[code][f]) for f in fields]
        if shape.cut_short and n == CUT_AFTER:
            cells = cells[:CUT_CELLS]  # the page ends inside this row
        rows.append([*labels, *cells])
        printed.append(code)
    return rows, printed


def _t4(shape: Shape, row: dict[str, Any]) -> list[Line]:
    fields = [f.name for f in FORMAT.table("reviews").value_fields]
    header = T4_HEADER_SPLIT if shape.split_headers else T4_HEADER
    return [*header, [_text(row[f]) for f in fields]]


def reflow(tables: Tables, shape: Shape) -> tuple[str, Tables]:
    """The report as text of `shape`, and the figures that text prints."""
    report = tables["reports"][0]
    expected = copy.deepcopy(tables)
    lines = [
        f"{report['agency_name']}{report['year']}年政府信息公开工作年度报告",
        "一、总体情况",
        "本年度政府信息公开工作情况如下。",
        "二、主动公开政府信息情况",
        *_lines(shape, _t2(shape, tables["proactive"][0])),
        "三、收到和处理政府信息公开申请情况",
    ]
    rows_by_item = {r["item"]: r for r in tables["applications"]}
    t3_rows, printed = _t3(shape, rows_by_item)
    lines += _lines(shape, t3_rows)
    value_fields = {
        t: [f.name for f in FORMAT.table(t).value_fields]
        for t in ("proactive", "applications", "reviews")
    }
    if shape.cut_short:
        names = value_fields["applications"]
        for row in expected["applications"]:
            if row["item"] not in printed:
                row.update(dict.fromkeys(names))
            elif row["item"] == printed[-1]:  # cut: what the row prints, if it can be placed
                row.update(dict.fromkeys(names[CUT_CELLS:] if shape.blanks_visible else names))
        expected["reviews"][0].update(dict.fromkeys(value_fields["reviews"]))
    else:
        lines += [
            "四、政府信息公开行政复议、行政诉讼情况",
            *_lines(shape, _t4(shape, tables["reviews"][0])),
            "五、存在的主要问题及改进情况",
            "无。",
        ]
        if report.get("published_on"):
            published = report["published_on"]
            lines += ["", f"{published.year}年{published.month}月{published.day}日"]
    if not shape.blanks_visible:
        # a row with an empty cell cannot be placed when empty cells leave no trace
        for table, names in value_fields.items():
            if table == "proactive":
                continue  # 表二's rows are short: each group is judged by itself below
            for row in expected[table]:
                if any(row[n] is None for n in names):
                    row.update(dict.fromkeys(names))
        _t2_rows_blank_when_partly_blank(expected["proactive"][0])
    return "\n".join(lines) + "\n", expected


def _t2_rows_blank_when_partly_blank(row: dict[str, Any]) -> None:
    for _, _, items in T2_BLOCKS:
        for _, prefix in items:
            names = [n for n in row if n.startswith(prefix)]
            if any(row[n] is None for n in names):
                row.update(dict.fromkeys(names))


BLANKED = [  # cells left empty in with_blanks(): one in a row of each table, at either end
    ("proactive", None, "normative_repealed"),
    ("proactive", None, "licensing_decisions"),
    ("applications", "declined_repeated", "research"),
    ("applications", "granted", "natural_person"),
    ("applications", "carried_forward", "total"),
    ("reviews", None, "review_other"),
]


def with_blanks(tables: Tables) -> Tables:
    """The package with some cells left empty, as pages print them."""
    out = copy.deepcopy(tables)
    for table, item, name in BLANKED:
        for row in out[table]:
            if item is None or row["item"] == item:
                row[name] = None
    return out
