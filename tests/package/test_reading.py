"""Packages arrive as folders, datapackage.json files, zips and uploads; unsafe ones are refused."""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from gongkai.package import (
    PackageError,
    package_from_files,
    package_from_zip,
    read_package,
    reader,
    write_package,
)
from gongkai.validation import validate
from tests.paths import DATASETS

HUAIAN = DATASETS / "huaian-city-2024"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _members(folder: Path, prefix: str = "") -> dict[str, bytes]:
    return {prefix + p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_every_shape_reads_the_same_tables(tmp_path: Path) -> None:
    csv_only = tmp_path / "csv-only"
    csv_only.mkdir()
    for table in ("reports", "proactive", "applications", "reviews"):
        shutil.copy(HUAIAN / f"{table}.csv", csv_only)
    zipped = tmp_path / "package.zip"  # the layout gongkai wrote before: one folder inside
    zipped.write_bytes(_zip(_members(HUAIAN, "huaian-city-2024/")))
    at_root = tmp_path / "at-root.zip"  # the layout it writes now, as Frictionless opens it
    at_root.write_bytes(_zip(_members(HUAIAN)))
    shapes = [
        read_package(HUAIAN),
        read_package(HUAIAN / "datapackage.json"),
        read_package(csv_only),
        read_package(zipped),
        read_package(at_root),
        package_from_files(_members(HUAIAN), "upload"),
    ]
    assert {p.sha256 for p in shapes} == {shapes[0].sha256}
    assert all(validate(p).valid for p in shapes)


def test_zip_with_parent_path_is_refused() -> None:
    data = _zip({"../reports.csv": b"agency_id\n", "datapackage.json": b"{}"})
    with pytest.raises(PackageError) as caught:
        package_from_zip(data, "evil.zip")
    assert caught.value.code == "unsafe-path"
    assert "../reports.csv" in caught.value.message("zh")
    assert caught.value.status == 422


def test_descriptor_path_outside_the_package_is_refused(tmp_path: Path) -> None:
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"resources": [{"name": "reports", "path": "/etc/passwd"}]})
    )
    with pytest.raises(PackageError) as caught:
        read_package(tmp_path)
    assert (caught.value.code, caught.value.detail) == ("unsafe-path", "/etc/passwd")


def test_zip_bomb_is_refused() -> None:
    data = _zip({"reports.csv": b"0" * 60_000_000})
    assert len(data) < 1_000_000
    with pytest.raises(PackageError) as caught:
        package_from_zip(data, "bomb.zip")
    assert caught.value.code == "zip-bomb"
    assert caught.value.status == 413


def test_file_of_hundreds_of_megabytes_is_refused_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.zip"
    with huge.open("wb") as fh:  # sparse: costs no disk
        fh.truncate(300 * 1024 * 1024)
    with pytest.raises(PackageError) as caught:
        read_package(huge)
    assert caught.value.code == "too-large"
    assert "300" in caught.value.message("en") or "314572800" in caught.value.message("en")


def test_size_limit_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGKAI_MAX_PACKAGE_BYTES", "1000")
    with pytest.raises(PackageError) as caught:
        read_package(HUAIAN)
    assert caught.value.code == "too-large"


def test_not_a_zip_and_not_a_package(tmp_path: Path) -> None:
    with pytest.raises(PackageError) as caught:
        package_from_zip(b"PK\x03\x04 broken", "broken.zip")
    assert caught.value.code == "bad-zip"
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(PackageError) as caught:
        read_package(text)
    assert caught.value.code == "not-a-package"
    with pytest.raises(PackageError) as caught:
        read_package(tmp_path / "absent")
    assert caught.value.code == "not-found"


def test_undecodable_table_is_an_issue_not_an_exception(tmp_path: Path) -> None:
    shutil.copytree(HUAIAN, tmp_path / "pkg")
    (tmp_path / "pkg" / "reviews.csv").write_bytes(b"agency_id,year\n\x81\x20\xff,2024\n")
    os.remove(tmp_path / "pkg" / "datapackage.json")
    result = validate(read_package(tmp_path / "pkg"))
    assert [(i.code, i.resource) for i in result.errors] == [("encoding-error", "reviews")]


