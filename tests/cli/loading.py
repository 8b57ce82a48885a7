"""Packages and collections for the tests of `gongkai load`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from sqlalchemy import Engine

from conftest_db import registry_row, report_tables
from gongkai.cli import main
from gongkai.package import write_package
from gongkai.standard import TABLE_NAMES
from gongkai.store.registry import load_agencies

Tables = dict[str, list[dict[str, Any]]]


def reports(count: int, year: int = 2024, seed: int = 0) -> list[Tables]:
    return [
        report_tables(f"320813-bulk-{i:03d}", year, region_code="320813", seed=seed)
        for i in range(count)
    ]


def register(engine: Engine, each: list[Tables]) -> None:
    load_agencies(engine, [registry_row(t) for t in each])


def write_collection(folder: Path, each: list[Tables]) -> Path:
    """One package holding every report's rows, as /export writes it."""
    joined = {name: [row for t in each for row in t[name]] for name in TABLE_NAMES}
    return write_package(folder, joined, "2021", title="a collection")


def load(engine: Engine, *args: str, env: dict[str, str] | None = None) -> Result:
    env = {"GONGKAI_DATABASE_URL": engine.info_url, **(env or {})}  # type: ignore[attr-defined]
    return CliRunner().invoke(main, ["load", *args], env=env, catch_exceptions=False)
