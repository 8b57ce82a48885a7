"""Filings for the agency page tests: the registry of examples/ and real packages of datasets/,
filed through the store as `gongkai load` files them; a correction is the same package with
one CSV line edited."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

from sqlalchemy import Engine

from conftest_db import DATASETS, ROOT
from gongkai.package import read_package
from gongkai.store.filings import Receipt, file_report, new_filing
from gongkai.store.registry import load_agencies
from gongkai.validation import validate

HUAIAN = "320800-huaian-government"
WUTONGQIAO = "511112-wutongqiao-transport-bureau"


def load_registry(engine: Engine) -> int:
    with (ROOT / "examples" / "agencies.csv").open(encoding="utf-8", newline="") as fh:
        return load_agencies(engine, list(csv.DictReader(fh)))


def file_dataset(
    engine: Engine, name: str | Path, edits: dict[str, dict[str, str]] | None = None
) -> Receipt:
    """File datasets/<name> (or the package folder `name`); `edits` sets cells of the first
    data row: {table: {column: text}} ("" makes a cell blank)."""
    package = read_package(name if isinstance(name, Path) else DATASETS / name)
    if edits:
        files = dict(package.files)
        for table, cells in edits.items():
            files[table] = _edit_first_row(files[table], cells)
        package = dataclasses.replace(package, files=files)
    result = validate(package)
    assert result.valid, [i.to_dict("zh") for i in result.errors]
    return file_report(engine, new_filing(result))


def _edit_first_row(data: bytes, cells: dict[str, str]) -> bytes:
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    rows[0].update(cells)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
