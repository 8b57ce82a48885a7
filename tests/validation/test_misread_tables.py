"""A table read under the wrong columns is not added up; blank rows are not duplicate keys."""

from __future__ import annotations

import shutil
from pathlib import Path

from gongkai.package import read_package
from gongkai.validation import validate
from tests.paths import DATASETS

HUAIAN = DATASETS / "huaian-city-2024"


def _copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(HUAIAN, tmp_path / "pkg"))


def test_reordered_columns_give_header_errors_and_no_invented_sums(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "applications.csv"
    lines = [line.split(",") for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text(
        "\n".join(",".join([cells[-1], *cells[:-1]]) for cells in lines) + "\n", encoding="utf-8"
    )
    result = validate(read_package(folder))
    assert {i.code for i in result.issues} == {"incorrect-label"}
    assert all(i.resource == "applications" for i in result.issues)


def test_blank_row_in_the_middle_is_one_blank_row_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "applications.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines[:5], ",,,,,,,,,", *lines[5:]]) + "\n", encoding="utf-8")
    result = validate(read_package(folder))
    assert [(i.code, i.resource, i.row) for i in result.issues] == [
        ("blank-row", "applications", 6)
    ]
