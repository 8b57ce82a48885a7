"""Each fixture in tests/data shows one defect; validation must name exactly it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gongkai.package import read_package, write_package
from gongkai.validation import validate
from tests.paths import DATA

# fixture -> (valid, the issues as (code, severity, resource, row, item, field, expected, found))
CASES = {
    "t3-row-total-broken": (
        False,
        [
            ("t3-row-total", "error", "applications", 4, "granted", "total", 1362, 1363),
            ("t3-results-total", "error", "applications", 25, "results_total", "total", 3051, 3050),
        ],
    ),
    "t3-results-total-broken": (
        False,
        [
            (
                "t3-results-total",
                "error",
                "applications",
                25,
                "results_total",
                "natural_person",
                2933,
                2932,
            ),
            ("t3-results-total", "error", "applications", 25, "results_total", "total", 3051, 3050),
        ],
    ),
    "t3-balance-broken": (
        False,
        [
            (
                "t3-balance",
                "error",
                "applications",
                25,
                "results_total",
                "natural_person",
                3035,
                3036,
            ),
            ("t3-balance", "error", "applications", 25, "results_total", "total", 3153, 3154),
        ],
    ),
    "t4-total-broken": (
        False,
        [
            ("t4-total", "error", "reviews", 2, None, "review_total", 351, 350),
        ],
    ),
    "hongze-2023-as-printed": (
        False,
        [
            ("t4-total", "error", "reviews", 2, None, "review_total", 11, 0),
            ("t4-total", "error", "reviews", 2, None, "suit_after_review_total", 5, 0),
        ],
    ),
    "agency-id-checksum-broken": (
        False,
        [
            (
                "agency-id-checksum",
                "error",
                "reports",
                2,
                None,
                "agency_id",
                "11371000004359010J",
                "11371000004359010K",
            ),
        ],
    ),
    "uscc-valid": (True, []),
    "missing-table": (
        False,
        [
            ("table-shape", "error", "reviews", None, None, None, None, None),
        ],
    ),
    "missing-item": (
        False,
        [
            ("table-shape", "error", "applications", None, "withheld_inquiry", None, None, None),
        ],
    ),
    "unknown-item": (
        False,
        [
            ("table-shape", "error", "applications", None, "withheld_inquiry", None, None, None),
            ("table-shape", "error", "applications", 13, None, "item", None, None),
        ],
    ),
    "duplicated-item": (
        False,
        [
            ("table-shape", "error", "applications", 5, "granted", "item", None, None),
        ],
    ),
    "wrong-header": (
        False,
        [
            (
                "incorrect-label",
                "error",
                "proactive",
                None,
                None,
                "penalty_decisions",
                "penalty_decisions",
                "licensing",
            ),
        ],
    ),
    "text-in-number": (
        False,
        [
            (
                "type-error",
                "error",
                "applications",
                4,
                "granted",
                "commercial",
                "integer",
                "二十一",
            ),
        ],
    ),
    "negative-count": (
        False,
        [
            (
                "constraint-error",
                "error",
                "applications",
                6,
                "withheld_state_secret",
                "natural_person",
                "minimum 0",
                "-2",
            ),
        ],
    ),
    "full-width-digits": (
        False,
        [
            (
                "type-error",
                "error",
                "applications",
                6,
                "withheld_state_secret",
                "natural_person",
                "integer",
                "２",
            ),
        ],
    ),
    "gb18030-encoded": (True, []),
    "encoding-mismatch": (
        True,
        [("encoding-mismatch", "warning", "reports", None, None, None, "utf-8", "gb18030")],
    ),
    "utf8-bom": (True, []),
    "format-2019-valid": (True, []),
    "late-publication": (
        True,
        [
            (
                "late-publication",
                "warning",
                "reports",
                2,
                None,
                "published_on",
                "2025-03-31",
                "2025-04-15",
            ),
        ],
    ),
    "format-year-mismatch": (
        True,
        [
            ("format-year", "warning", "reports", 2, None, "format", "2019", "2021"),
        ],
    ),
    "township-regulations": (
        True,
        [
            ("regulations-authority", "warning", "proactive", 2, None, "regulations_issued", 0, 1),
            (
                "regulations-authority",
                "warning",
                "proactive",
                2,
                None,
                "regulations_in_force",
                0,
                11,
            ),
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_gets_exactly_its_issues(name: str) -> None:
    valid, expected = CASES[name]
    result = validate(read_package(DATA / name))
    found = [
        (i.code, i.severity, i.resource, i.row, i.item, i.field, i.expected, i.found)
        for i in result.issues
    ]
    assert found == expected
    assert result.valid is valid


def test_blank_cell_is_incomplete_never_zero() -> None:
    result = validate(read_package(DATA / "blank-cell"))
    assert result.valid
    assert [(i.code, i.rule, i.item, i.field, i.cells) for i in result.issues] == [
        (
            "incomplete",
            "t3-row-total",
            "withheld_state_secret",
            "natural_person",
            ("withheld_state_secret.natural_person",),
        ),
        (
            "incomplete",
            "t3-results-total",
            "withheld_state_secret",
            "natural_person",
            ("withheld_state_secret.natural_person",),
        ),
    ]
    row = next(r for r in result.tables["applications"] if r["item"] == "withheld_state_secret")
    assert row["natural_person"] is None


def test_missing_header_is_reported_per_column() -> None:
    result = validate(read_package(DATA / "missing-header"))
    labels = [i for i in result.issues if i.code in ("incorrect-label", "duplicate-label")]
    assert len(labels) == 17
    assert (labels[0].resource, labels[0].field, labels[0].expected, labels[0].found) == (
        "reviews",
        "agency_id",
        "agency_id",
        "320800-huaian-government",
    )


def test_encodings_are_recorded() -> None:
    # only reports.csv holds Chinese; the other tables are ASCII, which UTF-8 reads as it is
    assert read_package(DATA / "gb18030-encoded").encodings["reports"] == "gb18030"
    assert set(read_package(DATA / "utf8-bom").encodings.values()) == {"utf-8-sig"}
    same = validate(read_package(DATA / "gb18030-encoded")).tables
    assert same == validate(read_package(DATA / "utf8-bom")).tables


def test_provisional_id_of_eighteen_characters_is_not_checked_as_a_uscc(tmp_path: Path) -> None:
    tables = validate(read_package(DATA / "uscc-valid")).tables
    for rows in tables.values():
        for row in rows:
            row["agency_id"] = "320800-huaian-city"  # 18 characters, provisional
    result = validate(read_package(write_package(tmp_path / "pkg", tables, "2021")))
    assert result.issues == []


def test_agency_id_must_be_all_of_a_uscc_or_a_provisional_id(tmp_path: Path) -> None:
    tables = validate(read_package(DATA / "uscc-valid")).tables
    for rows in tables.values():
        for row in rows:
            row["agency_id"] = "11371000004359010J-extra"
    result = validate(read_package(write_package(tmp_path / "pkg", tables, "2021")))
    assert not result.valid
    assert {(i.code, i.field) for i in result.errors} == {("constraint-error", "agency_id")}


def test_year_out_of_range_is_a_constraint_error_not_a_crash(tmp_path: Path) -> None:
    tables = validate(read_package(DATA / "late-publication")).tables
    for rows in tables.values():
        for row in rows:
            row["year"] = 9999
    result = validate(read_package(write_package(tmp_path / "pkg", tables, "2021")))
    assert {(i.code, i.field, i.found) for i in result.errors} == {
        ("constraint-error", "year", "9999")
    }


def test_encoding_mismatch_is_what_frictionless_trips_on(tmp_path: Path) -> None:
    """The warning names what plain Frictionless fails on: reading as declared breaks."""
    from frictionless import validate as frictionless_validate

    report = frictionless_validate("datapackage.json", basepath=str(DATA / "encoding-mismatch"))
    reports_task = next(t for t in report.tasks if t.name == "reports")
    assert "encoding-error" in {e.type for e in reports_task.errors}
    package = read_package(DATA / "encoding-mismatch")
    assert package.declared_encodings["reports"] == "utf-8"
    assert package.encodings["reports"] == "gb18030"
    # a BOM is not a mismatch: Frictionless reads UTF-8 with BOM as utf-8
    with_bom = tmp_path / "utf8-bom"
    shutil.copytree(DATA / "utf8-bom", with_bom)
    shutil.copy(DATA / "encoding-mismatch" / "datapackage.json", with_bom)
    package = read_package(with_bom)
    assert (package.declared_encodings["reports"], package.encodings["reports"]) == (
        "utf-8",
        "utf-8-sig",
    )
    assert validate(package).issues == []
