"""Oversized input is refused with a clear message, before it is read cell by cell: a
workbook or Word file that unpacks to more than GONGKAI_MAX_PACKAGE_BYTES, a sheet or a table
with far more rows or columns than a report has."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from gongkai.importers import ImportFailure, import_file
from gongkai.importers.files import MAX_COLUMNS, MAX_ROWS
from gongkai.template import write_template


def test_a_sheet_with_too_many_rows_is_refused(tmp_path: Path):
    path = write_template(tmp_path / "report.xlsx", "2021")
    wb = openpyxl.load_workbook(path)
    extra = wb.create_sheet("Sheet5")
    for r in range(1, MAX_ROWS + 50):
        extra.cell(r, 1, r)
    wb.save(path)
    with pytest.raises(ImportFailure) as caught:
        import_file(path)
    assert caught.value.zh == (
        f"report.xlsx：工作表“Sheet5”超过 {MAX_ROWS} 行（至少 {MAX_ROWS + 1} 行）；"
        "年度报告的表格没有这么大，请只保留报告的表格"
    )
    assert "sheet “Sheet5” has more than 2000 rows" in caught.value.en


def test_a_sheet_with_too_many_columns_is_refused(tmp_path: Path):
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.cell(1, MAX_COLUMNS + 1, 1)
    path = tmp_path / "wide.xlsx"
    wb.save(path)
    with pytest.raises(ImportFailure) as caught:
        import_file(path)
    assert f"超过 {MAX_COLUMNS} 列" in caught.value.zh
    assert f"more than {MAX_COLUMNS} columns" in caught.value.en


def _bomb(name: str) -> bytes:
    buffer = io.BytesIO()
    folder = "word" if name.endswith(".docx") else "xl"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{folder}/media/junk.bin", b"\0" * 300_000)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["bomb.docx", "bomb.xlsx"])
def test_an_archive_unpacking_past_the_package_limit_is_refused(
    monkeypatch: pytest.MonkeyPatch, name: str
):
    monkeypatch.setenv("GONGKAI_MAX_PACKAGE_BYTES", "200000")
    with pytest.raises(ImportFailure) as caught:
        import_file(_bomb(name), filename=name)
    assert caught.value.zh == (
        f"{name}：解压后文件过大（300000 字节，上限 200000 字节，见 GONGKAI_MAX_PACKAGE_BYTES）"
    )


def test_a_file_past_the_package_limit_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("GONGKAI_MAX_PACKAGE_BYTES", "1000")
    path = tmp_path / "long.txt"
    path.write_text("一、总体情况\n" * 200)
    with pytest.raises(ImportFailure) as caught:
        import_file(path)
    assert "上限 1000 字节" in caught.value.zh and "the limit is 1000 bytes" in caught.value.en


def test_an_html_table_with_too_many_columns_is_refused():
    page = "<table><tr>" + "<td colspan='60'>1</td>" * 2 + "</tr></table>"
    with pytest.raises(ImportFailure) as caught:
        import_file(page.encode(), filename="wide.html")
    assert f"more than {MAX_COLUMNS} columns" in caught.value.en
