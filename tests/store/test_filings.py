"""Filing into the store: versions, idempotency, blanks as NULL, every version readable."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from conftest_db import DATASETS, report_tables
from gongkai.package import read_package
from gongkai.store.filings import NewFiling, file_report, new_filing
from gongkai.store.queries import filed_files, filing_tables, get_filing, versions
from gongkai.store.registry import load_agencies
from gongkai.store.tables import filings, heads
from gongkai.validation import validate


def _filing(tables: dict, sha: str = "a" * 64) -> NewFiling:
    r = tables["reports"][0]
    return NewFiling(r["agency_id"], r["year"], "2021", sha, {"reports.csv": b"x"}, tables)


def _register(engine: Engine, tables: dict) -> None:
    load_agencies(engine, [tables["reports"][0]])


def test_dataset_package_round_trips(engine: Engine) -> None:
    result = validate(read_package(DATASETS / "huaian-city-2024"))
    assert result.valid
    _register(engine, result.tables)
    receipt = file_report(engine, new_filing(result))
    assert (receipt.version, receipt.created) == (1, True)
    filing = get_filing(engine, "320800-huaian-government", 2024)
    assert filing is not None and filing.sha256 == result.package.sha256
    stored = filing_tables(engine, filing)
    assert stored == result.tables
    assert stored["proactive"][0]["fees_amount"] == Decimal("96171.6")
    files = filed_files(engine, filing.id)
    assert files["applications.csv"] == result.package.files["applications"]


def test_blank_stays_null(engine: Engine) -> None:
    tables = report_tables(
        "320813-blank-test",
        2023,
        region_code="320813",
        blank_proactive=("fees_amount", "penalty_decisions"),
    )
    _register(engine, tables)
    file_report(engine, _filing(tables))
    filing = get_filing(engine, "320813-blank-test", 2023)
    assert filing is not None
    row = filing_tables(engine, filing)["proactive"][0]
    assert row["fees_amount"] is None and row["penalty_decisions"] is None
    assert row["licensing_decisions"] == tables["proactive"][0]["licensing_decisions"]


def test_identical_is_idempotent_and_correction_is_new_version(engine: Engine) -> None:
    first = report_tables("320813-ver-test", 2023, region_code="320813", seed=1)
    second = report_tables("320813-ver-test", 2023, region_code="320813", seed=2)
    _register(engine, first)
    r1 = file_report(engine, _filing(first, "1" * 64))
    again = file_report(engine, _filing(first, "1" * 64))
    assert (again.filing_id, again.version, again.created) == (r1.filing_id, 1, False)
    r2 = file_report(engine, _filing(second, "2" * 64))
    assert (r2.version, r2.created) == (2, True)
    assert [(v["version"], v["current"]) for v in versions(engine, "320813-ver-test")] == [
        (1, False),
        (2, True),
    ]
    old = get_filing(engine, "320813-ver-test", 2023, version=1)
    current = get_filing(engine, "320813-ver-test", 2023)
    assert old is not None and current is not None and current.version == 2
    assert filing_tables(engine, old)["reviews"] == first["reviews"]
    assert filing_tables(engine, current)["reviews"] == second["reviews"]


def test_unregistered_agency_is_refused_by_the_database(engine: Engine) -> None:
    tables = report_tables("320813-nobody", 2023, region_code="320813")
    with pytest.raises(IntegrityError):
        file_report(engine, _filing(tables))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(filings)).scalar() == 0


def test_racing_filings_both_become_versions(engine: Engine) -> None:
    """Eight threads file different packages for one agency and year at once."""
    base = report_tables("320813-race-test", 2023, region_code="320813")
    _register(engine, base)
    packages = [
        _filing(report_tables("320813-race-test", 2023, region_code="320813", seed=i), f"{i:064d}")
        for i in range(8)
    ]
    barrier = threading.Barrier(len(packages))
    receipts = []
    errors = []

    def run(p: NewFiling) -> None:
        barrier.wait()
        try:
            receipts.append(file_report(engine, p))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(p,)) for p in packages]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(r.version for r in receipts) == list(range(1, 9))
    with engine.connect() as conn:
        assert conn.execute(select(heads.c.version)).scalar() == 8
        assert conn.execute(select(func.count()).select_from(filings)).scalar() == 8
    for r in receipts:  # each version holds exactly its own package's figures
        f = get_filing(engine, "320813-race-test", 2023, version=r.version)
        assert f is not None and f.sha256 == r.sha256
        expected = next(p for p in packages if p.sha256 == r.sha256)
        assert filing_tables(engine, f)["reviews"] == expected.tables["reviews"]


def test_stored_warnings_name_the_report_not_a_local_path() -> None:
    result = validate(read_package(DATASETS / "wutongqiao-transport-2022"))
    warnings = new_filing(result).warnings
    assert warnings and {w["package"] for w in warnings} == {
        "511112-wutongqiao-transport-bureau/2022"
    }
