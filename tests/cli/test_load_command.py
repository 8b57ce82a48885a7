"""`gongkai load` of folders and collections, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import IntegrityError

from conftest_db import registry_row
from gongkai import bulkload
from gongkai.cli import main
from gongkai.package import read_package, write_package
from gongkai.store import bulk
from gongkai.store.coverage import coverage_agencies, coverage_counts
from gongkai.store.filings import NewFiling
from gongkai.store.queries import RowFilter, get_filing, stored_package
from gongkai.store.registry import load_agencies
from gongkai.store.tables import agencies, figures_table, filings, heads
from tests.cli.loading import load, register, reports, write_collection

SUMMARY = "{} filed, {} already filed, {} skipped\n"


@pytest.fixture(params=["columns", "rows"])
def executor(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both executors validate a load: the columnar one from a few reports on, the row engine
    below that."""
    monkeypatch.setattr(
        "gongkai.bulkload.ROW_ENGINE_BELOW", 1 if request.param == "columns" else 10**6
    )
    return str(request.param)


def test_a_collection_is_one_filing_per_report_and_loads_once(
    engine: Engine, tmp_path: Path, executor: str
) -> None:
    each = reports(6)
    register(engine, each)
    collection = write_collection(tmp_path / "national", each)
    first = load(engine, str(collection))
    assert (first.exit_code, first.stdout) == (0, SUMMARY.format(6, 0, 0))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(filings)).scalar_one() == 6
        assert set(conn.execute(select(heads.c.version)).scalars()) == {1}
    alone = write_package(tmp_path / "alone", each[2], "2021")
    filed = get_filing(engine, "320813-bulk-002", 2024)
    assert filed is not None and filed.sha256 == read_package(alone).sha256
    stored = stored_package(engine, "320813-bulk-002", 2024)
    assert stored is not None and stored.files == read_package(alone).files
    again = load(engine, str(collection))
    assert (again.exit_code, again.stdout) == (0, SUMMARY.format(0, 6, 0))


def test_a_report_alone_and_inside_a_collection_is_filed_once(
    engine: Engine, tmp_path: Path, executor: str
) -> None:
    each = reports(5)
    register(engine, each)
    folders = [write_package(tmp_path / f"p{i}", t, "2021") for i, t in enumerate(each[:3])]
    assert load(engine, *map(str, folders)).stdout == SUMMARY.format(3, 0, 0)
    collection = write_collection(tmp_path / "all", each)
    assert load(engine, str(collection)).stdout == SUMMARY.format(2, 3, 0)
    assert load(engine, str(folders[0])).stdout == SUMMARY.format(0, 1, 0)


def test_invalid_reports_and_stray_rows_of_a_collection_are_listed(
    engine: Engine, tmp_path: Path, executor: str
) -> None:
    each = reports(4)
    each[1]["reviews"][0]["review_total"] += 1  # t4-total
    register(engine, each)
    collection = write_collection(tmp_path / "national", each)
    applications = collection / "applications.csv"
    stray = "320813-bulk-999,2024,granted,1,0,0,0,0,0,1\n"
    applications.write_text(applications.read_text(encoding="utf-8") + stray, encoding="utf-8")
    result = load(engine, str(collection))
    assert result.exit_code == 1
    assert result.stdout == SUMMARY.format(3, 0, 2)
    # the broken report's reviews row is line 3 of the collection's reviews.csv
    assert f"skipped {collection} 320813-bulk-001 2024:\n  t4-total reviews/review_total: " in (
        result.stderr
    )
    assert "reviews.csv，第3行" in result.stderr
    assert f"skipped {collection}:\n  applications.csv 第 102 行（320813-bulk-999 2024）" in (
        result.stderr
    )
    assert get_filing(engine, "320813-bulk-001", 2024) is None


