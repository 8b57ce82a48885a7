"""schemas/ says what STANDARD.md says: the same columns, item codes and rule ids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from frictionless import Schema

from gongkai.standard import FORMATS, TABLE_NAMES, load_standard, schemas_dir
from tests.paths import ROOT, SHARED

# The standard in the repository, and the contract it was written from when a copy sits beside
# the checkout (as in CI): both must name the same items and rules as the schemas.
DOCUMENTS = [
    ROOT / "docs" / "standard.md",
    *([SHARED / "STANDARD.md"] if (SHARED / "STANDARD.md").exists() else []),
]
each_document = pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)


def _section(document: Path, heading: str) -> str:
    text = document.read_text(encoding="utf-8")
    body = text.split("\n" + heading, 1)[1]
    return body.split("\n## ", 1)[0]


def _backticked_rows(text: str) -> list[str]:
    """First backticked word of each table row."""
    return re.findall(r"^\| `([a-z0-9_-]+)`", text, flags=re.M)


@each_document
def test_2021_items_are_those_of_the_standard_in_order(document: Path) -> None:
    """The items table of §2.3 (the one headed `| item |`; for 2021 the first one)."""
    section = _section(document, "### 2.3")
    items_table = section.split("\n| item |", 1)[1].split("\n\n", 1)[0]
    items = load_standard().format("2021").table("applications").item_codes
    assert items == _backticked_rows(items_table)
    assert len(items) == 25


def test_2019_items_fold_the_other_rows_into_one() -> None:
    items_2021 = load_standard().format("2021").table("applications").item_codes
    items_2019 = load_standard().format("2019").table("applications").item_codes
    assert len(items_2019) == 23
    assert [i for i in items_2021 if not i.startswith("other_")] == [
        i for i in items_2019 if i != "other"
    ]


@each_document
def test_rule_ids_are_those_of_the_standard(document: Path) -> None:
    rules_table = _section(document, "## 3. Rules").split("\n### ", 1)[0]
    declared = _backticked_rows(rules_table)
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
