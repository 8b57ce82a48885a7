"""`gongkai validate` through click's runner: output for people, --json for machines, exit codes."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from pathlib import Path

from click.testing import CliRunner

from gongkai.cli import main
from gongkai.package import read_package, write_package
from gongkai.validation import validate
from tests.paths import DATA, DATASETS


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", *args])
    return result.exit_code, result.output


def test_every_dataset_validates() -> None:
    code, output = run(*sorted(str(p) for p in DATASETS.iterdir()))
    assert code == 0, output
    assert "共 5 个报告包：5 个有效，0 个无效，0 个无法读取" in output


def test_a_folder_of_packages_stands_for_them() -> None:
    code, output = run(str(DATASETS), "--json")
    assert code == 0
    assert len(json.loads(output)["packages"]) == 5


def test_broken_package_says_what_and_where_in_chinese_and_english() -> None:
    code, output = run(str(DATA / "hongze-2023-as-printed"))
    assert code == 1
    assert (
        "错误 [t4-total] reviews.csv，第2行，列 review_total（行政复议·总计）：总计为 0，"
        "但结果维持、结果纠正、其他结果、尚未审结之和为 11" in output
    )
    code, output = run(str(DATA / "hongze-2023-as-printed"), "--lang", "en")
    assert code == 1
    assert (
        "error [t4-total] reviews.csv, row 2, column suit_after_review_total: total is 0 but "
        "upheld + corrected + other + pending is 5" in output
    )


def test_json_shape() -> None:
    code, output = run(str(DATA / "t4-total-broken"), "--json", "--lang", "en")
    assert code == 1
    body = json.loads(output)
    assert body == {
        "valid": False,
        "packages": [
            {
                "package": str(DATA / "t4-total-broken"),
                "valid": False,
                "format": "2021",
                "errors": 1,
                "warnings": 0,
            }
        ],
        "issues": [
            {
                "package": str(DATA / "t4-total-broken"),
                "code": "t4-total",
                "severity": "error",
                "resource": "reviews",
                "row": 2,
                "item": None,
                "field": "review_total",
                "expected": 351,
                "found": 350,
                "cells": [],
                "rule": None,
                "message": "reviews.csv, row 2, column review_total: total is 350 but upheld + "
                "corrected + other + pending is 351",
            }
        ],
        "notices": [],
    }


def test_warnings_do_not_fail_and_incomplete_is_grouped() -> None:
    code, output = run(str(DATASETS / "wutongqiao-transport-2022"))
    assert code == 0
    assert "规则 t4-total 有 3 处因空白（未填报）单元格无法检查" in output
    code, output = run(str(DATASETS / "wutongqiao-transport-2022"), "--verbose")
    assert output.count("[incomplete]") == 41


def test_unreadable_input_exits_2_and_is_listed(tmp_path: Path) -> None:
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("../../reports.csv", "x")
    code, output = run(str(evil), str(DATASETS / "huaian-city-2024"), "--json")
    assert code == 2
    body = json.loads(output)
    assert body["valid"] is False
    assert [(i["package"], i["code"]) for i in body["issues"]] == [(str(evil), "unsafe-path")]


def test_usage_error_exits_2() -> None:
    assert run()[0] == 2
    assert run("--lang", "fr", str(DATASETS))[0] == 2


def _copy_with(tmp_path: Path, source: Path, name: str, item: str, column: str, value: str) -> Path:
    target = tmp_path / name
    shutil.copytree(source, target)
    path = target / "applications.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    next(r for r in rows if r["item"] == item)[column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return target


def test_continuity_across_consecutive_years(tmp_path: Path) -> None:
    code, output = run(
        str(DATASETS / "suqian-city-2023"), str(DATASETS / "suqian-city-2024"), "--json"
    )
    assert code == 0
    assert json.loads(output)["issues"] == []
    # 2024 says 119 carried over where 2023 carried forward 118 (its own sums break too;
    # only continuity is looked at here)
    broken = _copy_with(
        tmp_path,
        DATASETS / "suqian-city-2024",
        "suqian-2024",
        "carried_over",
        "natural_person",
        "119",
    )
    code, output = run(str(broken), "--previous", str(DATASETS / "suqian-city-2023"), "--json")
    issues = json.loads(output)["issues"]
    continuity = [i for i in issues if i["code"] == "carryover-continuity"]
    assert [
        (i["item"], i["field"], i["expected"], i["found"], i["severity"]) for i in continuity
    ] == [("carried_over", "natural_person", 118, 119, "warning")]
    # without last year's package there is nothing to compare with
    code, output = run(str(broken), "--json")
    assert not [i for i in json.loads(output)["issues"] if i["code"] == "carryover-continuity"]


def test_previous_that_is_not_last_year_is_said() -> None:
    code, output = run(
        str(DATASETS / "suqian-city-2024"), "--previous", str(DATASETS / "huaian-city-2024")
    )
    assert code == 0
    assert "--previous" in output and "连续性规则未检查" in output
    code, output = run(
        str(DATASETS / "suqian-city-2024"),
        "--previous",
        str(DATASETS / "suqian-city-2023"),
        "--json",
    )
    assert json.loads(output)["notices"] == []


def test_many_alike_issues_are_counted_after_ten(tmp_path: Path) -> None:
    folder = tmp_path / "pkg"
    shutil.copytree(DATASETS / "huaian-city-2024", folder)
    path = folder / "applications.csv"
    text = path.read_text(encoding="utf-8").replace("320800-huaian-government", "X")
    path.write_text(text, encoding="utf-8")
    code, output = run(str(folder))
    assert code == 1
    assert output.count("[constraint-error]") == 10
    assert "另有 15 个同类问题（constraint-error，applications.agency_id" in output


def test_continuity_inside_a_collection_is_reported_once(tmp_path: Path) -> None:
    tables: dict[str, list[dict]] = {}
    for name in ("suqian-city-2023", "suqian-city-2024"):
        for table, rows in validate(read_package(DATASETS / name)).tables.items():
            tables.setdefault(table, []).extend(rows)
    next(r for r in tables["proactive"] if r["year"] == 2024)["regulations_in_force"] = 13
    folder = write_package(tmp_path / "suqian", tables, "2021")
    code, output = run(str(folder), "--json")
    assert code == 0  # continuity is a warning
    assert [i["code"] for i in json.loads(output)["issues"]] == ["in-force-continuity"]
