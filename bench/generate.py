"""Generate report packages (2021 format) at scale for benchmarks.

    python bench/generate.py OUT_DIR --count N [--broken-share 0.1] [--seed 1] [--year 2024]
                             [--registry] [--flat]
    python bench/generate.py OUT_DIR --no-packages --registry [--agencies 150000]

Default: N folders OUT_DIR/pkg-000000 … , each a report package laid out like datasets/
(datapackage.json with the schemas of schemas/2021/ inlined, reports.csv, proactive.csv,
applications.csv, reviews.csv). The figures are random but every rule of schemas/2021/rules.json
holds (t3-row-total, t3-results-total, t3-balance, t4-total; agency ids pass the GB 32100 check);
continuity with earlier years is not considered.

--broken-share S   that share of the packages (spread evenly) gets exactly one defect, cycling
                   through: t3-row-total (the total of the 予以公开 row is one too high, which
                   also breaks t3-results-total of the total column: every 表三 cell belongs to a
                   column identity), t4-total (review_total one too high), type-error ("无" as
                   licensing_decisions), constraint-error (normative_repealed = -1), table-shape
                   (the declined_excessive row, generated as zeros, is missing).
                   OUT_DIR/manifest.csv lists every package: folder, agency_id, defect (blank
                   when the package is valid).
--registry         also write OUT_DIR/agencies.csv (STANDARD.md §2.5): every generated agency,
                   the governments they report through, and ~5% more agencies that did not file.
--no-packages      write only the registry, of --agencies rows (default 150000).
--flat             write ONE package in OUT_DIR instead of folders: a national collection, the
                   same schemas with all agencies' rows concatenated (for bulk loading).

Agency ids are valid 统一社会信用代码: "11", a 6-digit region code, 9 characters, a check character.
Region codes follow the GB/T 2260 layout over the real province prefixes; below the province the
codes and names are synthetic (except a few real ones), so they are clearly example data.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import sys
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path

from gongkai.identifiers import uscc_check_char
from gongkai.standard import TABLE_NAMES as TABLES
from gongkai.standard import load_standard

FORMAT = load_standard().format("2021")
SCHEMAS = {t: FORMAT.table(t).descriptor for t in TABLES}
HEADERS = {t: FORMAT.table(t).field_names for t in TABLES}
ITEMS: list[str] = FORMAT.table("applications").item_codes
RESULTS = ITEMS[2:23]  # 予以公开 … （六）其他处理 3.其他
# Shares of the 21 result rows, in the order of RESULTS.
RESULT_WEIGHTS = [
    40,
    12,
    0.5,
    1,
    0.5,
    1,
    0.5,
    0.5,
    1,
    1,
    25,
    1,
    0.5,
    3,
    1,
    0.2,
    0.5,
    0.2,
    2,
    0.5,
    5,
]
DROPPED_ITEM = "declined_excessive"
DEFECTS = ("t3-row-total", "t4-total", "type-error", "constraint-error", "table-shape")
RESOURCES_JSON = json.dumps(
    [
        {"name": t, "path": f"{t}.csv", "format": "csv", "encoding": "utf-8", "schema": SCHEMAS[t]}
        for t in TABLES
    ],
    ensure_ascii=False,
)


def uscc(first17: str) -> str:
    """Append the GB 32100 check character to the first 17 characters of a code."""
    return first17 + (uscc_check_char(first17) or "")


assert uscc("11371000004359010") == "11371000004359010J"
assert uscc("11371082004363781") == "11371082004363781R"

PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
    "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
    "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
}  # fmt: skip
REAL_NAMES = {
    "320800": "淮安市", "320813": "淮安市洪泽区", "321300": "宿迁市", "321302": "宿迁市宿城区",
    "371000": "威海市", "511100": "乐山市", "511112": "乐山市五通桥区",
}  # fmt: skip
SYLLABLES = "安平清河东西南新宁阳山城江湖桥泉丰兴长永龙华明德"
DEPARTMENTS = [
    "发展和改革委员会", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局",
    "财政局", "人力资源和社会保障局", "自然资源和规划局", "生态环境局", "住房和城乡建设局",
    "交通运输局", "水利局", "农业农村局", "商务局", "文化广电和旅游局", "卫生健康委员会",
    "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局", "林业局",
    "体育局", "信访局", "数据局", "城市管理局", "人民政府办公室",
]  # fmt: skip
MINISTRIES = ["教育部", "公安部", "民政部", "司法部", "财政部", "自然资源部", "交通运输部"]
TOWNSHIPS = 20  # sub-districts per county
CITIES, COUNTIES = 15, 15  # per province, per city


def region_name(code: str) -> str:
    """A real name for a few codes, otherwise a made-up one, unique per code."""
    if code in REAL_NAMES:
        return REAL_NAMES[code]
    if code[2:] == "0000":
        return PROVINCES[code[:2]]
    city, county = int(code[2:4]), int(code[4:])
    if county == 0:
        k = list(PROVINCES).index(code[:2]) * CITIES + city - 1
        return SYLLABLES[k // 23] + SYLLABLES[k % 23] + "市"
    made = SYLLABLES[(county + 3) % 23] + SYLLABLES[county * 5 % 23]
    return region_name(code[:4] + "00") + made + ("区" if county % 3 == 0 else "县")


def level_of(code: str) -> str:
    if code == "100000":
        return "national"
    return "province" if code[2:] == "0000" else "city" if code[4:] == "00" else "county"


def agency_pool(rng: random.Random) -> list[tuple[str, str, str, str]]:
    """Every possible agency as (region_code, name, level, scope), shuffled."""
    pool = [("100000", name, "national", "agency") for name in MINISTRIES]
    for p in PROVINCES:
        regions = [f"{p}0000"] + [f"{p}{c:02d}00" for c in range(1, CITIES + 1)]
        regions += [
            f"{p}{c:02d}{k:02d}" for c in range(1, CITIES + 1) for k in range(1, COUNTIES + 1)
        ]
        for code in regions:
            name, level = region_name(code), level_of(code)
            pool.append((code, name + "人民政府", level, "government"))
            suffix = "厅" if level == "province" else "局"
            pool += [(code, name + d.replace("局", suffix), level, "agency") for d in DEPARTMENTS]
            if level == "county":
                streets = [
                    f"{name}{SYLLABLES[t]}{SYLLABLES[-t - 1]}街道办事处" for t in range(TOWNSHIPS)
                ]
                pool += [(code, street, "township", "agency") for street in streets]
    rng.shuffle(pool)
    return pool


def government_id(region: str) -> str:
    return uscc(f"11{region}00{region}0")


def agency_id(index: int, region: str, scope: str) -> str:
    if scope == "government":
        return government_id(region)
    return uscc(f"11{region}{10**8 + index * 48271 % 10**8}")  # unique body for index < 1e8


def split(total: int, weights: list[float], rng: random.Random) -> list[int]:
    """Random non-negative integers, roughly in proportion to weights, summing to total."""
    if total == 0:
        return [0] * len(weights)
    shares = [w * rng.random() for w in weights]
    scale = total / (sum(shares) or 1)
    counts = [int(s * scale) for s in shares]
    counts[0] += total - sum(counts)
    return counts


def draw(mean: float, rng: random.Random) -> int:
    return int(rng.expovariate(1 / mean)) if mean > 0 else 0


SCALE = {"national": 300, "province": 60, "city": 20, "county": 6, "township": 1}


def figures(agency: tuple[str, str, str, str, str], year: int, rng: random.Random, drop: bool):
    """The rows of one consistent report: reports, proactive, applications, reviews."""
    aid, region, name, level, scope = agency
    scale = SCALE[level] * (25 if scope == "government" else 1)
    deadline = 89 if scope == "government" else 30
    published = date(year + 1, 1, 1) + timedelta(days=rng.randint(0, deadline))
    report = [aid, year, name, region, level, scope, "2021", published.isoformat(), ""]

    rule_maker = scope == "government" and level in ("province", "city")
    issued, repealed = (rng.randint(0, 3), rng.randint(0, 2)) if rule_maker else (0, 0)
    n_issued, n_repealed = draw(scale / 2, rng), draw(scale / 4, rng)
    fees = rng.expovariate(1 / (scale * 50)) if rng.random() < 0.7 else 0.0
    fees_text = f"{fees:.4f}".rstrip("0").rstrip(".")  # 万元, up to 4 decimals
    proactive = [
        aid, year, issued, repealed, issued + rng.randint(0, 30) if rule_maker else 0,
        n_issued, n_repealed, n_issued + draw(scale * 5, rng),
        draw(scale * 200, rng), draw(scale * 100, rng), draw(scale * 5, rng), fees_text,
    ]  # fmt: skip

    weights = list(RESULT_WEIGHTS)
    if drop:
        weights[RESULTS.index(DROPPED_ITEM)] = 0
    means = (scale, scale / 20, scale / 400, scale / 200, scale / 40, scale / 80)
    columns = []  # per applicant column: 25 values in ITEMS order
    for mean in means:
        new = draw(mean, rng)
        over = int(new * rng.random() * 0.06)
        forward = int((new + over) * rng.random() * 0.06)
        results = split(new + over - forward, weights, rng)
        columns.append([new, over, *results, new + over - forward, forward])
    applications = [
        [aid, year, item, *(col[i] for col in columns), sum(col[i] for col in columns)]
        for i, item in enumerate(ITEMS)
    ]

    reviews = [aid, year]
    for mean in (scale / 30, scale / 60, scale / 80):
        parts = [draw(mean, rng) for _ in range(4)]
        reviews += [*parts, sum(parts)]
    return report, proactive, applications, reviews


def break_package(defect: str, proactive: list, applications: list, reviews: list) -> list:
    """Apply one known defect in place; return the applications rows to write."""
    if defect == "t3-row-total":
        row = applications[ITEMS.index("granted")]
        row[-1] += 1
    elif defect == "t4-total":
        reviews[HEADERS["reviews"].index("review_total")] += 1
    elif defect == "type-error":
        proactive[HEADERS["proactive"].index("licensing_decisions")] = "无"
    elif defect == "constraint-error":
        proactive[HEADERS["proactive"].index("normative_repealed")] = -1
    elif defect == "table-shape":
        return [r for r in applications if r[2] != DROPPED_ITEM]
    return applications


def descriptor(name: str, title: str) -> str:
    head = json.dumps({"name": name, "title": title}, ensure_ascii=False)[:-1]
    return f'{head}, "resources": {RESOURCES_JSON}}}\n'


def write_csv(path: Path, table: str, rows: list) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADERS[table])
        writer.writerows(rows)


def defect_for(index: int, share: float, counter: list[int]) -> str:
    """Spread the broken packages evenly; cycle through DEFECTS."""
    if math.floor((index + 1) * share) <= math.floor(index * share):
        return ""
    counter[0] += 1
    return DEFECTS[(counter[0] - 1) % len(DEFECTS)]


def write_registry(path: Path, agencies: list[tuple[str, str, str, str, str]]) -> None:
    ids = {a[0] for a in agencies}
    governments = {a[1]: a[0] for a in agencies if a[4] == "government"}
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["agency_id", "agency_name", "region_code", "level", "scope", "parent_id"])
        for aid, region, name, level, scope in agencies:
            if scope == "government":
                up = region[:4] + "00" if level == "county" else region[:2] + "0000"
                parent = governments.get(up, "") if level != "province" else ""
            else:
                parent = governments.get(region, "")
            writer.writerow([aid, name, region, level, scope, parent if parent in ids else ""])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--count", type=int, default=0, help="number of report packages")
    parser.add_argument("--broken-share", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--registry", action="store_true", help="also write agencies.csv")
    parser.add_argument("--no-packages", action="store_true", help="write only the registry")
    parser.add_argument(
        "--agencies", type=int, default=150_000, help="registry size (--no-packages)"
    )
    parser.add_argument("--flat", action="store_true", help="one national package, not folders")
    args = parser.parse_args(argv)
    if args.year < 2021:
        parser.error("--year must be 2021 or later (the 2021 format)")
    if not 0 <= args.broken_share <= 1:
        parser.error("--broken-share must be between 0 and 1")
    if args.no_packages and not args.registry:
        parser.error("--no-packages needs --registry")
    if not args.no_packages and args.count <= 0:
        parser.error("--count N (N > 0) is required unless --no-packages")

    rng = random.Random(args.seed)
    pool = agency_pool(rng)
    filers = 0 if args.no_packages else args.count
    wanted = args.agencies if args.no_packages else filers + math.ceil(filers * 0.05)
    if wanted > len(pool):
        parser.error(f"at most {len(pool)} distinct agencies can be generated")
    agencies = [
        (agency_id(i, region, scope), region, name, level, scope)
        for i, (region, name, level, scope) in enumerate(pool[:wanted])
    ]
    out: Path = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    if args.registry:
        write_registry(out / "agencies.csv", agencies)
    if args.no_packages:
        return 0

    manifest, counter = [], [0]
    with ExitStack() as stack:
        flat = {}
        if args.flat:
            title = f"全国政府信息公开工作年度报告汇总 {args.year}年（生成的基准数据）"
            (out / "datapackage.json").write_text(
                descriptor(f"national-{args.year}", title), "utf-8"
            )
            for table in TABLES:
                f = stack.enter_context(
                    open(out / f"{table}.csv", "w", encoding="utf-8", newline="")
                )
                flat[table] = csv.writer(f, lineterminator="\n")
                flat[table].writerow(HEADERS[table])
        for i, agency in enumerate(agencies[:filers]):
            defect = defect_for(i, args.broken_share, counter)
            report, proactive, applications, reviews = figures(
                agency, args.year, rng, drop=defect == "table-shape"
            )
            applications = break_package(defect, proactive, applications, reviews)
            folder = "." if args.flat else f"pkg-{i:06d}"
            manifest.append([folder, agency[0], defect])
            if args.flat:
                flat["reports"].writerow(report)
                flat["proactive"].writerow(proactive)
                flat["applications"].writerows(applications)
                flat["reviews"].writerow(reviews)
                continue
            target = out / folder
            target.mkdir(exist_ok=True)
            title = f"{agency[2]} {args.year}年政府信息公开工作年度报告"
            (target / "datapackage.json").write_text(descriptor(folder, title), "utf-8")
            write_csv(target / "reports.csv", "reports", [report])
            write_csv(target / "proactive.csv", "proactive", [proactive])
            write_csv(target / "applications.csv", "applications", applications)
            write_csv(target / "reviews.csv", "reviews", [reviews])
    with open(out / "manifest.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["folder", "agency_id", "defect"])
        writer.writerows(manifest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
