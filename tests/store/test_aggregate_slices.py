"""aggregate() narrowed for a page: one 表三 row, and sums without coverage."""

from __future__ import annotations

from sqlalchemy import Engine

from conftest_db import report_tables
from gongkai.store.aggregates import aggregate
from gongkai.store.filings import NewFiling, file_report
from gongkai.store.queries import RowFilter
from gongkai.store.registry import load_agencies


def _file(engine: Engine, agency_id: str, year: int) -> dict:
    tables = report_tables(agency_id, year, region_code="320813")
    load_agencies(engine, [tables["reports"][0]])
    sha = f"{agency_id}-{year}".ljust(64, "0")
    file_report(engine, NewFiling(agency_id, year, "2021", sha, {}, tables))
    return tables


def test_one_row_of_table_three_sums_as_in_the_whole_table(engine: Engine) -> None:
    _file(engine, "320813-a-agency", 2023)
    _file(engine, "320813-b-agency", 2023)
    where = RowFilter(year=2023)
    (whole,) = aggregate(engine, "applications", "2021", where, "county")
    (one,) = aggregate(engine, "applications", "2021", where, "county", item="granted")
    assert [r["item"] for r in one.rows] == ["granted"]
    index = [r["item"] for r in whole.rows].index("granted")
    assert one.rows[0] == whole.rows[index]
    assert one.counts[0] == whole.counts[index]
    assert one.reports == whole.reports == 2


def test_without_coverage_only_groups_with_reports(engine: Engine) -> None:
    _file(engine, "320813-a-agency", 2023)
    _file(engine, "320813-a-agency", 2024)
    load_agencies(
        engine,
        [
            {
                "agency_id": "320900-silent-agency",
                "agency_name": "未报送",
                "region_code": "320900",
                "level": "city",
                "scope": "agency",
            }
        ],
    )
    with_registry = aggregate(engine, "reviews", "2021", RowFilter(year=2024), "city")
    assert [g.key for g in with_registry] == ["320800", "320900"]
    assert with_registry[1].reports == 0 and with_registry[1].coverage.expected == 1
    sums_only = aggregate(
        engine, "reviews", "2021", RowFilter(year=2024), "city", with_coverage=False
    )
    assert [g.key for g in sums_only] == ["320800"]
    assert sums_only[0].rows == with_registry[0].rows
    assert sums_only[0].coverage.expected == 0  # not computed
    years = aggregate(engine, "reviews", "2021", RowFilter(), "year", with_coverage=False)
    assert [(g.key, g.reports) for g in years] == [("2023", 1), ("2024", 1)]
