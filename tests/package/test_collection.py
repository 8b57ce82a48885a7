"""A collection split into the packages of its reports."""

from __future__ import annotations

from pathlib import Path

from gongkai.package import read_package, write_package
from gongkai.package.collection import records, split_collection
from tests.cli.loading import reports, write_collection


def test_each_report_is_its_own_package_with_the_same_sha256(tmp_path: Path) -> None:
    each = reports(3)
    split = split_collection(read_package(write_collection(tmp_path / "all", each)))
    assert split is not None and split.stray == []
    assert [(s.agency_id, s.year) for s in split.reports] == [
        (f"320813-bulk-{i:03d}", "2024") for i in range(3)
    ]
    for i, piece in enumerate(split.reports):
        alone = read_package(write_package(tmp_path / f"p{i}", each[i], "2021"))
        assert piece.package.files == alone.files
        assert piece.package.sha256 == alone.sha256
    assert split.reports[1].lines["applications"] == list(range(27, 52))
    assert split.reports[1].lines["reviews"] == [3]


def test_quoted_line_breaks_and_crlf_stay_in_their_record() -> None:
    data = b'a,b\r\n"x\r\ny",1\r\nz,"say ""hi"""\r\n'
    assert records(data) == [b"a,b\r", b'"x\r\ny",1\r', b'z,"say ""hi"""\r']


def test_rows_of_no_report_are_stray(tmp_path: Path) -> None:
    folder = write_collection(tmp_path / "all", reports(2))
    reviews = folder / "reviews.csv"
    lines = reviews.read_text(encoding="utf-8").splitlines()
    stray = lines[1].replace("320813-bulk-000", "320813-bulk-777")
    reviews.write_text("\n".join([*lines, stray]) + "\n", encoding="utf-8")
    split = split_collection(read_package(folder))
    assert split is not None
    assert [(r.table, r.line, r.agency_id, r.year) for r in split.stray] == [
        ("reviews", 4, "320813-bulk-777", "2024")
    ]


def test_a_collection_without_keys_in_a_header_is_not_split(tmp_path: Path) -> None:
    folder = write_collection(tmp_path / "all", reports(2))
    proactive = folder / "proactive.csv"
    text = proactive.read_text(encoding="utf-8")
    proactive.write_text(text.replace("agency_id", "agency", 1), encoding="utf-8")
    assert split_collection(read_package(folder)) is None
