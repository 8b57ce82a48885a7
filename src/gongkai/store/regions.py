"""Names of GB/T 2260 region codes, for the groups of aggregates and for coverage.

Province-level names are the 34 divisions of GB/T 2260 (unchanged since 1997). Below that,
a region is named after the people's government (人民政府) the registry lists for its code:
the registry is the dataset an operator already keeps current, and it covers exactly the
regions that are counted. A code with no registered government has no name (null).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Engine, select

from gongkai.store.tables import agencies

PROVINCES = {
    "110000": "北京市",
    "120000": "天津市",
    "130000": "河北省",
    "140000": "山西省",
    "150000": "内蒙古自治区",
    "210000": "辽宁省",
    "220000": "吉林省",
    "230000": "黑龙江省",
    "310000": "上海市",
    "320000": "江苏省",
    "330000": "浙江省",
    "340000": "安徽省",
    "350000": "福建省",
    "360000": "江西省",
    "370000": "山东省",
    "410000": "河南省",
    "420000": "湖北省",
    "430000": "湖南省",
    "440000": "广东省",
    "450000": "广西壮族自治区",
    "460000": "海南省",
    "500000": "重庆市",
    "510000": "四川省",
    "520000": "贵州省",
    "530000": "云南省",
    "540000": "西藏自治区",
    "610000": "陕西省",
    "620000": "甘肃省",
    "630000": "青海省",
    "640000": "宁夏回族自治区",
    "650000": "新疆维吾尔自治区",
    "710000": "台湾省",
    "810000": "香港特别行政区",
    "820000": "澳门特别行政区",
}
GOVERNMENT = "人民政府"


def region_names(engine: Engine, codes: Iterable[str]) -> dict[str, str | None]:
    """Each code's name, or None when neither GB/T 2260's provinces nor the registry know it."""
    wanted = {c for c in codes if c}
    names: dict[str, str | None] = {c: PROVINCES.get(c) for c in wanted}
    unknown = [c for c in wanted if names[c] is None]
    if unknown:
        query = (
            select(agencies.c.region_code, agencies.c.agency_name)
            .where(agencies.c.scope == "government", agencies.c.region_code.in_(unknown))
            .order_by(agencies.c.agency_id)
        )
        with engine.connect() as conn:
            for code, agency_name in conn.execute(query):
                if names[code] is None and agency_name.endswith(GOVERNMENT):
                    names[code] = agency_name.removesuffix(GOVERNMENT) or None
    return names
