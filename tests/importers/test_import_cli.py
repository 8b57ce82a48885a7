"""`gongkai import` and `gongkai template` through click's runner: packages written, summaries,
JSON, exit codes (0 valid, 1 invalid or tables missing, 2 unreadable input), bulk folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from gongkai.cli.importing import import_command, template_command
from gongkai.package import read_package
from gongkai.validation import validate
from tests.paths import DATA

REPORTS = DATA / "importers"


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(import_command, [str(a) for a in args])


def test_import_writes_a_valid_package_and_a_per_table_summary(tmp_path: Path):
    result = _run(
        REPORTS / "huaian_city_2024.layout.txt",
        "-o",
        tmp_path,
        "--region",
        "320800",
        "--agency-id",
        "320800-huaian",
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "320800-huaian-2024"
    assert sorted(p.name for p in folder.iterdir()) == [
        "applications.csv",
        "datapackage.json",
        "proactive.csv",
        "reports.csv",
        "reviews.csv",
    ]
    assert validate(read_package(folder)).valid
    assert "表三 收到和处理政府信息公开申请情况：读到 175/175 个单元格" in result.stdout
    assert "淮安市人民政府 · 2024 · 2021 · text-layout" in result.stdout


def test_import_json_and_english(tmp_path: Path):
    result = _run(
        REPORTS / "hongze_district_2023.layout.txt",
        "-o",
        tmp_path,
        "--region",
        "320813",
        "--agency-id",
        "320813-hongze",
        "--json",
        "--lang",
        "en",
    )
    assert result.exit_code == 1  # t4-total fails, as printed
    body = json.loads(result.stdout)
    report = body["reports"][0]
    assert report["imported"] is True and report["valid"] is False
    assert report["format"] == "2021"
    assert report["tables"]["applications"] == {"filled": 175, "cells": 175}
    assert [(i["code"], i["field"]) for i in report["issues"] if i["severity"] == "error"] == [
        ("t4-total", "review_total"),
        ("t4-total", "suit_after_review_total"),
    ]
    deviation = [i for i in report["import_issues"] if i["code"] == "format-deviation"]
    assert len(deviation) == 1 and "2019 layout" in deviation[0]["message"]
    assert body["summary"] == {"n": 1, "ok": 1, "valid": 0, "warned": 0, "failed": 1 - 1}


def test_report_without_tables_names_them_and_writes_nothing(tmp_path: Path):
    result = _run(REPORTS / "wutongqiao_transport_2022.page.txt", "-o", tmp_path)
    assert result.exit_code == 1
    assert (
        "缺少表格：表二 主动公开政府信息情况、表三 收到和处理政府信息公开申请情况、"
        "表四 行政复议、行政诉讼情况" in result.stdout
    )
    assert list(tmp_path.iterdir()) == []


def test_allow_partial_writes_what_the_text_states(tmp_path: Path):
    result = _run(
        REPORTS / "wutongqiao_transport_2022.page.txt",
        "-o",
        tmp_path,
        "--allow-partial",
        "--region",
        "511112",
        "--level",
        "county",
        "--agency-id",
        "511112-wutongqiao-transport",
    )
    folder = tmp_path / "511112-wutongqiao-transport-2022"
    assert (folder / "datapackage.json").exists()
    validation = validate(read_package(folder))
    assert validation.valid
    assert result.exit_code == 0, result.output
    rows = {r["item"]: r for r in validation.tables["applications"]}
    assert rows["new_received"]["total"] == 0
    assert rows["granted"]["total"] is None
    assert "按 --allow-partial 生成了部分报告包" in result.stdout


def test_unreadable_input_exits_2(tmp_path: Path):
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a word file")
    result = _run(broken, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "broken.docx" in result.stdout


def test_folder_is_imported_in_bulk_with_progress_and_summary(tmp_path: Path):
    """One agency's reports of several years, and a file whose tables are missing."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, copy in (
        ("hongze_district_2023.layout.txt", "hongze_2023.layout.txt"),
        ("hongze_district_2024.layout.txt", "hongze_2024.layout.txt"),
        ("wutongqiao_transport_2022.page.txt", "wutongqiao_2022.page.txt"),
    ):
        shutil.copy(REPORTS / name, inbox / copy)
    (inbox / "notes.md").write_text("not a report")  # not a report kind: skipped
    result = _run(inbox, "-o", tmp_path / "out", "--region", "320813", "--agency-id", "320813-hz")
    assert result.exit_code == 1
    assert "导入" in result.stderr  # the progress bar
    assert "共 3 份报告：导入 2 份，其中校验通过 1 份（含警告的 1 份），失败 1 份" in result.stdout
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "320813-hz-2023",
        "320813-hz-2024",
    ]
    assert "wutongqiao_2022.page.txt  失败" in result.stdout
    recap = result.stdout.split("共 3 份报告")[1]  # the summary repeats why each one failed
    assert "wutongqiao_2022.page.txt：缺少表格：表二 主动公开政府信息情况" in recap
    # and lists the imported but invalid ones, with their first errors
    package = tmp_path / "out" / "320813-hz-2023"
    assert (
        f"✘ {inbox / 'hongze_2023.layout.txt'} → {package}：已导入，校验未通过（2 个错误）" in recap
    )
    assert (
        "      reviews.csv，第2行，列 review_total（行政复议·总计）：总计为 0，"
        "但结果维持、结果纠正、其他结果、尚未审结之和为 11\n"
    ) in recap
    assert "hongze_2024" not in recap
    english = _run(
        inbox,
        "-o",
        tmp_path / "en",
        "--agency-id",
        "320813-hz",
        "--region",
        "320813",
        "--lang",
        "en",
    )
    recap = english.stdout.split("3 reports: 2 imported")[1]
    assert f"{inbox / 'wutongqiao_2022.page.txt'}: missing tables: table 2 (proactive " in recap
    assert "imported, invalid (2 errors)\n      reviews.csv, row 2, column review_total" in recap
    assert "table 2 (proactive disclosure), table 3 (applications)" in recap


