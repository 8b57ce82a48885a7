"""A collection validated as one collection gives each report the verdict it gets alone: valid
or not, and the same findings (code, resource, item, field), with either executor; continuity
across the collection's years and with last year's packages still checked."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from bench import generate

from gongkai.package import ReportPackage, package_from_files
from gongkai.package.collection import ReportSlice, split_collection
from gongkai.validation import ValidationResult, by_report, validate_many
from gongkai.validation.by_report import validate_by_report
from gongkai.validation.engine import detect_format

TABLES = ("reports", "proactive", "applications", "reviews")


def _collection(folder: Path, years: tuple[int, ...], count: int) -> ReportPackage:
    """Generated flat collections of `count` agencies (the same ones each year, a third with
    a defect), one after the other in one collection."""
    files: dict[str, bytes] = {}
    for year in years:
        out = folder / str(year)
        args = [str(out), "--count", str(count), "--flat", "--broken-share", "0.34"]
        generate.main([*args, "--year", str(year), "--seed", "5"])
        for table in TABLES:
            data = (out / f"{table}.csv").read_bytes()
            name = f"{table}.csv"
            files[name] = files[name] + data.split(b"\n", 1)[1] if name in files else data
        files.setdefault("datapackage.json", (out / "datapackage.json").read_bytes())
    return package_from_files(files, "collection")


def _found(result: ValidationResult) -> Counter[tuple[str, str | None, str | None, str | None]]:
    return Counter((i.code, i.resource, i.item, i.field) for i in result.issues)


def _slices(package: ReportPackage) -> list[ReportSlice]:
    split = split_collection(package)
    assert split is not None and not split.stray
    return split.reports


def _same_verdicts(alone: list[ValidationResult], whole: list[ValidationResult]) -> None:
    assert len(alone) == len(whole)
    for one, judged in zip(alone, whole, strict=True):
        assert one.package.source == judged.package.source
        assert (one.valid, _found(one)) == (judged.valid, _found(judged)), one.package.source
        assert sorted(one.reports) == sorted(judged.reports)
        assert one.format == judged.format


@pytest.mark.parametrize("columnar", [False, True], ids=["rows", "columns"])
def test_each_report_judged_as_when_validated_alone(tmp_path: Path, columnar: bool) -> None:
    slices = _slices(_collection(tmp_path, (2023, 2024), 30))
    judged = validate_by_report("collection", slices, columnar=columnar)
    alone = validate_many([s.package for s in slices])
    _same_verdicts(alone, judged.results)
    assert judged.collection_errors == []
    # the defects were there: invalid and valid reports, continuity across the two years
    assert 10 < sum(not r.valid for r in alone) < len(alone) - 10
    codes = {i.code for r in alone for i in r.issues}
    assert {"t3-row-total", "t4-total", "type-error", "constraint-error", "table-shape"} <= codes
    assert any(c.endswith("continuity") for c in codes)
    # rows are the collection's lines: each finding with a row names a line of its report
    for piece, result in zip(slices, judged.results, strict=True):
        for issue in result.issues:
            lines = piece.lines.get(issue.resource or "")
            if issue.row is not None and lines is not None:
                assert issue.row in lines


@pytest.mark.parametrize("columnar", [False, True], ids=["rows", "columns"])
def test_last_years_packages_checked_for_continuity(tmp_path: Path, columnar: bool) -> None:
    slices = _slices(_collection(tmp_path, (2023, 2024), 20))
    earlier = [s for s in slices if s.year == "2023"]
    later = [s for s in slices if s.year == "2024"]
    previous = [s.package for s in earlier]
    judged = validate_by_report("collection", later, previous=previous, columnar=columnar)
    alone = validate_many([s.package for s in later], previous=validate_many(previous))
    _same_verdicts(alone, judged.results)
    assert any(i.code.endswith("continuity") for r in judged.results for i in r.issues)


@pytest.mark.parametrize("columnar", [False, True], ids=["rows", "columns"])
def test_a_finding_of_the_whole_collection_refuses_it(tmp_path: Path, columnar: bool) -> None:
    package = _collection(tmp_path, (2024,), 30)
    header, rest = package.files["proactive"].split(b"\n", 1)
    files = {f"{n}.csv": package.files[n] for n in TABLES}
    files["proactive.csv"] = header.rsplit(b",", 1)[0] + b",not_a_field\n" + rest
    slices = _slices(package_from_files(files, "collection"))
    judged = validate_by_report("collection", slices, columnar=columnar)
    assert {i.resource for i in judged.collection_errors} == {"proactive"}
    assert not any(r.valid for r in judged.results)
    _same_verdicts(validate_many([s.package for s in slices]), judged.results)


@pytest.mark.parametrize(
    "reports",
    [
        b"agency_id,year,format\nA,2024,2019\n",
        b"agency_id,year,format\nA,2024, 2019 \n",
        b"agency_id,year,format\nA,2024,2018\n",
        b"agency_id,year,format\nA,2016,\n",
        b"agency_id,year\nA,2024\n",
        b"agency_id,year,format,format\nA,2024,2019,2021\n",
        b"agency_id,format,year\nA\n",
        b"agency_id,year,format\n\nA,2024,2019\n",
        b'agency_id,year,format\n"A,B",2024,2019\n',
        b"agency_id,year,format\r\nA,2024,2019\r\n",
        b"\nagency_id,year,format\nA,2024,2019\n",
        b"agency_id,year,format",
    ],
)
def test_a_reports_format_read_as_detect_format_reads_it(reports: bytes) -> None:
    applications = b"agency_id,year,item\nA,2024,other\n"
    package = ReportPackage("p", files={"reports": reports, "applications": applications})
    assert by_report._format(package) == detect_format(package)
