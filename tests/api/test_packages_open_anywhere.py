"""Every zip gongkai hands out opens in plain Frictionless: datapackage.json at the root, the
four resources validated as tables (not the zip checked as one opaque file), a licence, the
Data Package profile, and what the report was filed with."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine

from conftest_db import DATASETS, bearer, zip_folder
from gongkai.api import create_app
from gongkai.package import package_from_zip, package_zip_bytes, read_package
from gongkai.package.writer import PACKAGE_PROFILE
from gongkai.settings import Settings, license_entry, package_license
from gongkai.store.registry import create_token
from gongkai.validation import validate
from tests.api.huaian import register_huaian

FRICTIONLESS = Path(sys.executable).with_name("frictionless")
RESOURCES = ["reports", "proactive", "applications", "reviews"]
CC_BY = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}


def frictionless_validate(data: bytes, tmp_path: Path, name: str = "package.zip") -> dict[str, Any]:
    """`frictionless validate x.zip --json`, the command anyone would run, on these bytes."""
    target = tmp_path / name
    target.write_bytes(data)
    done = subprocess.run(
        [FRICTIONLESS, "validate", name, "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    report: dict[str, Any] = json.loads(done.stdout)
    assert [task["name"] for task in report["tasks"]] == RESOURCES, report["tasks"]
    assert [task["type"] for task in report["tasks"]] == ["table"] * 4
    assert report["valid"] is True, report
    assert done.returncode == 0
    return report


def descriptor_of(data: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == sorted(
            ["datapackage.json", *(f"{r}.csv" for r in RESOURCES)]
        )
        result: dict[str, Any] = json.loads(archive.read("datapackage.json"))
    return result


def _file_huaian(client: FlaskClient, engine: Engine, folder: Path | None = None) -> str:
    register_huaian(engine)
    token = create_token(engine, "agency", "320800-huaian-government")[1]
    url = "/api/v1/agencies/320800-huaian-government/reports/2024"
    # the layout zips had before: everything under one folder (still accepted)
    body = zip_folder(folder or DATASETS / "huaian-city-2024")
    r = client.post(url, data=body, content_type="application/zip", headers=bearer(token))
    assert r.status_code == 201, r.json
    return url


def test_a_downloaded_report_opens_in_frictionless_and_keeps_what_it_was_filed_with(
    client: FlaskClient, engine: Engine, tmp_path: Path
) -> None:
    url = _file_huaian(client, engine)
    response = client.get(url + "/datapackage.zip")
    assert response.status_code == 200
    frictionless_validate(response.data, tmp_path)
    served = descriptor_of(response.data)
    filed = json.loads((DATASETS / "huaian-city-2024" / "datapackage.json").read_text("utf-8"))
    assert served["$schema"] == PACKAGE_PROFILE
    for kept in ("title", "description", "sources"):
        assert served[kept] == filed[kept], kept
    assert served["licenses"] == [CC_BY]
    assert served["name"] == "320800-huaian-government-2024-v1"
    assert served["x-filing"]["version"] == 1
    # gongkai reads its own download back to the same tables
    again = validate(package_from_zip(response.data, "served"))
    assert (
        again.valid and again.package.sha256 == read_package(DATASETS / "huaian-city-2024").sha256
    )


def test_an_export_opens_in_frictionless(
    client: FlaskClient, engine: Engine, tmp_path: Path
) -> None:
    _file_huaian(client, engine)
    response = client.get("/api/v1/export?year=2024&region=320000")
    assert response.status_code == 200
    frictionless_validate(response.data, tmp_path)
    served = descriptor_of(response.data)
    assert served["$schema"] == PACKAGE_PROFILE and served["licenses"] == [CC_BY]
    assert served["title"] == "政府信息公开工作年度报告 2024"


def test_the_licence_is_configurable(engine: Engine, tmp_path: Path) -> None:
    settings = Settings(database_url=str(engine.url), license="CC0-1.0")
    client = create_app(settings, engine).test_client()
    url = _file_huaian(client, engine)
    served = descriptor_of(client.get(url + "/datapackage.zip").data)
    assert served["licenses"] == [
        {
            "name": "CC0-1.0",
            "path": "https://creativecommons.org/publicdomain/zero/1.0/",
            "title": "CC0 1.0 Universal (public domain dedication)",
        }
    ]
    assert descriptor_of(client.get("/api/v1/export?year=2024").data)["licenses"][0]["name"] == (
        "CC0-1.0"
    )


def test_a_licence_filed_with_the_package_is_kept(
    client: FlaskClient, engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "huaian-city-2024"
    shutil.copytree(DATASETS / "huaian-city-2024", folder)
    filed = json.loads((folder / "datapackage.json").read_text("utf-8"))
    own = [{"name": "ODC-PDDL-1.0", "path": "https://opendatacommons.org/licenses/pddl/1-0/"}]
    filed["licenses"] = own
    (folder / "datapackage.json").write_text(json.dumps(filed, ensure_ascii=False), "utf-8")
    url = _file_huaian(client, engine, folder)
    served = client.get(url + "/datapackage.zip").data
    assert descriptor_of(served)["licenses"] == own
    frictionless_validate(served, tmp_path)


def test_license_setting_values() -> None:
    assert package_license({}) == CC_BY
    assert license_entry("ODC-BY-1.0 https://example.org/odc-by") == {
        "name": "ODC-BY-1.0",
        "path": "https://example.org/odc-by",
        "title": "Open Data Commons Attribution License 1.0",
    }
    assert license_entry("LicenseRef-city https://example.org/l") == {
        "name": "LicenseRef-city",
        "path": "https://example.org/l",
    }
    with pytest.raises(ValueError, match="give its URL too"):
        Settings.from_env({"GONGKAI_LICENSE": "LicenseRef-city"})


def test_package_zip_bytes_opens_in_frictionless(tmp_path: Path) -> None:
    result = validate(read_package(DATASETS / "suqian-city-2024"))
    data = package_zip_bytes(
        result.tables, "2021", name="suqian-2024", title="宿迁市 2024", extra={"sources": []}
    )
    frictionless_validate(data, tmp_path)
    assert descriptor_of(data)["title"] == "宿迁市 2024"
    assert validate(package_from_zip(data, "written")).valid
