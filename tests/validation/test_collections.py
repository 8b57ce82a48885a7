"""A package may hold many reports (a region's or a year's collection) with the same schemas."""

from __future__ import annotations

from pathlib import Path

from gongkai.package import read_package, write_package
from gongkai.validation import validate
from tests.paths import DATASETS


def _merged(*names: str) -> dict[str, list[dict]]:
    tables: dict[str, list[dict]] = {}
    for name in names:
        for table, rows in validate(read_package(DATASETS / name)).tables.items():
            tables.setdefault(table, []).extend(rows)
    return tables


def test_collection_of_several_agencies_and_years_validates(tmp_path: Path) -> None:
    tables = _merged("suqian-city-2023", "suqian-city-2024", "huaian-city-2024")
    result = validate(read_package(write_package(tmp_path / "jiangsu", tables, "2021")))
    assert result.issues == []
    assert sorted(result.reports) == [
        ("320800-huaian-government", 2024),
        ("321300-suqian-government", 2023),
        ("321300-suqian-government", 2024),
    ]


def test_continuity_is_checked_inside_a_collection(tmp_path: Path) -> None:
    tables = _merged("suqian-city-2023", "suqian-city-2024")
    row = next(r for r in tables["proactive"] if r["year"] == 2024)
    row["normative_in_force"] = 421  # 597 + 50 − 227 = 420
    result = validate(read_package(write_package(tmp_path / "suqian", tables, "2021")))
    assert result.valid
    assert [(i.code, i.field, i.expected, i.found) for i in result.issues] == [
        ("in-force-continuity", "normative_in_force", 420, 421)
    ]


def test_rows_of_a_report_missing_from_reports_are_foreign_key_errors(tmp_path: Path) -> None:
    tables = _merged("suqian-city-2023", "suqian-city-2024")
    tables["reports"] = [r for r in tables["reports"] if r["year"] == 2024]
    result = validate(read_package(write_package(tmp_path / "orphans", tables, "2021")))
    codes = {(i.code, i.resource) for i in result.errors}
    assert codes == {
        ("foreign-key", "proactive"),
        ("foreign-key", "applications"),
        ("foreign-key", "reviews"),
    }
