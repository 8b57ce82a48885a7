"""What the aggregate form offers: the registry's regions named by their governments, and
the years with current filings."""

from __future__ import annotations

from sqlalchemy import Engine

from conftest_db import report_tables
from gongkai.store.choices import filed_years, registry_regions
from gongkai.store.filings import NewFiling, file_report
from gongkai.store.registry import load_agencies


def _agency(agency_id: str, name: str, region: str, scope: str) -> dict:
    level = "city" if region.endswith("00") else "county"
    return {
        "agency_id": agency_id,
        "agency_name": name,
        "region_code": region,
        "level": level,
        "scope": scope,
    }


def test_regions_named_by_their_governments(engine: Engine) -> None:
    load_agencies(
        engine,
        [
            _agency("320800-education", "淮安市教育局", "320800", "agency"),
            _agency("320800-government", "淮安市人民政府", "320800", "government"),
            _agency("320813-education", "淮安市洪泽区教育局", "320813", "agency"),
        ],
    )
    assert registry_regions(engine) == {"320800": "淮安市人民政府", "320813": None}


def test_years_with_filings_latest_first(engine: Engine) -> None:
    assert filed_years(engine) == []
    for year in (2022, 2024, 2023):
        tables = report_tables("320813-a-agency", year, region_code="320813")
        load_agencies(engine, [tables["reports"][0]])
        sha = str(year).ljust(64, "0")
        file_report(engine, NewFiling("320813-a-agency", year, "2021", sha, {}, tables))
    assert filed_years(engine) == [2024, 2023, 2022]
