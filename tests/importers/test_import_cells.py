"""A cell that is not a number (“abc”, “不详”, “见附件”) stays in its column: it is read as
blank with a note naming the table, the row, the column and the text found, and the figures
after it keep their columns — in every kind of source."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import openpyxl
import pytest

from gongkai.importers import ImportResult, import_file
from gongkai.standard import load_standard
from gongkai.template import SHEETS, write_template

# 表三's value columns, in order: 自然人 … 总计
COLUMNS = tuple(f.name for f in load_standard().format("2021").table("applications").value_fields)
HEADS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
ITEMS = load_standard().format("2021").table("applications").items
FIGURES = ["1", "2", "3", "4", "5", "6", "21"]
HEADING = "三、收到和处理政府信息公开申请情况"


def _rows(word: str, column: int) -> list[tuple[str, list[str]]]:
    """表三's 25 rows, each 1 2 3 4 5 6 21; `word` printed in `column` of the first row."""
    rows = []
    for n, item in enumerate(ITEMS):
        cells = list(FIGURES)
        if n == 0:
            cells[column] = word
        rows.append((item.label, cells))
    return rows


def _first_row(result: ImportResult) -> list[object]:
    row = result.tables["applications"][0]
    assert row["item"] == "new_received"
    return [row[c] for c in COLUMNS]


def _expected(column: int) -> list[object]:
    cells: list[object] = [int(f) for f in FIGURES]
    cells[column] = None
    return cells


def _html(word: str, column: int) -> bytes:
    head = "<tr><td colspan='2' rowspan='2'>事项</td><td colspan='7'>申请人情况</td></tr><tr>"
    head += "".join(f"<td>{h}</td>" for h in HEADS) + "</tr>"
    body = "".join(
        f"<tr><td colspan='2'>{label}</td>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
        for label, cells in _rows(word, column)
    )
    return f"<p>{HEADING}</p><table>{head}{body}</table>".encode()


def _docx(word: str, column: int) -> bytes:
    document = docx.Document()
    document.add_paragraph(HEADING)
    rows = _rows(word, column)
    table = document.add_table(rows=1 + len(rows), cols=9)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "事项"
    for c, head in enumerate(HEADS):
        table.cell(0, 2 + c).text = head
    for r, (label, cells) in enumerate(rows, start=1):
        table.cell(r, 0).merge(table.cell(r, 1)).text = label
        for c, text in enumerate(cells):
            table.cell(r, 2 + c).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _layout(word: str, column: int) -> bytes:
    lines = [HEADING, " " * 50 + "".join(f"{h:>8}" for h in HEADS)]
    lines += [
        f"{label[:24]:<50}" + "".join(f"{c:>8}" for c in cells)
        for label, cells in _rows(word, column)
    ]
    return "\n".join(lines).encode()


def _flat(word: str, column: int) -> bytes:
    lines = [HEADING, *HEADS]
    for label, cells in _rows(word, column):
        lines += [label, *cells]
    return "\n".join(lines).encode()


BUILDERS = {"html": _html, "docx": _docx, "layout.txt": _layout, "flat.txt": _flat}


@pytest.mark.parametrize("kind", list(BUILDERS))
@pytest.mark.parametrize(("word", "column"), [("不详", 0), ("abc", 1), ("不详", 3)])
def test_a_word_in_a_value_cell_stays_in_its_column(kind: str, word: str, column: int):
    result = import_file(BUILDERS[kind](word, column), filename=f"report.{kind}")
    assert _first_row(result) == _expected(column)
    notes = [i for i in result.issues if i.code == "unreadable-cell"]
    assert [(i.item, i.field) for i in notes] == [("new_received", COLUMNS[column])]
    assert f"“{word}”" in (notes[0].note or "") and f"“{word}”" in (notes[0].note_en or "")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in (notes[0].note_en or "").replace(word, ""))


def test_a_chinese_word_in_an_html_value_cell_does_not_shift_the_row():
    result = import_file(_html("见附件", 0), filename="report.html")
    assert _first_row(result) == _expected(0)
    note = next(i for i in result.issues if i.code == "unreadable-cell")
    assert note.note == "表格 1 第 3 行，第 3 列：“见附件” 不是数字，按空白读取"
    assert note.note_en == "table 1, row 3, column 3: “见附件” is not a number; read as blank"


def test_text_typed_into_a_template_cell_is_named_and_nothing_shifts(tmp_path: Path):
    path = write_template(tmp_path / "report.xlsx", "2021")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEETS["applications"]]
    for c, value in enumerate([105, "abc", 105, 127, 101, 100, 630]):
        ws.cell(5, 4 + c, value)
    wb.save(path)
    result = import_file(path, agency_id="320826-transport")
    assert _first_row(result) == [105, None, 105, 127, 101, 100, 630]
    notes = [i for i in result.issues if i.code == "unreadable-cell"]
    assert [(i.item, i.field) for i in notes] == [("new_received", "commercial")]
    assert notes[0].note == "工作表“表三 依申请公开”第 5 行，单元格 E5：“abc” 不是数字，按空白读取"
    assert notes[0].note_en == (
        "sheet “表三 依申请公开”, row 5, cell E5: “abc” is not a number; read as blank"
    )


def test_a_short_row_is_noted_in_both_languages():
    page = _html("0", 0).decode().replace("<td>21</td></tr>", "</tr>", 1)
    result = import_file(page.encode(), filename="report.html")
    assert _first_row(result) == [0, 2, 3, 4, 5, 6, None]
    note = next(i for i in result.issues if i.code == "missing-values")
    assert note.note == "表格 1 第 3 行：只有 6 个单元格，缺少的列按空白读取"
    assert note.note_en == "table 1, row 3: 6 cells for 7 columns; the others are blank"
