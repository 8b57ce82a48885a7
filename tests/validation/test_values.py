"""The typed rows a load stores equal the row engine's."""

from __future__ import annotations

import pytest

from conftest_db import DATASETS
from gongkai.package import package_from_files, read_package
from gongkai.standard import TABLE_NAMES
from gongkai.validation import validate
from gongkai.validation.values import PackageReader, TableReader


@pytest.mark.parametrize("folder", sorted(DATASETS.iterdir()), ids=lambda p: p.name)
def test_rows_are_the_row_engines(folder) -> None:  # type: ignore[no-untyped-def]
    result = validate(read_package(folder))
    reader = PackageReader()
    for table in TABLE_NAMES:
        assert (
            reader.rows(result.format, table, result.package.files[table]) == result.tables[table]
        )


def test_a_cell_that_does_not_read_is_refused() -> None:
    package = package_from_files(
        {"reviews.csv": (DATASETS / "huaian-city-2024" / "reviews.csv").read_bytes()}, "x"
    )
    lines = package.files["reviews"].decode().splitlines()
    broken = (lines[0] + "\n" + lines[1].replace(",", ",无,", 1).rsplit(",", 1)[0] + "\n").encode()
    with pytest.raises(ValueError, match="does not read"):
        TableReader("2021", "reviews").rows(broken)
