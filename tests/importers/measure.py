"""How many printed cells the importer reads equal to the print, over the fixture set of issue
11: every dataset report re-flowed into every shape, the fixtures of tests/data/importers/shapes/
and the real report texts whose figures are in datasets/.

    .venv/bin/python -m tests.importers.measure     # prints one line per source and the totals

A printed cell is one the text prints with a figure; it is read equal, read different (never
allowed), or left blank.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongkai.importers import ImportResult, import_file
from gongkai.package import read_package
from gongkai.validation import validate
from tests.importers.reflow import FORMAT, SHAPES, reflow, with_blanks
from tests.paths import DATA, DATASETS

SHAPE_FIXTURES = DATA / "importers" / "shapes"
# real report texts and the package holding the figures they print
REAL = {
    "huaian_city_2024.layout.txt": "huaian-city-2024",
    "huaian_city_2024.raw.txt": "huaian-city-2024",
    "hongze_district_2024.layout.txt": "hongze-district-2024",
    "suqian_city_2023_vs_2024.derived.txt": "suqian-city-2024",
}
TABLES = ("proactive", "applications", "reviews")
Tables = dict[str, list[dict[str, Any]]]


@dataclass
class Count:
    printed: int = 0
    equal: int = 0
    different: int = 0

    def add(self, other: Count) -> None:
        self.printed += other.printed
        self.equal += other.equal
        self.different += other.different

    @property
    def rate(self) -> float:
        return self.equal / self.printed if self.printed else 1.0


def figures(package: str) -> Tables:
    return validate(read_package(DATASETS / package)).tables


def compare(read: Tables, printed: Tables, truth: Tables | None = None) -> Count:
    """Printed cells read equal; and cells read different from the report's figure (`truth`,
    the package; by default what is printed), a figure where the report has none included."""
    truth = truth or printed
    count = Count()
    for table in TABLES:
        names = [f.name for f in FORMAT.table(table).value_fields]
        rows = zip(printed[table], read[table], truth[table], strict=True)
        for want, got, true in rows:
            for name in names:
                count.different += got[name] is not None and got[name] != true[name]
                if want[name] is not None:
                    count.printed += 1
                    count.equal += got[name] == want[name]
    return count


CUT_SHORT_PRINTS = 13  # 5-cut-short ends (page 4 of 淮安 2024) after 表三's 13th row


def fixture_printed(path: Path) -> Tables:
    """The figures a shape fixture prints: its package's, less those a cut-short page does
    not reach."""
    tables = figures(path.name.split(".")[1])
    if not path.name.startswith("5-cut-short"):
        return tables
    out: Tables = {t: [dict(r) for r in rows] for t, rows in tables.items()}
    for row in out["applications"][CUT_SHORT_PRINTS:]:
        row.update(dict.fromkeys(f.name for f in FORMAT.table("applications").value_fields))
    out["reviews"][0].update(dict.fromkeys(f.name for f in FORMAT.table("reviews").value_fields))
    return out


def sources() -> Iterator[tuple[str, ImportResult, Tables, Tables]]:
    """(name, what the importer read, the figures the text prints, the report's figures)."""
    for package in sorted(p.name for p in DATASETS.iterdir() if (p / "reports.csv").exists()):
        for blanks in (False, True):
            tables = with_blanks(figures(package)) if blanks else figures(package)
            for shape in SHAPES:
                text, printed = reflow(tables, shape)
                result = import_file(text.encode("utf-8"), filename=f"{package}.txt")
                how = "with empty cells, " if blanks else ""
                yield f"{package} re-flowed: {how}{shape.name}", result, printed, tables
    for path in sorted(SHAPE_FIXTURES.iterdir()):
        whole = figures(path.name.split(".")[1])
        yield f"shapes/{path.name}", import_file(path), fixture_printed(path), whole
    for name, package in REAL.items():
        tables = figures(package)
        yield name, import_file(DATA / "importers" / name), tables, tables


def measure() -> tuple[Count, list[tuple[str, Count]]]:
    total, lines = Count(), []
    for name, result, printed, truth in sources():
        count = compare(result.tables, printed, truth)
        total.add(count)
        lines.append((name, count))
    return total, lines


if __name__ == "__main__":
    total, lines = measure()
    for name, count in lines:
        print(f"{name}: {count.equal}/{count.printed} equal, {count.different} different")
    print(
        f"total: {total.printed} printed cells, {total.equal} read equal ({total.rate:.2%}), "
        f"{total.different} read different"
    )
