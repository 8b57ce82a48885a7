"""The wheel works anywhere: built from this checkout, installed into a fresh venv in a
temporary directory (dependencies and all), every command run from another directory with
no GONGKAI_* variables and a fresh home.

Slow (a full install takes ~20 s on a warm pip cache); runs in CI with the rest.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import urllib.request
import venv
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.paths import DATASETS, ROOT
from tests.servers import free_port, wait_until_ready

pytestmark = pytest.mark.slow
INSTALL_TIMEOUT = 1800  # seconds: a bound for a slow machine and a cold cache, not a measure


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("wheel")
    # built from a copy of what the wheel is made of: setuptools leaves build/ where it builds
    source = base / "source"
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for part in ("src", "schemas"):
        shutil.copytree(ROOT / part, source / part, ignore=skip)
    for part in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / part, source / part)
    dist = base / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, source],
        check=True,
        timeout=INSTALL_TIMEOUT,
    )
    (wheel,) = dist.glob("gongkai-*.whl")
    venv.create(base / "venv", with_pip=True)
    bin_dir = base / "venv" / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run(
        [bin_dir / "python", "-m", "pip", "install", "--quiet", wheel],
        check=True,
        timeout=INSTALL_TIMEOUT,
    )
    (base / "home").mkdir()
    (base / "work").mkdir()
    return {"wheel": wheel, "bin": bin_dir, "home": base / "home", "work": base / "work"}


def _env(installed: dict[str, Path]) -> dict[str, str]:
    """A clean environment: no GONGKAI_*, no PYTHONPATH, a home of its own."""
    keep = {k: v for k, v in os.environ.items() if k in ("LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR")}
    return {
        **keep,
        "PATH": os.pathsep.join([str(installed["bin"]), os.defpath]),
        "HOME": str(installed["home"]),
        "USERPROFILE": str(installed["home"]),
    }


def _gongkai(installed: dict[str, Path], *args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [installed["bin"] / "gongkai", *map(str, args)],
        cwd=installed["work"],
        env=_env(installed),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=INSTALL_TIMEOUT,
    )


def test_the_wheel_holds_the_package_and_the_schemas(installed: dict[str, Path]) -> None:
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    sources = {
        p.relative_to(ROOT / "src").as_posix()
        for p in (ROOT / "src" / "gongkai").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    schemas = {
        "gongkai/schemas/" + p.relative_to(ROOT / "schemas").as_posix()
        for p in (ROOT / "schemas").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert sources - names == set()
    assert schemas - names == set()


def test_every_command_works_from_elsewhere(installed: dict[str, Path]) -> None:
    done = _gongkai(installed, "--help")
    assert done.returncode == 0 and "validate" in done.stdout and "serve" in done.stdout

    done = _gongkai(installed, "validate", DATASETS / "huaian-city-2024")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"✔ {DATASETS / 'huaian-city-2024'}  有效：0 个错误")

    done = _gongkai(installed, "template", "--format", "2021", "-o", "report.xlsx")
    assert done.returncode == 0, done.stderr
    sheets = openpyxl.load_workbook(installed["work"] / "report.xlsx").sheetnames
    assert [name.split()[0] for name in sheets] == ["报告信息", "表二", "表三", "表四"]

    report = ROOT / "tests" / "data" / "importers" / "huaian_city_2024.layout.txt"
    done = _gongkai(
        installed,
        "import",
        report,
        "-o",
        "packages",
        "--region",
        "320800",
        "--agency-id",
        "320800-huaian",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "表三 收到和处理政府信息公开申请情况：读到 175/175 个单元格" in done.stdout
    assert len(list((installed["work"] / "packages").glob("*/datapackage.json"))) == 1

    # the service commands: the default database is in the user data directory, named on stderr
    database = installed["home"] / ".local" / "share" / "gongkai" / "gongkai.sqlite3"
    done = _gongkai(installed, "db", "upgrade")
    assert done.returncode == 0, done.stderr
    if sys.platform.startswith("linux"):
        assert f"database: sqlite:///{database}" in done.stderr
        assert database.is_file()
    done = _gongkai(installed, "agencies", "load", ROOT / "examples" / "agencies.csv")
    assert (done.returncode, done.stdout) == (
        0,
        f"18 agencies loaded from {ROOT / 'examples' / 'agencies.csv'}\n",
    )
    done = _gongkai(installed, "load", *sorted(DATASETS.iterdir()))
    assert (done.returncode, done.stdout) == (0, "5 filed, 0 already filed, 0 skipped\n")
    done = _gongkai(installed, "tokens", "create", "--agency", "320800-huaian-government")
    assert done.returncode == 0 and done.stdout.splitlines()[-1].startswith("gk_")


def test_serve_answers_from_the_installed_package(installed: dict[str, Path]) -> None:
    assert _gongkai(installed, "db", "upgrade").returncode == 0
    port = free_port()
    process = subprocess.Popen(
        [installed["bin"] / "gongkai", "serve", "--port", str(port), "--workers", "1"],
        cwd=installed["work"],
        env=_env(installed),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        body = wait_until_ready(f"http://127.0.0.1:{port}/healthz", process)
        assert json.loads(body) == {"status": "ok", "database": "ok", "formats": ["2019", "2021"]}
        # the pages, their templates and vendored assets, and the docs page come with the wheel
        home = _read(f"http://127.0.0.1:{port}/")
        assert '<html lang="zh-CN">' in home and "在线校验" in home
        assert "t3-balance" in _read(f"http://127.0.0.1:{port}/standard")
        assert "echarts" in _read(f"http://127.0.0.1:{port}/static/vendor/echarts/echarts.min.js")
        assert "swagger" in _read(f"http://127.0.0.1:{port}/api/v1/docs").lower()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, 15)
        output = process.communicate(timeout=INSTALL_TIMEOUT)[0].decode()
        print(output)  # shown when the test fails
    assert f"gongkai API on http://127.0.0.1:{port}/api/v1/" in output
    assert f"gongkai pages on http://127.0.0.1:{port}/" in output


def _read(url: str) -> str:
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.read().decode("utf-8")


def test_every_package_of_the_source_is_listed_for_the_wheel() -> None:
    """pyproject.toml lists the packages (schemas/ is mapped in as gongkai.schemas): a new
    subpackage left out of the list would be missing from the wheel."""
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    source = ROOT / "src"
    found = {
        ".".join(init.parent.relative_to(source).parts) for init in source.rglob("__init__.py")
    }
    assert found <= listed, sorted(found - listed)