def test_written_package_reads_back_equal(tmp_path: Path) -> None:
    original = validate(read_package(HUAIAN))
    write_package(tmp_path / "copy", original.tables, "2021", title="淮安")
    copy = validate(read_package(tmp_path / "copy"))
    assert copy.valid
    assert copy.tables == original.tables
    assert copy.package.sha256 == original.package.sha256


def test_zip_made_on_windows_and_dot_slash_paths_read(tmp_path: Path) -> None:
    windows = _zip({f"huaian\\{name}": data for name, data in _members(HUAIAN).items()})
    assert validate(package_from_zip(windows, "windows.zip")).valid
    descriptor = json.loads((HUAIAN / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        resource["path"] = "./" + resource["path"]
    members = _members(HUAIAN)
    members["datapackage.json"] = json.dumps(descriptor).encode()
    assert validate(package_from_zip(_zip(members), "dot.zip")).valid
    folder = tmp_path / "dot"
    folder.mkdir()
    for name, data in members.items():
        (folder / name).write_bytes(data)
    assert validate(read_package(folder)).valid


def test_descriptor_naming_an_absent_file_says_so(tmp_path: Path) -> None:
    shutil.copytree(HUAIAN, tmp_path / "pkg")
    (tmp_path / "pkg" / "reviews.csv").rename(tmp_path / "pkg" / "table4.csv")
    result = validate(read_package(tmp_path / "pkg"))
    assert [(i.code, i.resource) for i in result.errors] == [("table-shape", "reviews")]
    assert "datapackage.json names reviews.csv for table reviews" in result.errors[0].message("en")


def test_oversized_descriptor_is_refused_before_reading(tmp_path: Path) -> None:
    with (tmp_path / "datapackage.json").open("wb") as fh:
        fh.truncate(300 * 1024 * 1024)
    with pytest.raises(PackageError) as caught:
        read_package(tmp_path)
    assert caught.value.code == "too-large"


def test_trailing_empty_lines_are_no_data(tmp_path: Path) -> None:
    shutil.copytree(HUAIAN, tmp_path / "pkg")
    for table in ("reports", "applications"):
        path = tmp_path / "pkg" / f"{table}.csv"
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n") + b",,,\r\n\r\n")
    assert validate(read_package(tmp_path / "pkg")).issues == []


@pytest.mark.parametrize(
    ("end", "kept"),
    [
        (b"", b""),
        (b"\n", b"\n"),
        (b",,,\r\n\r\n", b",,,\n"),  # the commas end the last row: not an empty line
        (b"\n\n" + b" ,\t\n" * 3000, b"\n"),  # past the first block sought
        (b"\n,,\n  \n", b"\n"),
    ],
    ids=["none", "one-line-end", "commas-crlf", "past-a-block", "spaces"],
)
def test_ascii_and_other_text_lose_the_same_trailing_empty_lines(end: bytes, kept: bytes) -> None:
    # ASCII bytes are checked at their end alone, never decoded whole: as decoded text is
    ascii = b"agency_id,year\n320813-x,2024" + end
    assert (
        reader._ascii_without_trailing_empty_lines(ascii) == b"agency_id,year\n320813-x,2024" + kept
    )
    chinese = "agency_id,year\n320813-x,二〇二四".encode() + end
    assert reader._without_trailing_empty_lines(chinese.decode()).encode() == (
        "agency_id,year\n320813-x,二〇二四".encode() + kept
    )


def test_descriptor_schema_other_than_the_standard_is_a_warning(tmp_path: Path) -> None:
    shutil.copytree(HUAIAN, tmp_path / "pkg")
    path = tmp_path / "pkg" / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"][2]["schema"] = {"fields": [{"name": "x", "type": "integer"}]}
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    result = validate(read_package(tmp_path / "pkg"))
    assert result.valid
    assert [(i.code, i.severity, i.resource) for i in result.issues] == [
        ("descriptor-schema", "warning", "applications")
    ]
