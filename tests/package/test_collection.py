"""A collection split into the packages of its reports."""

from __future__ import annotations

from pathlib import Path

from gongkai.package import package_from_files, read_package, write_package
from gongkai.package.collection import records, report_keys, split_collection
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


def test_a_quote_in_mid_cell_opens_no_quoted_cell() -> None:
    """As a CSV reader reads it: the line break after it ends the record; an unclosed quote
    at a cell's start takes the rest of the table."""
    data = b'a,b\nx,say "hi\n"there",1\n"open,2\nrest\n'
    assert records(data) == [b"a,b", b'x,say "hi', b'"there",1', b'"open,2\nrest']


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


def test_rows_out_of_order_blank_short_and_quoted_go_where_they_belong() -> None:
    files = {
        "reports.csv": (
            b"agency_id,year,agency_name\nA,2024,a\n,,\r\nB,2024,b\n A ,2024,a2\ngarbage\n"
        ),
        "proactive.csv": b"year,agency_id,x\n2024,B,1\n2024,A,2\n2024,C,3\n",
        "applications.csv": (
            "agency_id,year,item\nA,2024,i1\nA,2024,i2\r\nB,2024,i1\n,\nA\u3000,2024,i3\n"
            "B,2024\nC,2024,i9\n,2024,z\nA,2024,i4\n"
        ).encode(),
        "reviews.csv": b'agency_id,year,note\nA,2024,"x\ny"\nB,2024,"q ""r"""\n,,""\n\nB,2024,1',
    }
    package = package_from_files(files, "all")
    assert report_keys(package) == [
        ("A", "2024"),
        ("", ""),
        ("B", "2024"),
        ("A", "2024"),
        ("garbage", ""),
    ]
    split = split_collection(package)
    assert split is not None
    assert [(s.agency_id, s.year) for s in split.reports] == [
        ("A", "2024"),
        ("B", "2024"),
        ("garbage", ""),
    ]
    a, b, garbage = split.reports
    assert a.package.files == {
        "reports": b"agency_id,year,agency_name\nA,2024,a\n A ,2024,a2\n",
        "proactive": b"year,agency_id,x\n2024,A,2\n",
        "applications": (
            "agency_id,year,item\nA,2024,i1\nA,2024,i2\r\nA\u3000,2024,i3\nA,2024,i4\n"
        ).encode(),
        "reviews": b'agency_id,year,note\nA,2024,"x\ny"\n',
    }
    assert a.lines == {
        "reports": [2, 5],
        "proactive": [3],
        "applications": [2, 3, 6, 10],
        "reviews": [2],
    }
    assert b.package.files["applications"] == b"agency_id,year,item\nB,2024,i1\nB,2024\n"
    assert b.package.files["reviews"] == b'agency_id,year,note\nB,2024,"q ""r"""\nB,2024,1\n'
    assert b.lines == {"reports": [4], "proactive": [2], "applications": [4, 7], "reviews": [3, 6]}
    assert garbage.package.files["proactive"] == b"year,agency_id,x\n"
    assert garbage.lines["applications"] == []
    assert [(r.table, r.line, r.agency_id, r.year) for r in split.stray] == [
        ("proactive", 4, "C", "2024"),
        ("applications", 8, "C", "2024"),
        ("applications", 9, "", "2024"),
        ("reviews", 4, "", ""),
    ]
    assert [(b.table, b.line) for b in split.blank] == [
        ("reports", 3),
        ("applications", 5),
        ("reviews", 5),
    ]
