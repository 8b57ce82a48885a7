"""What a careless user or an attacker gives the command line: damaged zips, descriptors that
are no descriptor, symlink loops, unreadable files, devices and pipes. Each is one clear line
and exit 2 (`validate`, `import`) or listed and skipped (`load`), never a traceback."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine

from gongkai.cli import main
from tests import hostile

EXIT_UNREADABLE = 2


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def _unreadable(result: Result, *words: str) -> None:
    assert result.exit_code == EXIT_UNREADABLE, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, result.output


@pytest.mark.parametrize("name", sorted(hostile.DAMAGED_ZIPS))
def test_validate_a_damaged_zip_is_exit_2(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.zip"
    path.write_bytes(hostile.DAMAGED_ZIPS[name]())
    _unreadable(invoke("validate", str(path), "--lang", "en"), "is not a valid zip file", name)


@pytest.mark.parametrize("name", sorted(hostile.BAD_DESCRIPTORS))
def test_validate_a_descriptor_that_is_no_descriptor_is_exit_2(name: str, tmp_path: Path) -> None:
    folder = tmp_path / name
    folder.mkdir()
    for file_name, data in hostile.BAD_DESCRIPTORS[name]().items():
        (folder / file_name).write_bytes(data)
    _unreadable(
        invoke("validate", str(folder), "--lang", "en"), "datapackage.json", "cannot be read"
    )


def test_validate_a_symlink_loop_is_exit_2(tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(tmp_path / "loop")
    _unreadable(invoke("validate", str(loop), "--lang", "en"), "cannot be read")
    folder = tmp_path / "package"
    shutil.copytree(hostile.PACKAGE, folder)
    (folder / "reviews.csv").unlink()
    (folder / "reviews.csv").symlink_to(folder / "reviews.csv")
    _unreadable(invoke("validate", str(folder), "--lang", "en"), "cannot be read")


def test_validate_an_unreadable_table_is_exit_2(tmp_path: Path) -> None:
    folder = tmp_path / "package"
    shutil.copytree(hostile.PACKAGE, folder)
    (folder / "reviews.csv").unlink()
    (folder / "reviews.csv").mkdir()  # unreadable even for root
    _unreadable(invoke("validate", str(folder), "--lang", "en"), "not a regular file")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file of mode 000")
def test_validate_a_file_without_read_permission_is_exit_2(tmp_path: Path) -> None:
    folder = tmp_path / "package"
    shutil.copytree(hostile.PACKAGE, folder)
    (folder / "reviews.csv").chmod(0)
    _unreadable(invoke("validate", str(folder), "--lang", "en"), "cannot be read")


def _fifo(tmp_path: Path) -> Path:
    fifo = tmp_path / "report.zip"
    os.mkfifo(fifo)
    return fifo


@pytest.mark.parametrize("command", ["validate", "import"])
def test_a_device_or_a_pipe_is_never_read(command: str, tmp_path: Path) -> None:
    out = ["--output", str(tmp_path / "out")] if command == "import" else []
    for path in (Path("/dev/zero"), _fifo(tmp_path)):
        _unreadable(invoke(command, str(path), *out, "--lang", "en"), "not a regular file")


def test_load_lists_and_skips_a_corrupt_zip(engine: Engine, tmp_path: Path) -> None:
    env = {"GONGKAI_DATABASE_URL": engine.info_url}  # type: ignore[attr-defined]
    corrupt = tmp_path / "corrupt.zip"
    corrupt.write_bytes(hostile.zip_bad_crc())
    assert invoke("db", "upgrade", env=env).exit_code == 0
    result = invoke("load", "--register", str(corrupt), str(hostile.PACKAGE), env=env)
    assert result.exit_code == 1, result.output
    assert f"skipped {corrupt}:" in result.output and "Bad CRC-32" in result.output
    assert "1 filed, 0 already filed, 1 skipped" in result.output


def test_control_characters_of_a_cell_are_shown_escaped(tmp_path: Path) -> None:
    """A message quotes the cell: an escape sequence in it must not reach the terminal."""
    folder = tmp_path / "package"
    shutil.copytree(hostile.PACKAGE, folder)
    reports = (folder / "reports.csv").read_text(encoding="utf-8")
    (folder / "reports.csv").write_text(
        reports.replace("淮安市人民政府", "淮安市\x1b[2J人民政府"), encoding="utf-8"
    )
    result = invoke("validate", str(folder), "--lang", "en")
    assert result.exit_code == 1, result.output
    assert "\x1b" not in result.output
    assert "淮安市\\x1b[2J人民政府" in result.output