def test_a_collection_wrong_as_a_whole_files_none_of_its_reports(
    engine: Engine, tmp_path: Path, executor: str
) -> None:
    each = reports(3)
    register(engine, each)
    collection = write_collection(tmp_path / "national", each)
    reviews = collection / "reviews.csv"
    header, rest = reviews.read_text(encoding="utf-8").split("\n", 1)
    reviews.write_text(header.rsplit(",", 1)[0] + ",not_a_field\n" + rest, encoding="utf-8")
    result = load(engine, str(collection))
    assert result.exit_code == 1
    assert result.stdout == SUMMARY.format(0, 0, 1)
    assert f"skipped {collection}:\n  整个汇总包有误" in result.stderr
    assert "the collection as a whole has errors" in result.stderr
    assert "incorrect-label reviews" in result.stderr
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(filings)).scalar_one() == 0


def test_bulk_load_compares_with_last_years_stored_report(
    engine: Engine, tmp_path: Path, executor: str
) -> None:
    before, after = reports(3, 2022, seed=1), reports(3, 2023, seed=2)
    register(engine, before)
    assert load(engine, str(write_collection(tmp_path / "y2022", before))).exit_code == 0
    assert load(engine, str(write_collection(tmp_path / "y2023", after))).exit_code == 0
    later = get_filing(engine, "320813-bulk-001", 2023)
    earlier = get_filing(engine, "320813-bulk-001", 2022)
    assert later is not None and "carryover-continuity" in {w["code"] for w in later.warnings}
    assert {w["package"] for w in later.warnings} == {"320813-bulk-001/2023"}
    assert earlier is not None and earlier.warnings == []


def test_one_collection_of_two_years_is_checked_for_continuity(
    engine: Engine, tmp_path: Path, executor: str
) -> None:
    each = reports(3, 2023, seed=2) + reports(3, 2022, seed=1)  # later year first
    register(engine, each)
    assert load(engine, str(write_collection(tmp_path / "both", each))).exit_code == 0
    later = get_filing(engine, "320813-bulk-002", 2023)
    assert later is not None and "carryover-continuity" in {w["code"] for w in later.warnings}


def test_an_unregistered_agency_is_skipped_unless_registered_by_the_load(
    engine: Engine, tmp_path: Path
) -> None:
    each = reports(2)
    register(engine, each[:1])
    collection = write_collection(tmp_path / "national", each)
    refused = load(engine, str(collection))
    assert refused.exit_code == 1 and refused.stdout == SUMMARY.format(1, 0, 1)
    assert "320813-bulk-001 is not in the registry" in refused.stderr
    registered = load(engine, "--register", str(collection))
    assert registered.stdout == SUMMARY.format(1, 1, 0)


def test_the_command_line_limit_is_its_own(engine: Engine, tmp_path: Path) -> None:
    each = reports(3)
    register(engine, each)
    collection = write_collection(tmp_path / "national", each)
    refused = load(engine, "--max-bytes", "1000", str(collection))
    assert refused.exit_code == 1 and refused.stdout == SUMMARY.format(0, 0, 1)
    assert "the limit is 1000 bytes" in refused.stderr
    assert "--max-bytes N or GONGKAI_MAX_LOAD_BYTES" in refused.stderr
    # the uploads' limit does not apply to the command line
    small_uploads = {"GONGKAI_MAX_PACKAGE_BYTES": "1000"}
    assert load(engine, str(collection), env=small_uploads).stdout == SUMMARY.format(3, 0, 0)
    too_small = load(engine, str(collection), env={"GONGKAI_MAX_LOAD_BYTES": "1000"})
    assert too_small.exit_code == 1 and "the limit is 1000 bytes" in too_small.stderr
    unlimited = load(
        engine, "--max-bytes", "0", str(collection), env={"GONGKAI_MAX_LOAD_BYTES": "1000"}
    )
    assert unlimited.stdout == SUMMARY.format(0, 3, 0)


