"""`gongkai validate --engine columns` says exactly what `--engine rows` says: the same JSON
body and the same text, exit code included."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.defects import defective_packages
from click.testing import CliRunner

from gongkai.cli import main


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("packages")
    for source, files in defective_packages(seed=5, count=30):
        (root / source).mkdir()
        for name, data in files.items():
            (root / source / name).write_bytes(data)
    return root


@pytest.mark.parametrize("options", [["--json"], [], ["--lang", "en", "--verbose"]])
def test_both_engines_print_the_same(folder: Path, options: list[str]) -> None:
    runner = CliRunner()
    rows = runner.invoke(main, ["validate", str(folder), "--engine", "rows", *options])
    columns = runner.invoke(main, ["validate", str(folder), "--engine", "columns", *options])
    assert rows.exit_code == columns.exit_code == 1
    assert rows.output == columns.output
    assert "pkg-00029" in rows.output


def test_previous_packages_are_read_by_both(folder: Path) -> None:
    later = sorted(folder.glob("*-2024"))
    earlier = [p.with_name(p.name.replace("-2024", "-2023")) for p in later]
    assert later and all(p.exists() for p in earlier)
    runner = CliRunner()
    args = [str(later[0]), "--previous", str(earlier[0]), "--json"]
    rows = runner.invoke(main, ["validate", *args, "--engine", "rows"])
    columns = runner.invoke(main, ["validate", *args, "--engine", "columns"])
    assert rows.output == columns.output
