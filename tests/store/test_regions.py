"""Region names: GB/T 2260 provinces, else the registered people's government of the code."""

from __future__ import annotations

from sqlalchemy import Engine

from gongkai.store.regions import region_names
from gongkai.store.registry import load_agencies


def test_names_from_provinces_and_registered_governments(engine: Engine) -> None:
    load_agencies(
        engine,
        [
            {
                "agency_id": "320800-gov",
                "agency_name": "淮安市人民政府",
                "region_code": "320800",
                "level": "city",
                "scope": "government",
            },
            {  # a department names no region
                "agency_id": "321300-dept",
                "agency_name": "宿迁市人民政府办公室",
                "region_code": "321300",
                "level": "city",
                "scope": "agency",
            },
            {  # a government whose name is not "…人民政府" is not guessed from
                "agency_id": "320813-committee",
                "agency_name": "洪泽区管理委员会",
                "region_code": "320813",
                "level": "county",
                "scope": "government",
            },
        ],
    )
    assert region_names(engine, ["320000", "320800", "321300", "320813", "999999", ""]) == {
        "320000": "江苏省",
        "320800": "淮安市",
        "321300": None,
        "320813": None,
        "999999": None,
    }
