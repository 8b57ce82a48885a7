"""Report packages with random defects of every class, for holding the two executors together.

    from bench.defects import defective_packages
    for source, files in defective_packages(seed=1, count=300): ...

Each package starts as consistent reports from bench/generate.py (one report, a collection of
several agencies, or two consecutive years of one agency, in one package or split over two
packages in a row) and then gets zero to four defects drawn from DEFECTS: broken types and
constraints of every kind in the schemas, blanks (incomplete), each equation broken, every
table-shape finding, repeated and dangling keys, wrong check characters, a township making
规章, late publication, the wrong format for the year, broken continuity, a report of blanks
only (nothing-reported), and input only the
row engine reads (quotes, a wrong header, a ragged row, CRLF, a BOM, GB18030, a missing table,
a datapackage.json with another schema, a figure too large to sum in the engine).
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable, Iterator
from typing import Any

from bench.generate import HEADERS, ITEMS, SCHEMAS, agency_id, agency_pool, figures

from gongkai.standard import TABLE_NAMES

Tables = dict[str, list[list[Any]]]
VALUE_COLUMNS = {
    t: [i for i, n in enumerate(HEADERS[t]) if i >= 2 and n != "item"] for t in HEADERS
}
VALUE_COLUMNS["reports"] = []


def _cell(tables: Tables, rng: random.Random, table: str | None = None) -> tuple[list, int]:
    table = table or rng.choice(["proactive", "applications", "reviews"])
    row = rng.choice(tables[table])
    columns = [i for i in range(2, len(HEADERS[table])) if HEADERS[table][i] != "item"]
    return row, rng.choice(columns)


def _set_value(text: str) -> Callable[[Tables, random.Random], None]:
    def apply(tables: Tables, rng: random.Random) -> None:
        row, column = _cell(tables, rng)
        row[column] = text

    return apply


def _set_report(column: str, *values: Any) -> Callable[[Tables, random.Random], None]:
    def apply(tables: Tables, rng: random.Random) -> None:
        row = rng.choice(tables["reports"])
        row[HEADERS["reports"].index(column)] = rng.choice(values)

    return apply


def _blank_cells(tables: Tables, rng: random.Random) -> None:
    for _ in range(rng.randint(1, 4)):
        row, column = _cell(tables, rng)
        row[column] = ""


def _nudge(tables: Tables, rng: random.Random) -> None:
    """One figure one more: breaks one or more equations."""
    row, column = _cell(tables, rng)
    if isinstance(row[column], int):
        row[column] += rng.choice([1, 2, -1]) if row[column] > 2 else 1


def _fees(tables: Tables, rng: random.Random) -> None:
    rng.choice(tables["proactive"])[-1] = rng.choice(["1.23456", "12.5", "0.00001", "３"])


def _drop_item(tables: Tables, rng: random.Random) -> None:
    tables["applications"].remove(rng.choice(tables["applications"]))


def _repeat_item(tables: Tables, rng: random.Random) -> None:
    row = rng.choice(tables["applications"])
    tables["applications"].insert(rng.randrange(len(tables["applications"])), list(row))


def _unknown_item(tables: Tables, rng: random.Random) -> None:
    rng.choice(tables["applications"])[2] = rng.choice(["granted_x", "", "other", "GRANTED"])


def _repeat_row(table: str) -> Callable[[Tables, random.Random], None]:
    def apply(tables: Tables, rng: random.Random) -> None:
        row = list(rng.choice(tables[table]))
        if rng.random() < 0.3 and len(row) > 3:
            row[2] = "" if table != "reports" else row[2]
        tables[table].append(row)

    return apply


def _drop_row(table: str) -> Callable[[Tables, random.Random], None]:
    def apply(tables: Tables, rng: random.Random) -> None:
        tables[table].remove(rng.choice(tables[table]))

    return apply


def _dangling_key(tables: Tables, rng: random.Random) -> None:
    table = rng.choice(["proactive", "applications", "reviews"])
    row = rng.choice(tables[table])
    row[rng.choice([0, 1])] = rng.choice(["", "110000-other", 2019, "x"])


def _bad_key(tables: Tables, rng: random.Random) -> None:
    table = rng.choice(TABLE_NAMES)
    row = rng.choice(tables[table])
    row[1] = rng.choice(["", "1999", "二〇二四", "2024.0", "2101"])


def _check_char(tables: Tables, rng: random.Random) -> None:
    """A wrong check character, in every table of that report (no foreign-key error)."""
    old = rng.choice(tables["reports"])[0]
    if "-" in old:
        return
    wrong = next(c for c in "0123456789ABCDEFGHJK" if c != old[17])
    for rows in tables.values():
        for row in rows:
            if row[0] == old:
                row[0] = old[:17] + wrong


def _township(tables: Tables, rng: random.Random) -> None:
    report = rng.choice(tables["reports"])
    report[HEADERS["reports"].index("level")] = "township"
    for row in tables["proactive"]:
        if row[:2] == report[:2]:
            row[2], row[4] = rng.choice([(1, 1), (0, 2), ("", 3)])


def _late(tables: Tables, rng: random.Random) -> None:
    report = rng.choice(tables["reports"])
    year = report[1] if isinstance(report[1], int) else 2024
    report[7] = rng.choice([f"{year + 1}-02-01", f"{year + 1}-04-01", f"{year + 1}-03-31"])
    if rng.random() < 0.5:
        report[5] = "government"


def _carryover(tables: Tables, rng: random.Random) -> None:
    """Last year's carried_forward not carried over (with new_received adjusted, so only
    continuity breaks)."""
    years = {r[1] for r in tables["reports"] if isinstance(r[1], int)}
    rows = {(r[1], r[2]): r for r in tables["applications"]}
    last = max(years) if len(years) > 1 else None
    over, new = rows.get((last, "carried_over")), rows.get((last, "new_received"))
    column = rng.randrange(3, 10)
    if over and new and isinstance(over[column], int) and isinstance(new[column], int):
        over[column] += 1
        new[column] -= 1


def _balance(tables: Tables, rng: random.Random) -> None:
    """One more carried forward in one column, its row total kept right: only the 表三
    balance (new + carried over = results + carried forward) breaks."""
    row = rng.choice([r for r in tables["applications"] if r[2] == "carried_forward"] or [None])
    column = rng.randrange(3, 9)  # an applicant column; 9 is the row's total
    if row and isinstance(row[column], int) and isinstance(row[9], int):
        row[column] += 1
        row[9] += 1


def _nothing(tables: Tables, rng: random.Random) -> None:
    """Every figure of one report blank: a report that reports nothing."""
    key = rng.choice(tables["reports"])[:2]
    for table in ("proactive", "applications", "reviews"):
        for row in tables[table]:
            if row[:2] == key:
                for column in VALUE_COLUMNS[table]:
                    row[column] = ""


def _format_year(tables: Tables, rng: random.Random) -> None:
    rng.choice(tables["reports"])[6] = rng.choice(["2019", "2020", ""])


DEFECTS: dict[str, Callable[[Tables, random.Random], None]] = {
    "type-word": _set_value("无"),
    "type-decimal": _set_value("1.5"),
    "type-full-width": _set_value("１２"),
    "type-spaces": _set_value(" 7 "),
    "type-leading-zero": _set_value("007"),
    "type-plus": _set_value("+5"),
    "type-exponent": _set_value("1e3"),
    "type-only-spaces": _set_value("  "),
    "negative": _set_value("-1"),
    "blank": _blank_cells,
    "nudge": _nudge,
    "fees-decimals": _fees,
    "level-enum": _set_report("level", "town", "Province", ""),
    "scope-enum": _set_report("scope", "dept", ""),
    "name-short": _set_report("agency_name", "x", ""),
    "region-pattern": _set_report("region_code", "32080", "abcdef", ""),
    "date-invalid": _set_report("published_on", "2025-13-01", "2025/01/05", "昨天", ""),
    "url-invalid": _set_report("source_url", "not a url", "www.example.cn", "https://x.cn/a"),
    "drop-item": _drop_item,
    "repeat-item": _repeat_item,
    "unknown-item": _unknown_item,
    "repeat-proactive": _repeat_row("proactive"),
    "repeat-reviews": _repeat_row("reviews"),
    "repeat-reports": _repeat_row("reports"),
    "drop-proactive": _drop_row("proactive"),
    "drop-reviews": _drop_row("reviews"),
    "drop-reports": _drop_row("reports"),
    "dangling-key": _dangling_key,
    "bad-year": _bad_key,
    "check-char": _check_char,
    "township": _township,
    "late": _late,
    "format-year": _format_year,
    "carryover": _carryover,
    "balance": _balance,
    "nothing": _nothing,
}
# Input the column engine does not take in: the row engine validates these packages.
RAW_DEFECTS = ("quotes", "header", "ragged", "crlf", "bom", "gb18030", "no-table", "descriptor",
               "huge", "blank-row")  # fmt: skip


def _csv(table: str, rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS[table])
    writer.writerows(rows)
    return out.getvalue()


def _files(tables: Tables, raw_defect: str | None, rng: random.Random) -> dict[str, bytes]:
    texts = {t: _csv(t, tables[t]) for t in TABLE_NAMES}
    table = rng.choice(TABLE_NAMES)
    if raw_defect == "quotes":
        texts["reports"] = _csv(
            "reports", [[*r[:2], f"{r[2]},分局", *r[3:]] for r in tables["reports"]]
        )
    elif raw_defect == "header":
        texts[table] = texts[table].replace("year", "Year", 1)
    elif raw_defect == "ragged":
        lines = texts[table].split("\n")
        k = rng.randrange(1, max(len(lines) - 1, 2))  # a table of no rows gets a ragged one
        lines[k] = lines[k] + ",9" if rng.random() < 0.5 else lines[k].rsplit(",", 1)[0]
        texts[table] = "\n".join(lines)
    elif raw_defect == "crlf":
        texts[table] = texts[table].replace("\n", "\r\n")
    elif raw_defect == "blank-row":
        lines = texts[table].split("\n")
        lines.insert(rng.randrange(1, len(lines)), "," * (len(HEADERS[table]) - 1))
        texts[table] = "\n".join(lines)
    elif raw_defect == "huge":
        texts["applications"] = texts["applications"].replace(",0,", ",1" + "0" * 40 + ",", 1)
    files = {f"{t}.csv": text.encode("utf-8") for t, text in texts.items()}
    if raw_defect == "bom":
        files[f"{table}.csv"] = b"\xef\xbb\xbf" + files[f"{table}.csv"]
    elif raw_defect == "gb18030":
        files[f"{table}.csv"] = texts[table].encode("gb18030")
    elif raw_defect == "no-table":
        del files[f"{table}.csv"]
    if raw_defect == "descriptor" or rng.random() < 0.2:
        schemas = {t: json.loads(json.dumps(SCHEMAS[t])) for t in TABLE_NAMES}
        if raw_defect == "descriptor":
            schemas[table]["fields"][2]["type"] = "string"
        resources = [
            {"name": t, "path": f"{t}.csv", "format": "csv", "schema": schemas[t]}
            for t in TABLE_NAMES
        ]
        files["datapackage.json"] = json.dumps({"name": "p", "resources": resources}).encode()
    return files


def _reports(
    agencies: list[tuple[str, str, str, str, str]], years: list[int], rng: random.Random
) -> Tables:
    tables: Tables = {t: [] for t in TABLE_NAMES}
    for agency in agencies:
        carried: list[int] | None = None
        in_force: tuple[int, int] | None = None
        for year in years:
            report, proactive, applications, reviews = figures(agency, year, rng, drop=False)
            if carried is not None and in_force is not None and rng.random() < 0.8:
                # continuity from last year, as a consistent agency reports it
                over = applications[ITEMS.index("carried_over")]
                delta = [carried[i] - over[3 + i] for i in range(7)]
                for item in ("carried_over", "new_received"):
                    row = applications[ITEMS.index(item)]
                    sign = 1 if item == "carried_over" else -1
                    for i in range(7):
                        row[3 + i] += sign * delta[i]
                if all(isinstance(v, int) and v >= 0 for v in applications[0][3:]):
                    proactive[4] = in_force[0] + proactive[2] - proactive[3]
                    proactive[7] = in_force[1] + proactive[5] - proactive[6]
            carried = list(applications[ITEMS.index("carried_forward")][3:])
            in_force = (proactive[4], proactive[7])
            tables["reports"].append(report)
            tables["proactive"].append(proactive)
            tables["applications"] += applications
            tables["reviews"].append(reviews)
    return tables


def defective_packages(seed: int, count: int) -> Iterator[tuple[str, dict[str, bytes]]]:
    """`count` packages as (source, files) for gongkai.package.package_from_files."""
    rng = random.Random(seed)
    pool = agency_pool(rng)
    produced = 0
    while produced < count:
        picked = [pool[rng.randrange(len(pool))] for _ in range(rng.choice([1, 1, 1, 2, 4]))]
        agencies = [(agency_id(rng.randrange(10**7), r, s), r, n, lv, s) for r, n, lv, s in picked]
        years = [2023, 2024] if len(agencies) == 1 and rng.random() < 0.4 else [2024]
        tables = _reports(agencies, years, rng)
        names = rng.sample(sorted(DEFECTS), k=rng.choice([0, 1, 1, 2, 3, 4]))
        for name in names:
            if all(tables.values()):  # a table emptied by an earlier defect takes no more
                DEFECTS[name](tables, rng)
        raw = rng.choice(RAW_DEFECTS) if rng.random() < 0.15 else None
        if len(years) == 2 and rng.random() < 0.5 and produced + 1 < count:
            # the two years in two packages, one after the other
            for year in years:
                part = {t: [r for r in rows if r[1] == year or r[1] not in years]
                        for t, rows in tables.items()}  # fmt: skip
                yield f"pkg-{produced:05d}-{year}", _files(part, raw, rng)
            produced += 2
            continue
        yield f"pkg-{produced:05d}", _files(tables, raw, rng)
        produced += 1
