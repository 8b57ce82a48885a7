"""schemas/ says what STANDARD.md says: the same columns, item codes and rule ids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from frictionless import Schema

from gongkai.standard import FORMATS, TABLE_NAMES, load_standard, schemas_dir
from tests.paths import ROOT, SHARED

STANDARD_MD = SHARED / "STANDARD.md"
needs_standard = pytest.mark.skipif(
    not STANDARD_MD.exists(), reason="../shared/STANDARD.md is not beside this checkout"
)


def _backticked_rows(section: str) -> list[str]:
    """First backticked word of each table row in a section of STANDARD.md."""
    text = STANDARD_MD.read_text(encoding="utf-8")
    body = text.split(section, 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z0-9_-]+)`", body, flags=re.M)


@needs_standard
def test_2021_items_are_those_of_the_standard_in_order() -> None:
    items = load_standard().format("2021").table("applications").item_codes
    assert items == _backticked_rows("### 2.3")[7:]  # the first 7 rows are the columns
    assert len(items) == 25


def test_2019_items_fold_the_other_rows_into_one() -> None:
    items_2021 = load_standard().format("2021").table("applications").item_codes
    items_2019 = load_standard().format("2019").table("applications").item_codes
    assert len(items_2019) == 23
    assert [i for i in items_2021 if not i.startswith("other_")] == [
        i for i in items_2019 if i != "other"
    ]


@needs_standard
def test_rule_ids_are_those_of_the_standard() -> None:
    declared = _backticked_rows("## 3. Rules")
    importer_only = {"format-deviation", "narrative-mismatch"}
    in_schemas = {r["id"] for r in load_standard().format("2021").rules}
    assert in_schemas == set(declared) - importer_only


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("table", TABLE_NAMES)
def test_schemas_are_valid_table_schemas_with_chinese_titles(fmt: str, table: str) -> None:
    descriptor = load_standard().format(fmt).table(table).descriptor
    assert Schema.validate_descriptor(descriptor).valid
    for field in descriptor["fields"]:
        assert re.search(r"[\u4e00-\u9fff]", field["title"]), field["name"]
        assert re.search(r"[\u4e00-\u9fff]", field["description"]), field["name"]


def test_reviews_columns() -> None:
    names = load_standard().format("2021").table("reviews").field_names
    assert names[:2] == ["agency_id", "year"]
    assert names[2:] == [
        f"{group}_{part}"
        for group in ("review", "suit_direct", "suit_after_review")
        for part in ("upheld", "corrected", "other", "pending", "total")
    ]


def test_schemas_dir_is_the_checkout_one() -> None:
    """The development install reads schemas/ of the repository itself: no second copy."""
    assert Path(str(schemas_dir())).resolve() == ROOT / "schemas"
    assert (schemas_dir() / "2021" / "rules.json").is_file()
