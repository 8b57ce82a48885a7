"""The columnar executor finds exactly what the row engine finds: the same issues (code,
severity, resource, row, item, field, expected, found, cells, rule and message, and the report
each belongs to), in the same order, for packages with random defects of every class, one
report or many, continuity within a package, across packages, across batches and against
--previous packages."""

from __future__ import annotations

from collections import Counter

from bench.defects import defective_packages

from gongkai.package import ReportPackage, package_from_files
from gongkai.standard import load_standard
from gongkai.validation import ValidationResult, validate_many
from gongkai.validation.columnar import validate_columnar
from tests.paths import DATASETS


def _packages(seed: int, count: int) -> list[ReportPackage]:
    return [package_from_files(files, source) for source, files in defective_packages(seed, count)]


def _issues(result: ValidationResult) -> list[str]:
    # the report a finding belongs to (Issue.report) is said alike too
    return [repr((sorted(issue.to_dict().items()), issue.report)) for issue in result.issues]


def _disagreements(rows: list[ValidationResult], columns: list[ValidationResult]) -> list[str]:
    assert [r.package.source for r in rows] == [c.package.source for c in columns]
    found = []
    for row, column in zip(rows, columns, strict=True):
        if _issues(row) != _issues(column):
            only_rows = Counter(_issues(row)) - Counter(_issues(column))
            only_columns = Counter(_issues(column)) - Counter(_issues(row))
            found.append(f"{row.package.source}: rows {only_rows} columns {only_columns}")
        assert row.valid == column.valid
        assert row.format == column.format
        assert sorted(row.reports) == sorted(column.reports)
    return found


def test_both_executors_find_the_same_issues_in_packages_with_random_defects() -> None:
    packages = _packages(seed=7, count=240)
    counts: dict[str, int] = {}
    columns = list(validate_columnar(packages, batch_size=37, counts=counts))
    rows = validate_many(packages)
    assert _disagreements(rows, columns) == []
    # The test means something only if the defects were there and both paths were taken.
    found = Counter(i.code for r in rows for i in r.issues)
    rule_ids = {rule["id"] for rule in load_standard().format("2021").rules}
    wanted = rule_ids | {"type-error", "constraint-error", "primary-key", "foreign-key",
                         "incomplete", "descriptor-schema", "incorrect-label",
                         "nothing-reported"}  # fmt: skip
    assert wanted <= set(found), wanted - set(found)
    assert sum(not r.valid for r in rows) > 100
    assert sum(r.valid for r in rows) > 20
    assert counts["columns"] > 180 and counts["rows"] > 10


def test_previous_packages_only_supply_last_years_reports() -> None:
    packages = _packages(seed=11, count=60)
    earlier = [p for p in packages if p.source.endswith("-2023")]
    later = [p for p in packages if p not in earlier]
    assert earlier
    columns = list(validate_columnar(later, previous=earlier))
    rows = validate_many(later, previous=validate_many(earlier))
    assert _disagreements(rows, columns) == []
    assert any(i.code.endswith("continuity") for r in rows for i in r.issues)


def test_the_datasets_validate_alike() -> None:
    from gongkai.package import read_package

    packages = [read_package(p) for p in sorted(DATASETS.iterdir()) if p.is_dir()]
    counts: dict[str, int] = {}
    columns = list(validate_columnar(packages, counts=counts))
    assert _disagreements(validate_many(packages), columns) == []
    assert counts == {"columns": len(packages)}
