"""A small stored slice for the export tests, and the comparison of a Parquet file with the
CSV of the same slice, cell for cell."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import Engine

from conftest_db import registry_row, report_tables
from gongkai.package import format_cell, read_package, write_package
from gongkai.store.filings import file_report, new_filing
from gongkai.store.registry import load_agencies
from gongkai.validation import validate

YEAR = 2024
# agency, region, level, scope, blank proactive cells, fees_amount (万元) when not blank
AGENCIES = [
    ("320813-pq-education", "320813", "county", "agency", (), Decimal("96171.6")),
    ("320813-pq-transport", "320813", "county", "agency", ("fees_amount",), None),
    ("320803-pq-police", "320803", "county", "agency", ("penalty_decisions",), Decimal("0.0001")),
    ("320800-pq-government", "320800", "city", "government", (), Decimal("999999999.9999")),
    ("321300-pq-health", "321300", "city", "agency", (), Decimal("12")),
]
SOURCE_URL = 'https://example.org/report?a=1,b="2"'  # a comma and quotes, as text may hold


def file_slice(engine: Engine, folder: Path) -> None:
    """Files the reports above for YEAR: blanks, decimals at both ends of their range, a date,
    a URL that needs quoting in CSV."""
    for agency_id, region, level, scope, blanks, fees in AGENCIES:
        tables = report_tables(
            agency_id,
            YEAR,
            region_code=region,
            level=level,
            scope=scope,
            blank_proactive=blanks,
            published_on="2025-01-20" if region == "320813" else None,
        )
        if fees is not None:
            tables["proactive"][0]["fees_amount"] = fees
        tables["reports"][0]["source_url"] = SOURCE_URL if level == "city" else None
        load_agencies(engine, [registry_row(tables)])
        result = validate(read_package(write_package(folder / agency_id, tables, "2021")))
        assert result.valid, [i.to_dict("en") for i in result.errors]
        file_report(engine, new_filing(result))


def parquet_rows(path: Path) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The column names and rows of a Parquet file, as DuckDB reads it."""
    with duckdb.connect() as con:
        relation = con.sql(f"SELECT * FROM read_parquet('{path}')")
        return relation.columns, relation.fetchall()


def parquet_types(path: Path) -> dict[str, tuple[str, str | None]]:
    """column -> (physical type, logical or converted type) of a Parquet file."""
    with duckdb.connect() as con:
        rows = con.execute(
            "SELECT name, type, coalesce(converted_type, logical_type) "
            f"FROM parquet_schema('{path}') WHERE type IS NOT NULL"
        ).fetchall()
    return {name: (kind, logical) for name, kind, logical in rows}


def assert_same_cells(parquet: Path, csv_text: str) -> int:
    """The Parquet file holds what the CSV holds, in the same order, cell for cell: the same
    columns, a blank cell NULL (never 0 nor ""), a figure the same number; returns the rows."""
    columns, rows = parquet_rows(parquet)
    table = list(csv.reader(io.StringIO(csv_text)))
    assert columns == table[0]
    assert len(rows) == len(table) - 1
    for number, (typed, text) in enumerate(zip(rows, table[1:], strict=True), start=2):
        for column, value, cell in zip(columns, typed, text, strict=True):
            where = f"line {number}, {column}"
            assert (value is None) == (cell == ""), where
            if isinstance(value, Decimal):
                assert value == Decimal(cell), where
            assert format_cell(value) == cell, where
    return len(rows)
