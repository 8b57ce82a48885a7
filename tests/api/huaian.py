"""淮安市人民政府 in the registry: the agency the API tests file for."""

from __future__ import annotations

from sqlalchemy import Engine

from gongkai.store.registry import load_agencies

HUAIAN = "320800-huaian-government"


def register_huaian(engine: Engine) -> None:
    load_agencies(
        engine,
        [
            {
                "agency_id": HUAIAN,
                "agency_name": "淮安市人民政府",
                "region_code": "320800",
                "level": "city",
                "scope": "government",
            }
        ],
    )