def test_a_report_that_differs_from_the_registry_is_skipped_as_the_api_refuses_it(
    engine: Engine, tmp_path: Path
) -> None:
    # coverage counts the registry's region against the totals' region: a report placed
    # elsewhere than its registry row would be counted as filed where it is not expected
    each = reports(3)
    moved = registry_row(each[1]) | {"region_code": "320812"}
    register(engine, [each[0], each[2]])
    load_agencies(engine, [moved])
    collection = write_collection(tmp_path / "national", each)
    result = load(engine, str(collection))
    assert (result.exit_code, result.stdout) == (1, SUMMARY.format(2, 0, 1))
    assert (
        f"skipped {collection} 320813-bulk-001 2024:\n  reports.csv 与应报告机关名录不一致："
        "region_code 为 320813（名录中为 320812） / reports.csv does not match the registry: "
        "region_code=320813 (registry: 320812)\n"
    ) in result.stderr
    assert get_filing(engine, "320813-bulk-001", 2024) is None
    for region in ("320812", "320813"):
        where = RowFilter(region=region)
        missing = coverage_agencies(engine, 2024, where, status="missing")
        assert coverage_counts(engine, 2024, where).missing == len(missing)
    assert [r["agency_id"] for r in missing_in(engine, "320812")] == ["320813-bulk-001"]


def missing_in(engine: Engine, region: str) -> list[dict[str, object]]:
    return coverage_agencies(engine, 2024, RowFilter(region=region), status="missing")


def refuse_agency(monkeypatch: pytest.MonkeyPatch, agency_id: str) -> None:
    """The store refuses any batch holding a filing of `agency_id`, as a CHECK would."""
    insert = bulk._insert

    def refusing(conn: Connection, added: list[tuple[int, NewFiling, int]], *rest: Any) -> None:
        if any(f.agency_id == agency_id for _, f, _ in added):
            raise IntegrityError("INSERT", {}, Exception("CHECK constraint failed: forced"))
        insert(conn, added, *rest)

    monkeypatch.setattr(bulk, "_insert", refusing)


