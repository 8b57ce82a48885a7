"""`gongkai export` reads the service's database (both kinds) and writes a slice as CSV or
Parquet: a table, a package folder or a package zip; clear errors and nothing half-written."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine

from gongkai.cli import main
from gongkai.standard import TABLE_NAMES
from slices import AGENCIES, YEAR, assert_same_cells, file_slice, parquet_rows


@pytest.fixture
def filed(engine: Engine, tmp_path: Path) -> None:
    file_slice(engine, tmp_path / "packages")


def _export(engine: Engine, *args: str) -> Result:
    env = {"GONGKAI_DATABASE_URL": engine.info_url}  # type: ignore[attr-defined]
    return CliRunner().invoke(main, ["export", "--year", str(YEAR), *args], env=env)


def test_a_table_as_parquet_and_as_csv(engine: Engine, filed: None, tmp_path: Path) -> None:
    for table in TABLE_NAMES:
        parquet, csv = tmp_path / f"{table}.parquet", tmp_path / f"{table}.csv"
        done = _export(engine, "--table", table, "--format", "parquet", "-o", str(parquet))
        assert done.exit_code == 0, done.output
        assert f"{table}: {len(parquet_rows(parquet)[1]):,} rows" in done.stderr
        assert done.stderr.startswith("database: ")
        assert _export(engine, "--table", table, "-o", str(csv)).exit_code == 0
        rows = len(AGENCIES) * (25 if table == "applications" else 1)
        assert assert_same_cells(parquet, csv.read_text(encoding="utf-8")) == rows
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == sorted(
        f"{t}.{s}" for t in TABLE_NAMES for s in ("csv", "parquet")
    )  # nothing left beside them


def test_a_slice_with_items(engine: Engine, filed: None, tmp_path: Path) -> None:
    out = tmp_path / "t3.parquet"
    args = ["--region", "320800", "--table", "applications", "--format", "parquet"]
    done = _export(engine, *args, "--item", "granted,withheld_internal", "-o", str(out))
    assert done.exit_code == 0, done.output
    columns, rows = parquet_rows(out)
    assert columns[:3] == ["agency_id", "year", "item"]
    assert {(r[0], r[2]) for r in rows} == {
        (a, item)
        for a, region, *_ in AGENCIES
        if region.startswith("3208")
        for item in ("granted", "withheld_internal")
    }


def test_a_package_folder_and_zip(engine: Engine, filed: None, tmp_path: Path) -> None:
    folder = tmp_path / "jiangsu-2024"
    done = _export(engine, "--format", "parquet", "--output", str(folder))
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["datapackage.json", *(f"{t}.parquet" for t in TABLE_NAMES)]
    )
    meta = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in meta["resources"]] == [f"{t}.parquet" for t in TABLE_NAMES]
    assert {r["format"] for r in meta["resources"]} == {"parquet"}
    zipped = tmp_path / "jiangsu-2024.zip"
    assert _export(engine, "-o", str(zipped)).exit_code == 0
    with zipfile.ZipFile(zipped) as archive:
        assert json.loads(archive.read("datapackage.json"))["licenses"] == meta["licenses"]
        for table in TABLE_NAMES:  # the zip's CSV holds what the folder's Parquet holds
            csv_text = io.TextIOWrapper(archive.open(f"{table}.csv"), encoding="utf-8").read()
            assert_same_cells(folder / f"{table}.parquet", csv_text)


def test_nothing_matched_is_said_and_writes_nothing(
    engine: Engine, filed: None, tmp_path: Path
) -> None:
    out = tmp_path / "x.zip"
    done = _export(engine, "--region", "110000", "-o", str(out))
    assert done.exit_code == 1
    assert "nothing matched: no 2021-format report filed for year 2024, region 110000" in (
        done.stderr
    )
    assert list(tmp_path.iterdir()) == [tmp_path / "packages"]


def test_bad_paths_and_options_exit_2(engine: Engine, filed: None, tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "a.txt").write_text("kept")
    cases = {
        ("-o", str(tmp_path / "missing" / "x.parquet"), "--table", "reports"): "is not a folder",
        ("-o", str(tmp_path / "full")): "is a folder that is not empty",
        ("-o", str(tmp_path / "full"), "--table", "reports"): "is a folder",
        ("-o", str(tmp_path / "x.csv"), "--item", "granted"): "only with --table applications",
        ("-o", str(tmp_path / "x.csv"), "--table", "applications", "--item", "x"): "unknown x",
        ("-o", str(tmp_path / "x.zip"), "--region", "32"): "6-digit region code",
    }
    for args, said in cases.items():
        done = _export(engine, *args)
        assert done.exit_code == 2 and said in done.stderr, (args, done.output)
    assert (tmp_path / "full" / "a.txt").read_text() == "kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full", "packages"]
