"""How the pages name regions and groups: provinces from GB/T 2260, the rest from the
registry (the name of the area's people's government, e.g. 320800 淮安市人民政府 -> 淮安市)."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.identifiers import region_level_prefix

# GB/T 2260 province-level divisions (first two digits), and 100000 for the State Council.
PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
    "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
    "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省",
    "64": "宁夏回族自治区", "65": "新疆维吾尔自治区", "71": "台湾省",
    "81": "香港特别行政区", "82": "澳门特别行政区",
}  # fmt: skip
NATIONAL = "100000"
GOVERNMENT_SUFFIX = "人民政府"
LEVEL_NAMES = {
    "national": ("国务院部门", "State Council departments"),
    "province": ("省级", "province level"),
    "city": ("市级", "city level"),
    "county": ("县级", "county level"),
    "township": ("乡镇级", "township level"),
}


@dataclass(frozen=True)
class RegionOption:
    code: str
    name: str | None
    depth: int  # 0 province, 1 city, 2 county: for indenting the select

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}" if self.name else self.code


def region_depth(code: str) -> int:
    return {2: 0, 4: 1}.get(len(region_level_prefix(code)), 2)


class RegionNames:
    """Names for the region codes of one registry (see gongkai.store.choices)."""

    def __init__(self, registry: dict[str, str | None]) -> None:
        self._governments = registry

    def name(self, code: str) -> str | None:
        if code == NATIONAL:
            return "全国"
        government = self._governments.get(code)
        if government:
            return government.removesuffix(GOVERNMENT_SUFFIX) or government
        if code.endswith("0000"):
            return PROVINCES.get(code[:2])
        return None

    def label(self, code: str) -> str:
        name = self.name(code)
        return f"{name}（{code}）" if name else code

    def options(self) -> list[RegionOption]:
        """The registry's regions and the province and city each lies in, in code order."""
        codes: set[str] = set()
        for code in self._governments:
            if code == NATIONAL:
                continue
            codes |= {code[:2] + "0000", code[:4] + "00", code}
        return [RegionOption(c, self.name(c), region_depth(c)) for c in sorted(codes)]


def group_label(by: str, key: str, names: RegionNames, lang: str, *, short: bool = False) -> str:
    """How a group of an aggregate is named on the page (`short`: without the code, for a
    chart's axis, where the code is known)."""
    if by in ("province", "city", "county"):
        return (names.name(key) or key) if short else names.label(key)
    if by == "level":
        zh, en = LEVEL_NAMES.get(key, (key, key))
        return en if lang == "en" else zh
    return key if lang == "en" else f"{key}年"
