"""The real report packages in datasets/ hold the figures the printed reports show.

Each test reads a package's CSVs with the csv module (no project code) and compares cell by
cell with the figures quoted in STANDARD.md §6.
"""

import csv
import json
from pathlib import Path

from gongkai.standard import load_standard

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "datasets"
FIXTURES = Path(__file__).resolve().parent / "data"

COLUMNS = ["natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org"]


def read(package: Path, table: str) -> list[dict[str, str]]:
    with open(package / f"{table}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def one(package: Path, table: str) -> dict[str, str]:
    rows = read(package, table)
    assert len(rows) == 1
    return rows[0]


def column(package: Path, field: str) -> dict[str, str]:
    return {row["item"]: row[field] for row in read(package, "applications")}


def row_of(package: Path, item: str) -> dict[str, str]:
    rows = [row for row in read(package, "applications") if row["item"] == item]
    assert len(rows) == 1
    return rows[0]


def reviews(package: Path) -> list[str]:
    row = one(package, "reviews")
    return [
        row[f"{group}_{kind}"]
        for group in ("review", "suit_direct", "suit_after_review")
        for kind in ("upheld", "corrected", "other", "pending", "total")
    ]


def test_huaian_2024_report_row() -> None:
    assert one(DATASETS / "huaian-city-2024", "reports") == {
        "agency_id": "320800-huaian-government",
        "year": "2024",
        "agency_name": "淮安市人民政府",
        "region_code": "320800",
        "level": "city",
        "scope": "government",
        "format": "2021",
        "published_on": "",
        "source_url": "",
    }


def test_huaian_2024_table2() -> None:
    row = one(DATASETS / "huaian-city-2024", "proactive")
    assert [row[k] for k in list(row)[2:]] == [
        "1", "0", "11", "8", "26", "66", "447228", "3985758", "88283", "96171.6",
    ]  # fmt: skip


def test_huaian_2024_table3_total_column() -> None:
    assert column(DATASETS / "huaian-city-2024", "total") == {
        "new_received": "3119",
        "carried_over": "34",
        "granted": "1362",
        "partially_granted": "454",
        "withheld_state_secret": "2",
        "withheld_prohibited": "31",
        "withheld_security": "5",
        "withheld_third_party": "6",
        "withheld_internal": "8",
        "withheld_process": "12",
        "withheld_enforcement": "9",
        "withheld_inquiry": "105",
        "unavailable_not_held": "769",
        "unavailable_needs_creation": "11",
        "unavailable_unclear": "1",
        "declined_complaint": "62",
        "declined_repeated": "25",
        "declined_publication": "0",
        "declined_excessive": "0",
        "declined_confirmation": "1",
        "other_not_corrected": "71",
        "other_fee_unpaid": "6",
        "other_other": "110",
        "results_total": "3050",
        "carried_forward": "103",
    }


def test_huaian_2024_table4() -> None:
    assert reviews(DATASETS / "huaian-city-2024") == [
        "72", "64", "178", "37", "351",
        "13", "4", "8", "1", "26",
        "12", "1", "1", "6", "20",
    ]  # fmt: skip


def test_suqian_carryover_continuity() -> None:
    fields = [*COLUMNS, "total"]
    forward_2023 = row_of(DATASETS / "suqian-city-2023", "carried_forward")
    over_2024 = row_of(DATASETS / "suqian-city-2024", "carried_over")
    assert [forward_2023[f] for f in fields] == ["118", "3", "0", "0", "0", "0", "121"]
    assert [over_2024[f] for f in fields] == ["118", "3", "0", "0", "0", "0", "121"]


def test_suqian_in_force_continuity() -> None:
    p2023 = one(DATASETS / "suqian-city-2023", "proactive")
    p2024 = one(DATASETS / "suqian-city-2024", "proactive")
    assert (p2023["regulations_in_force"], p2024["regulations_issued"]) == ("11", "2")
    assert (p2024["regulations_repealed"], p2024["regulations_in_force"]) == ("1", "12")
    assert (p2023["normative_in_force"], p2024["normative_issued"]) == ("597", "50")
    assert (p2024["normative_repealed"], p2024["normative_in_force"]) == ("227", "420")


def test_suqian_same_agency_both_years() -> None:
    ids = {one(DATASETS / f"suqian-city-{year}", "reports")["agency_id"] for year in (2023, 2024)}
    assert ids == {"321300-suqian-government"}


def test_wutongqiao_2022_states_only_what_the_text_says() -> None:
    package = DATASETS / "wutongqiao-transport-2022"
    report = one(package, "reports")
    assert (report["published_on"], report["scope"], report["source_url"]) == (
        "2023-01-10",
        "agency",
        "",
    )
    rows = read(package, "applications")
    assert len(rows) == 25
    for row in rows:
        values = [row[f] for f in [*COLUMNS, "total"]]
        expected = "0" if row["item"] == "new_received" else ""
        assert values == [expected] * 7, row["item"]
    proactive = one(package, "proactive")
    assert [proactive[k] for k in list(proactive)[2:]] == [""] * 10
    assert reviews(package) == [""] * 15


def test_hongze_2023_fixture_keeps_the_printed_table4() -> None:
    assert reviews(FIXTURES / "hongze-2023-as-printed") == [
        "10", "1", "0", "0", "0",
        "0", "0", "0", "0", "0",
        "5", "0", "0", "0", "0",
    ]  # fmt: skip


def test_every_package_has_the_four_tables_with_the_schema_columns() -> None:
    packages = sorted(p for p in DATASETS.iterdir() if p.is_dir())
    assert [p.name for p in packages] == [
        "hongze-district-2024",
        "huaian-city-2024",
        "suqian-city-2023",
        "suqian-city-2024",
        "wutongqiao-transport-2022",
    ]
    for package in packages:
        assert sorted(f.name for f in package.iterdir()) == [
            "applications.csv",
            "datapackage.json",
            "proactive.csv",
            "reports.csv",
            "reviews.csv",
        ]
        for table in ("reports", "proactive", "applications", "reviews"):
            schema = json.loads((ROOT / f"schemas/2021/{table}.schema.json").read_text("utf-8"))
            with open(package / f"{table}.csv", encoding="utf-8", newline="") as f:
                header = next(csv.reader(f))
            assert header == [field["name"] for field in schema["fields"]], (package, table)


def test_datasets_inline_the_standard_schemas() -> None:
    """A dataset's datapackage.json carries exactly the schemas of schemas/ (what any
    Frictionless tool then checks is what gongkai checks)."""
    for folder in sorted(DATASETS.iterdir()):
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        fmt = load_standard().format("2021")
        for resource in descriptor["resources"]:
            assert resource["schema"] == fmt.table(resource["name"]).descriptor, folder.name