def test_without_an_agency_id_none_is_made_up(tmp_path: Path):
    """Two agencies' report.html: no id from the file name (they would collide); one clear
    message each, no package, no column of “不能为空” errors."""
    inbox = tmp_path / "inbox"
    for agency in ("a", "b"):
        (inbox / agency).mkdir(parents=True)
        shutil.copy(REPORTS / "hongze_district_2024.layout.txt", inbox / agency / "report.txt")
    for lang, message in (
        ("zh", "缺少 agency_id：请用 --agency-id 指定（统一社会信用代码或 6位区划代码-英文短名）"),
        ("en", "agency_id missing: give it with --agency-id (the unified social credit code"),
    ):
        out = tmp_path / f"out-{lang}"
        result = _run(inbox, "-o", out, "--region", "320813", "--lang", lang)
        assert result.exit_code == 1
        assert list(out.iterdir()) == []
        for agency in ("a", "b"):
            sep = "：" if lang == "zh" else ": "
            assert result.stdout.count(f"{agency}/report.txt{sep}{message}") == 1
        assert result.stdout.count(message) == 4  # per report, and again in the summary
        assert "不能为空" not in result.stdout and "must not be blank" not in result.stdout


def test_template_command_then_import(tmp_path: Path):
    target = tmp_path / "report.xlsx"
    result = CliRunner().invoke(template_command, ["--format", "2019", "-o", str(target)])
    assert result.exit_code == 0
    assert "2019" in result.stdout and target.exists()
    imported = _run(
        target,
        "-o",
        tmp_path / "out",
        "--year",
        "2020",
        "--agency-name",
        "某某局",
        "--region",
        "320800",
        "--level",
        "city",
        "--scope",
        "agency",
        "--json",
    )
    report = json.loads(imported.stdout)["reports"][0]
    assert report["format"] == "2019" and report["kind"] == "xlsx"
    assert report["tables"]["applications"] == {"filled": 0, "cells": 161}


def test_side_by_side_file_writes_a_package_per_year(tmp_path: Path):
    result = _run(
        REPORTS / "suqian_city_2023_vs_2024.derived.txt",
        "-o",
        tmp_path,
        "--agency-id",
        "321300-suqian",
        "--agency-name",
        "宿迁市人民政府",
        "--region",
        "321300",
        "--level",
        "city",
        "--scope",
        "government",
        "--json",
    )
    assert result.exit_code == 0, result.output
    reports = json.loads(result.stdout)["reports"]
    assert [(r["details"]["year"], r["valid"], r["package"]) for r in reports] == [
        (2023, True, str(tmp_path / "321300-suqian-2023")),
        (2024, True, str(tmp_path / "321300-suqian-2024")),
    ]
    mismatches = [i for i in reports[1]["import_issues"] if i["code"] == "narrative-mismatch"]
    assert [(i["field"], i["expected"], i["found"]) for i in mismatches] == [
        ("review_total", 170, 134),
        ("suit_direct_total", 77, 57),
    ]


def test_the_package_records_its_source_and_the_import_notes(tmp_path: Path):
    result = _run(
        REPORTS / "hongze_district_2024.layout.txt",
        "-o",
        tmp_path,
        "--agency-id",
        "320813-hongze",
        "--region",
        "320813",
        "--source-url",
        "https://www.hongze.gov.cn/report-2024.html",
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "320813-hongze-2024"
    assert validate(read_package(folder)).valid
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["sources"] == [
        {
            "title": "hongze_district_2024.layout.txt",
            "path": "https://www.hongze.gov.cn/report-2024.html",
        }
    ]
    assert descriptor["description"] == (
        "由 hongze_district_2024.layout.txt 导入（text-layout，2021 格式），导入说明 2 条，"
        "见 x-import-notes。Imported from hongze_district_2024.layout.txt (text-layout, 2021 "
        "format); 2 import notes, see x-import-notes."
    )
    notes = descriptor["x-import-notes"]
    assert [(n["code"], n["severity"], n["item"], n["field"]) for n in notes] == [
        ("format-deviation", "warning", "other_not_corrected", None),
        ("narrative-mismatch", "warning", "new_received", "total"),
    ]
    assert "正文与表格不一致" in notes[1]["message"]
    assert "the table has 95" in notes[1]["message_en"]
    assert (notes[1]["expected"], notes[1]["found"]) == (95, 17)
