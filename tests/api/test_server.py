"""The service commands through click's runner, and a real gunicorn on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import socket
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine

from conftest_db import DATASETS, zip_folder
from gongkai.cli.server import EXAMPLE_PATHS, server
from tests.api.huaian import register_huaian
from tests.servers import free_port, start_serve, wait_until_ready

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = ROOT / "examples" / "agencies.csv"
READ_TIMEOUT = 120  # seconds; a bound for a busy machine, never a measure of speed


def _invoke(engine: Engine, *args: str) -> Result:
    env = {"GONGKAI_DATABASE_URL": engine.info_url}  # type: ignore[attr-defined]
    return CliRunner().invoke(server, list(args), env=env, catch_exceptions=False)


def _run(engine: Engine, *args: str) -> tuple[int, str]:
    """Exit code and what a terminal shows (stdout and stderr)."""
    result = _invoke(engine, *args)
    return result.exit_code, result.output


def test_db_agencies_tokens_and_load(engine: Engine, tmp_path: Path) -> None:
    assert _run(engine, "db", "upgrade")[0] == 0
    code, out = _run(engine, "agencies", "load", str(REGISTRY))
    assert code == 0 and "18 agencies loaded" in out
    code, out = _run(engine, "tokens", "create", "--region", "320800")
    token = out.strip().splitlines()[-1]
    assert code == 0 and token.startswith("gk_")
    assert _run(engine, "tokens", "create", "--admin", "--agency", "x")[0] == 2
    code, out = _run(engine, "tokens", "create", "--agency", "320800-not-registered")
    assert code == 0 and "not in the registry" in out
    revoked = _invoke(engine, "tokens", "revoke", token)
    assert (revoked.exit_code, revoked.stdout) == (0, "token revoked\n")
    assert _run(engine, "tokens", "revoke", token)[0] == 1

    broken = tmp_path / "t4-broken"
    broken.mkdir()
    for f in (DATASETS / "suqian-city-2024").iterdir():
        (broken / f.name).write_bytes(f.read_bytes())
    reviews = (broken / "reviews.csv").read_text(encoding="utf-8").splitlines()
    cells = reviews[1].split(",")
    cells[-1] = str(int(cells[-1]) + 1)
    (broken / "reviews.csv").write_text(
        "\n".join([reviews[0], ",".join(cells)]) + "\n", encoding="utf-8"
    )
    code, out = _run(engine, "load", str(DATASETS), str(broken))
    assert code == 1
    assert "5 filed, 0 already filed, 1 skipped" in out
    assert f"skipped {broken}" in out and "t4-total" in out
    again = _invoke(engine, "load", str(DATASETS / "huaian-city-2024"))
    assert (again.exit_code, again.stdout) == (0, "0 filed, 1 already filed, 0 skipped\n")


def test_agencies_load_refuses_a_bad_registry(engine: Engine, tmp_path: Path) -> None:
    bad = tmp_path / "agencies.csv"
    bad.write_text(
        "agency_id,agency_name,region_code,level,scope,parent_id\n"
        "320800-x-bureau,某局,3208,city,agency,\n",
        encoding="utf-8",
    )
    code, out = _run(engine, "agencies", "load", str(bad))
    assert code == 1 and "“3208”" in out and "region_code" in out and "nothing loaded" in out


def test_agencies_load_reads_gb18030_and_refuses_duplicates_and_bad_check_digits(
    engine: Engine, tmp_path: Path
) -> None:
    header = "agency_id,agency_name,region_code,level,scope,parent_id\n"
    good = tmp_path / "gb.csv"
    good.write_bytes((header + "320800-edu,淮安市教育局,320800,city,agency,\n").encode("gb18030"))
    loaded = _invoke(engine, "agencies", "load", str(good))
    assert (loaded.exit_code, loaded.stdout.strip()) == (0, f"1 agencies loaded from {good}")
    duplicate = tmp_path / "dup.csv"
    duplicate.write_text(
        header + "320800-edu,淮安市教育局,320800,city,agency,\n"
        "320800-edu,淮安市教育局（重复）,320800,city,agency,\n",
        encoding="utf-8",
    )
    code, out = _run(engine, "agencies", "load", str(duplicate))
    assert code == 1 and "[primary-key]" in out and "nothing loaded" in out
    checksum = tmp_path / "uscc.csv"
    checksum.write_text(
        header + "11371000004359010X,威海市人民政府办公室,371000,city,agency,\n",
        encoding="utf-8",
    )
    code, out = _run(engine, "agencies", "load", str(checksum))
    assert code == 1 and "[agency-id-checksum]" in out and "11371000004359010J" in out


@pytest.mark.slow
def test_gunicorn_end_to_end(engine: Engine) -> None:
    from gongkai.store.registry import create_token

    register_huaian(engine)
    token = create_token(engine, "agency", "320800-huaian-government")[1]
    port = free_port()
    env = {"GONGKAI_DATABASE_URL": engine.info_url, "GONGKAI_WORKERS": "2"}  # type: ignore[attr-defined]
    proc = start_serve(port, env)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        health = json.loads(wait_until_ready(f"http://127.0.0.1:{port}/healthz", proc))
        assert health == {"status": "ok", "database": "ok", "formats": ["2019", "2021"]}
        url = base + "/agencies/320800-huaian-government/reports/2024"
        request = urllib.request.Request(
            url,
            data=zip_folder(DATASETS / "huaian-city-2024"),
            method="POST",
            headers={"Content-Type": "application/zip", "Authorization": f"Bearer {token}"},
        )
        # generous bounds only: the first upload may queue behind a worker's warm-up
        with urllib.request.urlopen(request, timeout=READ_TIMEOUT) as r:
            assert r.status == 201 and json.load(r)["version"] == 1
        with urllib.request.urlopen(url, timeout=READ_TIMEOUT) as r:
            assert json.load(r)["tables"]["reviews"][0]["review_total"] == 351
        with urllib.request.urlopen(url + "/proactive.csv", timeout=READ_TIMEOUT) as r:
            assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
            assert r.read().decode().splitlines()[1].endswith(",96171.6")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(
                urllib.request.Request(
                    url, data=b"x", method="POST", headers={"Content-Type": "application/zip"}
                ),
                timeout=READ_TIMEOUT,
            )
        with refused.value as error:
            assert error.code == 401
            assert error.headers["Content-Type"] == "application/problem+json"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        output = proc.communicate(timeout=READ_TIMEOUT)[0].decode()
        print(output)  # shown when the test fails
    assert "Booting worker" in output


def test_warm_up_validates_a_whole_valid_package() -> None:
    from gongkai.api.app import warm_up

    assert warm_up() is True  # all four tables: every schema gets compiled


def test_load_compares_with_last_years_filing(engine: Engine, tmp_path: Path) -> None:
    from conftest_db import registry_row, report_tables
    from gongkai.package import write_package
    from gongkai.store.queries import get_filing
    from gongkai.store.registry import load_agencies

    for year in (2022, 2023):
        tables = report_tables("320813-load-cont", year, region_code="320813", seed=year)
        write_package(tmp_path / f"p{year}", tables, "2021")
    load_agencies(engine, [registry_row(tables)])
    code, out = _run(engine, "load", str(tmp_path / "p2022"), str(tmp_path / "p2023"))
    assert code == 0, out
    filing = get_filing(engine, "320813-load-cont", 2023)
    assert filing is not None
    assert "carryover-continuity" in {w["code"] for w in filing.warnings}
    first = get_filing(engine, "320813-load-cont", 2022)
    assert first is not None and first.warnings == []


def test_service_commands_name_their_database_on_stderr(engine: Engine) -> None:
    result = _invoke(engine, "tokens", "create", "--admin")
    shown = engine.url.render_as_string(hide_password=True).split("?")[0]
    assert result.exit_code == 0
    assert result.stderr.startswith("database: ") and shown in result.stderr
    assert "database" not in result.stdout  # stdout stays the token lines


def test_serve_refuses_a_port_in_use(engine: Engine) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _invoke(engine, "serve", "--port", str(port))
    assert result.exit_code == 2
    assert (
        f"port {port} on 127.0.0.1 is in use; choose another with --port (make run PORT={port + 1})"
    ) in result.stderr
    assert "Traceback" not in result.output


def test_the_urls_serve_prints_answer_with_the_sample_data(engine: Engine, client: Any) -> None:
    assert _run(engine, "agencies", "load", str(REGISTRY))[0] == 0
    assert _run(engine, "load", str(DATASETS))[0] == 0
    expected = {  # something only the loaded samples can give
        "agencies": "320800-huaian-government",
        "coverage?year=2024": "320813-hongze-government",
        # 新收 总计 of 淮安市 3119 + 洪泽区 95: government reports counted for city 320800
        "aggregate/applications?year=2024&by=city&scope=government": "3214",
        "tables/reviews.csv?year=2024": "320800-huaian-government,2024,72,64,178,37,351,",
        "openapi.json": '"paths"',
    }
    assert set(expected) == set(EXAMPLE_PATHS)
    for path in EXAMPLE_PATHS:
        response = client.get(f"/api/v1/{path}")
        assert response.status_code == 200, path
        assert expected[path] in response.get_data(as_text=True), path


def test_a_bad_setting_is_one_line_not_a_traceback() -> None:
    result = CliRunner().invoke(
        server, ["db", "upgrade"], env={"GONGKAI_LICENSE": "LicenseRef-x"}, catch_exceptions=False
    )
    assert result.exit_code == 1
    assert "Error: GONGKAI_LICENSE 'LicenseRef-x': give its URL too" in result.stderr
    assert "Traceback" not in result.output