def test_a_report_the_database_refuses_is_listed_and_the_others_are_filed(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    each = reports(3)
    register(engine, each)
    refuse_agency(monkeypatch, "320813-bulk-001")
    collection = write_collection(tmp_path / "national", each)
    result = load(engine, str(collection))
    assert (result.exit_code, result.stdout) == (1, SUMMARY.format(2, 0, 1))
    assert result.stderr.endswith(
        f"skipped {collection} 320813-bulk-001 2024:\n  数据库拒绝入库 / the database refused "
        "to store it: CHECK constraint failed: forced\n"
    ), result.stderr
    assert get_filing(engine, "320813-bulk-000", 2024) is not None
    assert get_filing(engine, "320813-bulk-001", 2024) is None


def test_a_collection_refused_as_a_whole_is_filed_in_parts_and_counted_once(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its batches are told to the progress bar as they are stored; refused in a later
    batch, the collection is filed a batch at a time, and no report is counted twice."""
    each = reports(4)
    register(engine, each)
    refuse_agency(monkeypatch, "320813-bulk-002")
    monkeypatch.setattr(bulkload, "COLLECTION_CHUNK", 1)
    collection = write_collection(tmp_path / "national", each)
    told: list[int] = []
    outcome = bulkload.load_paths(
        engine, [collection], register=False, max_bytes=10**9, progress=told.append
    )
    assert (outcome.filed, outcome.same, [s for s, _ in outcome.skipped]) == (
        3,
        0,
        [f"{collection} 320813-bulk-002 2024"],
    )
    assert told[:2] == [1, 1] and sum(told) == 4, told


def test_a_collection_is_filed_in_key_order_and_its_skipped_reports_listed_in_its_own(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Filed by agency (the store's indexes grow at one end), a collection's reports that are
    skipped are listed in the order the collection gives them."""
    each = list(reversed(reports(4)))
    register(engine, each)
    refuse_agency(monkeypatch, "320813-bulk-000")
    refuse_agency(monkeypatch, "320813-bulk-002")
    stored: list[str] = []
    insert = bulk._insert

    def noting(conn: Connection, added: list[tuple[int, NewFiling, int]], *rest: Any) -> None:
        stored.extend(f.agency_id for _, f, _ in added)
        insert(conn, added, *rest)

    monkeypatch.setattr(bulk, "_insert", noting)
    collection = write_collection(tmp_path / "national", each)
    outcome = bulkload.load_paths(engine, [collection], register=False, max_bytes=10**9)
    assert [source for source, _ in outcome.skipped] == [
        f"{collection} 320813-bulk-002 2024",
        f"{collection} 320813-bulk-000 2024",
    ]
    assert stored[:4] == sorted(stored[:4]) == [f"320813-bulk-{i:03d}" for i in range(4)]
    assert outcome.filed == 2


def test_a_header_that_only_starts_with_the_standards_is_read_by_the_row_engine(
    engine: Engine, tmp_path: Path, executor: str
) -> None:
    # a trailing space after the last label is valid, but not plain CSV for COPY
    each = reports(1)
    register(engine, each)
    folder = write_package(tmp_path / "spaced", each[0], "2021")
    applications = folder / "applications.csv"
    header, rest = applications.read_text(encoding="utf-8").split("\n", 1)
    applications.write_text(f"{header} \n{rest}", encoding="utf-8")
    result = load(engine, str(folder))
    assert (result.exit_code, result.stdout) == (0, SUMMARY.format(1, 0, 0)), result.stderr
    table = figures_table("applications", "2021")
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(table)).scalar_one()
    assert stored == len(each[0]["applications"]) > 0


def test_a_report_the_database_refuses_registers_no_agency(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    each = reports(3)
    refuse_agency(monkeypatch, "320813-bulk-001")
    collection = write_collection(tmp_path / "national", each)
    result = load(engine, "--register", str(collection))
    assert (result.exit_code, result.stdout) == (1, SUMMARY.format(2, 0, 1))
    with engine.connect() as conn:
        registered = set(conn.execute(select(agencies.c.agency_id)).scalars())
    assert registered == {"320813-bulk-000", "320813-bulk-002"}


def test_a_blank_line_of_a_collection_is_listed_as_validate_lists_it(
    engine: Engine, tmp_path: Path, executor: str
) -> None:
    each = reports(30 if executor == "columns" else 3)
    register(engine, each)
    collection = write_collection(tmp_path / "national", each)
    for name, at in (("reports", 2), ("reviews", 3)):
        path = collection / f"{name}.csv"
        lines = path.read_text(encoding="utf-8").split("\n")
        lines.insert(at, "" if name == "reports" else ",,,")
        path.write_text("\n".join(lines), encoding="utf-8")
    validated = CliRunner().invoke(main, ["validate", str(collection)])
    assert "[blank-row] reports.csv，第3行" in validated.stdout, validated.stdout
    result = load(engine, str(collection))
    assert (result.exit_code, result.stdout) == (1, SUMMARY.format(len(each), 0, 1))
    assert result.stderr.endswith(
        f"skipped {collection}:\n"
        "  reports.csv 第 3 行：空行 / reports.csv line 3: blank row\n"
        "  reviews.csv 第 4 行：空行 / reviews.csv line 4: blank row\n"
    ), result.stderr


def test_folders_filed_while_the_next_are_validated_still_find_last_year(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into PostgreSQL a chunk of folders is filed on a thread while the next is read and
    validated: a chunk that holds last year's report of the next one's is filed before that
    one looks for it. The filing of each chunk is held back until the next chunk looks for
    last year's reports (or a while has passed): looked for too early, they would be missing."""
    import threading

    before, after = reports(3, 2022, seed=1), reports(3, 2023, seed=2)
    register(engine, before)
    folders = [
        write_package(tmp_path / f"{i}-{t['reports'][0]['year']}", t, "2021", title="x")
        for i, t in enumerate(before + after)  # chunks of two: 2022's last one with a 2023
    ]
    (tmp_path / "9-broken").mkdir()
    monkeypatch.setattr(bulkload, "CHUNK_REPORTS", 2)
    events: list[tuple[str, set[tuple[str, int]]]] = []
    looked = threading.Event()
    file_many, stored_packages = bulkload.file_many, bulkload.stored_packages

    threaded = engine.dialect.name == "postgresql"

    def filing(engine: Engine, batch: list[NewFiling], *rest: Any) -> Any:
        if threaded:
            looked.clear()
            looked.wait(2)
        receipts = file_many(engine, batch, *rest)
        events.append(("filed", {(f.agency_id, f.year) for f in batch}))
        return receipts

    def looking(engine: Engine, keys: set[tuple[str, int]]) -> Any:
        events.append(("looked for", set(keys)))
        looked.set()
        return stored_packages(engine, keys)

    monkeypatch.setattr(bulkload, "file_many", filing)
    monkeypatch.setattr(bulkload, "stored_packages", looking)
    result = load(engine, *map(str, folders), str(tmp_path / "9-broken"))
    assert (result.exit_code, result.stdout) == (1, SUMMARY.format(6, 0, 1))
    filed: set[tuple[str, int]] = set()
    for what, keys in events:
        if what == "filed":
            filed |= keys
        else:
            assert keys <= filed | {(k, y) for k, y in keys if y != 2022}, events
    for agency in ("320813-bulk-000", "320813-bulk-001", "320813-bulk-002"):
        later = get_filing(engine, agency, 2023)
        assert later is not None and "carryover-continuity" in {w["code"] for w in later.warnings}
    monkeypatch.setattr(bulkload, "file_many", file_many)
    again = load(engine, *map(str, folders))
    assert (again.exit_code, again.stdout) == (0, SUMMARY.format(0, 6, 0))


def test_a_line_break_outside_a_quoted_cell_is_listed_as_validate_lists_it(
    engine: Engine, tmp_path: Path, executor: str
) -> None:
    """A quote in mid-cell opens no quoted cell: a line break after it ends the record, as a
    CSV reader reads it. The load lists what is wrong (no traceback), as `validate` does."""
    each = reports(30 if executor == "columns" else 3)
    register(engine, each)
    collection = write_collection(tmp_path / "national", each)
    path = collection / "reports.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    cells = lines[2].split(",")
    cells[2] = 'a"b\nc"d'  # agency_name of the second report
    lines[2] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    validated = CliRunner().invoke(main, ["validate", str(collection)])
    result = load(engine, str(collection))
    assert (validated.exit_code, result.exit_code) == (1, 1)
    listed = {line.split()[0] for line in result.stderr.split("\n") if line.startswith("  ")}
    found = {code.split("]")[0] for code in validated.stdout.split("[")[1:]}
    if executor == "rows":
        # Frictionless sniffs the table's dialect from a sample holding the stray quote and
        # takes the broken line for the header: the collection is wrong as a whole
        assert result.stdout == SUMMARY.format(0, 0, 1), result.stderr
        assert listed - {_COLLECTION_REFUSED} <= found and "incorrect-label" in listed
        return
    # the second report's line is two records: the first report's, cut short, and one of
    # its own (agency c"d); the reports after them are read as they are
    assert result.stdout == SUMMARY.format(len(each) - 1, 0, 2), result.stderr
    assert f"skipped {collection} 320813-bulk-001 2024:\n" in result.stderr
    assert f'skipped {collection} c"d 320813:\n' in result.stderr
    assert listed <= found and "missing-cell" in listed, (listed, found)


_COLLECTION_REFUSED = "整个汇总包有误，其中的报告均未入库"


@pytest.mark.parametrize("count", [0, 1, 3, 2_501, 42_000])
def test_a_collections_batches_cover_it_once_the_first_ones_smaller(count: int) -> None:
    bounds = list(bulkload._chunk_bounds(count))
    assert [start for start, _ in bounds] == [0, *(end for _, end in bounds)][: len(bounds)]
    assert (bounds[-1][1] if bounds else 0) == count
    sizes = [end - start for start, end in bounds]
    assert all(0 < size <= bulkload.COLLECTION_CHUNK for size in sizes)
    assert sizes[:-1] == sorted(sizes[:-1])  # rising to COLLECTION_CHUNK, then the rest
    assert count < 42_000 or sizes[0] <= bulkload.COLLECTION_CHUNK // 4
