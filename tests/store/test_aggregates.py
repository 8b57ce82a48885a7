"""Store aggregates: exact decimal sums, blanks counted, only current versions, coverage."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Engine, select, update

from conftest_db import report_tables
from gongkai.store.aggregates import aggregate
from gongkai.store.coverage import coverage_agencies, coverage_by_group, coverage_counts
from gongkai.store.filings import NewFiling, file_report
from gongkai.store.queries import RowFilter
from gongkai.store.registry import create_token, load_agencies
from gongkai.store.tables import filings


def _file(engine: Engine, agency_id: str, fees: Decimal | None, seed: int = 0) -> dict:
    tables = report_tables(agency_id, 2023, region_code="320813", seed=seed)
    tables["proactive"][0]["fees_amount"] = fees
    load_agencies(engine, [tables["reports"][0]])
    file_report(
        engine, NewFiling(agency_id, 2023, "2021", f"{agency_id}-{seed}".ljust(64, "0"), {}, tables)
    )
    return tables


def test_amounts_sum_exactly_and_blanks_are_counted(engine: Engine) -> None:
    _file(engine, "320813-a-agency", Decimal("0.1"))
    _file(engine, "320813-b-agency", Decimal("0.2"))
    _file(engine, "320813-c-agency", Decimal("1234567.0001"))
    _file(engine, "320813-d-agency", None)
    (group,) = aggregate(engine, "proactive", "2021", RowFilter(year=2023), "county")
    assert group.rows[0]["fees_amount"] == Decimal("1234567.3001")
    assert group.counts[0]["fees_amount"] == {"reported": 3, "blank": 1}
    assert group.reports == 4


def test_only_the_current_version_counts(engine: Engine) -> None:
    first = _file(engine, "320813-v-agency", Decimal("5"), seed=1)
    second = _file(engine, "320813-v-agency", Decimal("7"), seed=2)
    (group,) = aggregate(engine, "reviews", "2021", RowFilter(year=2023), "year")
    assert group.key == "2023" and group.reports == 1
    assert group.rows[0]["review_total"] == second["reviews"][0]["review_total"]
    assert first["reviews"] != second["reviews"]
    assert group.coverage.expected == group.coverage.valid == 1


def test_coverage_groups_the_registry(engine: Engine) -> None:
    load_agencies(
        engine,
        [
            {
                "agency_id": "320813-x-agency",
                "agency_name": "甲",
                "region_code": "320813",
                "level": "county",
                "scope": "agency",
            },
            {
                "agency_id": "321300-y-agency",
                "agency_name": "乙",
                "region_code": "321300",
                "level": "city",
                "scope": "agency",
            },
            {
                "agency_id": "511112-z-agency",
                "agency_name": "丙",
                "region_code": "511112",
                "level": "county",
                "scope": "agency",
            },
        ],
    )
    _file(engine, "320813-a-agency", Decimal("1"))
    cov = coverage_by_group(engine, RowFilter(year=2023), "province")
    assert {k: (c.expected, c.valid, c.missing) for k, c in cov.items()} == {
        "320000": (3, 1, 2),
        "510000": (1, 0, 1),
    }
    cov = coverage_by_group(engine, RowFilter(year=2023, region="320800"), "city")
    assert {k: (c.expected, c.valid) for k, c in cov.items()} == {"320800": (2, 1)}


def test_lateness_is_judged_on_the_first_filing_not_a_later_correction(engine: Engine) -> None:
    year = date.today().year  # its deadline (next year) has not passed: filed on time
    for seed in (1, 2):
        tables = report_tables("320813-late-agency", year, region_code="320813", seed=seed)
        load_agencies(engine, [tables["reports"][0]])
        sha = f"late-{seed}".ljust(64, "0")
        filing = NewFiling("320813-late-agency", year, "2021", sha, {}, tables)
        file_report(engine, filing, token_id=create_token(engine, "admin")[0])
    with engine.begin() as conn:  # the correction came after the deadline
        conn.execute(
            update(filings)
            .where(filings.c.version == 2, filings.c.agency_id == "320813-late-agency")
            .values(received_at=datetime(year + 1, 6, 1, tzinfo=UTC))
        )
    (report,) = coverage_agencies(engine, year, RowFilter(), status="valid")
    assert (report["version"], report["status"]) == (2, "filed")


def _filed(
    engine: Engine, agency_id: str, published_on: str | None, **how: object
) -> dict[str, object]:
    """A 2023 report filed well after its deadline (today), as `how` says."""
    tables = report_tables(agency_id, 2023, region_code="320813")
    if published_on is not None:
        tables["reports"][0]["published_on"] = date.fromisoformat(published_on)
    load_agencies(engine, [tables["reports"][0]])
    token_id = create_token(engine, "admin")[0] if how.pop("api", False) else None
    sha = f"{agency_id}-origin".ljust(64, "0")
    filing = NewFiling(agency_id, 2023, "2021", sha, {}, tables, imported=bool(how.get("imported")))
    file_report(engine, filing, token_id=token_id)
    (report,) = [
        r
        for r in coverage_agencies(engine, 2023, RowFilter(), status="valid")
        if r["agency_id"] == agency_id
    ]
    return report


def test_lateness_of_a_loaded_or_imported_report_without_its_date_is_unknown(
    engine: Engine,
) -> None:
    # the time of a bulk load or of an import says nothing of when the report came out
    assert _filed(engine, "320813-loaded-agency", None)["status"] == "unknown"
    imported = _filed(engine, "320813-imported-agency", None, api=True, imported=True)
    assert imported["status"] == "unknown"
    # filed through the API by its agency: the time of filing is when it came (today: late)
    assert _filed(engine, "320813-filed-agency", None, api=True)["status"] == "late"
    # the printed date decides, however the report came
    assert _filed(engine, "320813-dated-late-agency", "2024-02-01")["status"] == "late"
    assert _filed(engine, "320813-dated-ontime-agency", "2024-01-20")["status"] == "filed"
    counts = coverage_counts(engine, 2023, RowFilter())
    assert (counts.late, counts.unknown) == (2, 2)
    listed = coverage_agencies(engine, 2023, RowFilter())
    assert {r["agency_id"]: r["status"] for r in listed} == {
        "320813-loaded-agency": "unknown",
        "320813-imported-agency": "unknown",
        "320813-filed-agency": "late",
        "320813-dated-late-agency": "late",
        "320813-dated-ontime-agency": "filed",
    }
    with engine.connect() as conn:
        origins = dict(conn.execute(select(filings.c.agency_id, filings.c.origin)).all())
    assert origins == {
        "320813-loaded-agency": "load",
        "320813-imported-agency": "import",
        "320813-filed-agency": "api",
        "320813-dated-late-agency": "load",
        "320813-dated-ontime-agency": "load",
    }
