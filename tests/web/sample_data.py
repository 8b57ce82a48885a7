"""The sample data of `make run` (examples/agencies.csv and datasets/), loaded through the
library as `gongkai agencies load` and `gongkai load` do."""

from __future__ import annotations

import csv
from functools import cache

from sqlalchemy import Engine

from gongkai.package import read_package
from gongkai.store.filings import NewFiling, file_report, new_filing
from gongkai.store.registry import load_agencies
from gongkai.validation import validate
from tests.paths import DATASETS, ROOT


@cache
def _sample_filings() -> tuple[NewFiling, ...]:
    """Validated once per test run (validation is the slow part)."""
    filings = []
    for folder in sorted(DATASETS.iterdir()):
        result = validate(read_package(folder))
        assert result.valid, folder
        filings.append(new_filing(result))
    return tuple(filings)


def load_samples(engine: Engine) -> None:
    with (ROOT / "examples" / "agencies.csv").open(encoding="utf-8") as registry:
        load_agencies(engine, list(csv.DictReader(registry)))
    for filing in _sample_filings():
        file_report(engine, filing)
