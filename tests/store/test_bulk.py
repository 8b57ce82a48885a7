"""Filing in bulk (gongkai.store.bulk) against file_report, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
import sqlite3
import threading
from collections import defaultdict
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, exists, func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

import tests.store.test_totals as totals_test
from conftest_db import DATASETS, registry_row, report_tables
from gongkai.package import package_files, package_from_files, read_package
from gongkai.standard import TABLE_NAMES
from gongkai.store import bulk
from gongkai.store.bulk import file_many, stored_packages
from gongkai.store.filings import NewFiling, file_report, new_filing
from gongkai.store.registry import load_agencies
from gongkai.store.tables import (
    agencies,
    figures,
    figures_table,
    filing_files,
    filings,
    heads,
    metadata,
)
from gongkai.validation import validate
from gongkai.validation.values import PackageReader


def _filing(tables: dict[str, list[dict[str, Any]]]) -> NewFiling:
    files = package_files(tables, "2021", name="x")
    package = package_from_files(files, "x")
    result = validate(package)
    assert result.valid, result.errors
    return new_filing(result)


def _figures(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every figures row, without the filing id (which differs between two stores)."""
    found = {}
    with engine.connect() as conn:
        for fmt in ("2021", "2019"):
            for name in TABLE_NAMES:
                table = figures_table(name, fmt)
                columns = [c for c in table.c if c.name != "filing_id"]
                rows = conn.execute(select(*columns).order_by(*columns)).all()
                found[table.name] = [tuple(r) for r in rows]
    return found


def _empty(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            if table.name != "agencies":
                conn.execute(table.delete())


def test_bulk_filing_stores_what_file_report_stores(engine: Engine) -> None:
    results = [validate(read_package(p)) for p in sorted(DATASETS.iterdir())]
    load_agencies(engine, [r.report for r in results if r.report])
    for result in results:
        file_report(engine, new_filing(result))
    one_by_one = _figures(engine)
    _empty(engine)
    values = PackageReader()
    # the rows read again from the files, as a load of many packages reads them
    batch = [
        replace(
            new_filing(r),
            tables={t: values.rows(r.format, t, r.package.files[t]) for t in TABLE_NAMES},
        )
        for r in results
    ]
    receipts = file_many(engine, batch)
    assert [r.created for r in receipts] == [True] * len(batch)
    assert _figures(engine) == one_by_one
    assert sum(len(rows) for rows in one_by_one.values()) > 100
    if engine.dialect.name == "postgresql":
        # without typed rows: the COPY text is made from the CSV files themselves
        _empty(engine)
        file_many(engine, [replace(f, tables={}) for f in batch])
        assert _figures(engine) == one_by_one


def test_corrections_in_one_batch_are_the_next_versions(engine: Engine) -> None:
    first = report_tables("320813-bulk-a", 2024, region_code="320813", seed=1)
    second = report_tables("320813-bulk-a", 2024, region_code="320813", seed=2)
    load_agencies(engine, [registry_row(first)])
    one, two = _filing(first), _filing(second)
    receipts = file_many(engine, [one, two, two, one])
    assert [(r.version, r.created) for r in receipts] == [
        (1, True),
        (2, True),
        (2, False),
        (3, True),
    ]
    with engine.connect() as conn:
        head = conn.execute(select(heads.c.version, heads.c.filing_id)).one()
    assert tuple(head) == (3, receipts[3].filing_id)
    stored = stored_packages(engine, [("320813-bulk-a", 2024)])
    assert [p.sha256 for p in stored] == [one.sha256]
    assert [r.created for r in file_many(engine, [one])] == [False]


def test_two_loads_racing_file_each_report_once(engine: Engine) -> None:
    each = [
        report_tables(f"320813-race-{i:02d}", 2024, region_code="320813", seed=i) for i in range(12)
    ]
    load_agencies(engine, [registry_row(t) for t in each])
    batch = [_filing(t) for t in each]
    start = threading.Barrier(2)
    outcomes: list[list[bool]] = []

    def run(order: list[NewFiling]) -> None:
        start.wait()
        outcomes.append([r.created for r in file_many(engine, order)])

    threads = [
        threading.Thread(target=run, args=(batch,)),
        threading.Thread(target=run, args=(batch[::-1],)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(map(sum, outcomes)) == len(batch)  # each report filed by one of the two
    with engine.connect() as conn:
        assert set(conn.execute(select(heads.c.version)).scalars()) == {1}


@pytest.mark.parametrize("seed", [3, 4])
def test_bulk_loads_keep_the_totals(engine: Engine, seed: int) -> None:
    """Batches with first filings, corrections (some in the same batch) and repeats: the
    maintained totals equal a recomputation from the raw rows."""
    rng = random.Random(seed)
    totals_test._register(engine)
    filed: dict[tuple[str, int], list[NewFiling]] = defaultdict(list)
    for batch_number in range(6):
        batch = []
        for step in range(12):
            agency_id, year = (
                rng.choice(list(totals_test.AGENCIES)),
                rng.choice(list(totals_test.YEARS)),
            )
            earlier = filed[(agency_id, year)]
            if earlier and rng.random() < 0.3:
                filing = rng.choice(earlier)  # the current content again, or an earlier one
            else:
                tables = totals_test.random_tables(rng, agency_id, year)
                sha = f"b{seed}-{batch_number}-{step}".ljust(64, "0")
                filing = NewFiling(agency_id, year, totals_test.YEARS[year], sha, {}, tables)
            earlier.append(filing)
            batch.append(filing)
        file_many(engine, batch)
    with engine.connect() as conn:
        assert max(conn.execute(select(heads.c.version)).scalars()) > 2
    expected = totals_test.recomputed_totals(engine)
    assert sum(len(rows) for rows in expected.values()) > 50
    assert totals_test.stored_totals(engine) == expected


class _Refusal(Exception):
    """A driver error with a PostgreSQL SQLSTATE."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"refused ({sqlstate})")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("sqlstate", "tries"),
    [("23514", 1), ("23503", 1), ("40001", 2), ("40P01", 2), ("23505", 2)],
)
def test_only_a_race_is_tried_again(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, sqlstate: str, tries: int
) -> None:
    """A check or foreign key refused is refused again: raised at once, for the caller to
    split the batch; a serialization failure, deadlock or unique key taken meanwhile is a
    race, tried again (here it succeeds the second time)."""
    tables = report_tables("320813-bulk-a", 2024, region_code="320813", seed=1)
    load_agencies(engine, [registry_row(tables)])
    calls: list[int] = []
    insert = bulk._insert

    def refusing_once(conn: Connection, *args: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError("COPY", {}, _Refusal(sqlstate))
        insert(conn, *args)

    monkeypatch.setattr(bulk, "_insert", refusing_once)
    filing = _filing(tables)
    if tries == 1:
        with pytest.raises(IntegrityError):
            file_many(engine, [filing])
        assert stored_packages(engine, [("320813-bulk-a", 2024)]) == []
    else:
        assert [r.created for r in file_many(engine, [filing])] == [True]
    assert len(calls) == tries


def test_a_locked_sqlite_database_is_a_race_and_a_check_is_not() -> None:
    locked = sqlite3.OperationalError("database is locked")
    locked.sqlite_errorname = "SQLITE_BUSY"
    check = sqlite3.IntegrityError("CHECK constraint failed: x")
    check.sqlite_errorname = "SQLITE_CONSTRAINT_CHECK"
    assert bulk.is_race(OperationalError("BEGIN", {}, locked))
    assert not bulk.is_race(IntegrityError("INSERT", {}, check))
    assert not bulk.is_race(IntegrityError("INSERT", {}, Exception("no code")))


def test_new_agencies_are_registered_with_their_filings_only(engine: Engine) -> None:
    tables = report_tables("320813-bulk-new", 2024, region_code="320813", seed=1)
    row = registry_row(tables)
    other = {**row, "agency_id": "320813-bulk-other"}
    filing = _filing(tables)
    file_many(engine, [filing], {"320813-bulk-new": row, "320813-bulk-other": other})
    with engine.connect() as conn:
        ids = set(conn.execute(select(agencies.c.agency_id)).scalars())
    assert "320813-bulk-new" in ids and "320813-bulk-other" not in ids


def _rows_without_filing(engine: Engine) -> int:
    """Figures and file rows whose filing is not stored (they have no foreign key: 0008)."""
    tables = [filing_files, *{id(t): t for t in figures.values()}.values()]
    with engine.connect() as conn:
        return sum(
            conn.execute(
                select(func.count())
                .select_from(table)
                .where(~exists().where(filings.c.id == table.c.filing_id))
            ).scalar_one()
            for table in tables
        )


def test_every_stored_row_has_its_filing(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch refused after its rows went in leaves none of them; a stored batch's rows all
    belong to its filings."""
    each = [report_tables(f"320813-bulk-{i}", 2024, region_code="320813", seed=i) for i in range(3)]
    load_agencies(engine, [registry_row(t) for t in each])
    batch = [_filing(t) for t in each]

    def refused(*args: Any, **kwargs: Any) -> None:
        raise IntegrityError("UPDATE", {}, Exception("refused after the rows went in"))

    monkeypatch.setattr(bulk, "apply_filings", refused)
    with pytest.raises(IntegrityError):
        file_many(engine, batch)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(filing_files)).scalar_one() == 0
    monkeypatch.undo()
    file_many(engine, batch)
    file_many(engine, [replace(batch[0], sha256="c" * 64)])  # a correction
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(filing_files)).scalar_one() > 0
    assert _rows_without_filing(engine) == 0


def _bulk_filing(rng: random.Random, agency_id: str, region: str, sha: str) -> NewFiling:
    tables = totals_test.random_tables(rng, agency_id, 2023)
    tables["reports"][0]["region_code"] = region
    return NewFiling(agency_id, 2023, "2021", sha.ljust(64, "0"), {}, tables)


def test_staged_totals_add_to_existing_groups_create_new_ones_and_drop_emptied(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every batch through the bulk path of the totals (on PostgreSQL: staging tables, UPDATE
    then INSERT): one batch adds to groups that exist and creates others, and its correction
    moves a report out of a county, whose rows go."""
    monkeypatch.setattr(totals_test.totals_module, "BULK", 1)
    totals_test._register(engine)
    rng = random.Random(11)
    file_many(
        engine,
        [
            _bulk_filing(rng, "320813-t-education", "320813", "s1"),
            _bulk_filing(rng, "320800-t-government", "320800", "s2"),
            _bulk_filing(rng, "511112-t-police", "511112", "s3"),
        ],
    )
    before = {k for rows in totals_test.stored_totals(engine).values() for k in rows}
    assert totals_test.stored_totals(engine) == totals_test.recomputed_totals(engine)
    file_many(
        engine,
        [
            _bulk_filing(rng, "320813-t-education", "320803", "s4"),  # a correction, moved
            _bulk_filing(rng, "320800-t-finance", "320800", "s5"),
            _bulk_filing(rng, "110000-t-office", "110000", "s6"),
        ],
    )
    stored = totals_test.stored_totals(engine)
    assert stored == totals_test.recomputed_totals(engine)
    after = {k for rows in stored.values() for k in rows}
    assert before & after  # groups added to (320000, 320800, 511112 …)
    assert after - before  # groups created (110000, 320803 …)
    regions = {key[3] for key in after}
    assert "320813" not in regions and "320803" in regions


@pytest.mark.parametrize("bulk_from", [1, 1000])
def test_batches_filed_in_one_transaction_move_the_totals_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, bulk_from: int
) -> None:
    """Several batches in one transaction (a collection's load): a report corrected in a
    later batch counts once, by its last version; the totals equal a recomputation; each
    batch is told as it is stored; and a refusal in the last batch leaves none of them."""
    monkeypatch.setattr(totals_test.totals_module, "BULK", bulk_from)
    totals_test._register(engine)
    rng = random.Random(13)
    first = [
        _bulk_filing(rng, "320813-t-education", "320813", "b1"),
        _bulk_filing(rng, "320800-t-government", "320800", "b2"),
    ]
    second = [
        _bulk_filing(rng, "320813-t-education", "320803", "b3"),  # corrected, moved
        _bulk_filing(rng, "511112-t-police", "511112", "b4"),
    ]
    third = [_bulk_filing(rng, "320813-t-education", "320803", "b5")]  # corrected again
    told: list[int] = []

    def refused(*args: Any, **kwargs: Any) -> None:
        raise IntegrityError("UPDATE", {}, Exception("refused in the last batch"))

    with monkeypatch.context() as patched:
        patched.setattr(bulk, "apply_filings", refused)
        with pytest.raises(IntegrityError):
            bulk.file_in_one(engine, lambda: [first, second, third], stored=told.append)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(filings)).scalar_one() == 0
    told.clear()
    receipts = bulk.file_in_one(engine, lambda: [first, second, third], stored=told.append)
    assert told == [2, 2, 1]
    assert [(r.agency_id, r.version, r.created) for r in receipts] == [
        ("320813-t-education", 1, True),
        ("320800-t-government", 1, True),
        ("320813-t-education", 2, True),
        ("511112-t-police", 1, True),
        ("320813-t-education", 3, True),
    ]
    stored = totals_test.stored_totals(engine)
    assert stored == totals_test.recomputed_totals(engine)
    regions = {key[3] for rows in stored.values() for key in rows}
    assert "320803" in regions and "320813" not in regions


@pytest.mark.parametrize("spaced", [False, True], ids=["ids-in-a-run", "ids-spaced"])
def test_new_filings_stage_their_totals_batch_after_batch(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, spaced: bool
) -> None:
    """A year's first load in several batches, none replacing another: on PostgreSQL each
    batch's county sums are staged as it is stored (a last batch smaller than BULK too), a
    county whose agencies are in two batches is summed once, and the totals equal a
    recomputation on either database. A batch's filings are chosen by their range of ids
    when they are a run of ids, else by their ids (another load took ids between them)."""
    monkeypatch.setattr(totals_test.totals_module, "BULK", 2)
    if spaced:
        reserve = bulk._reserve_ids
        monkeypatch.setattr(bulk, "_reserve_ids", lambda conn, n: reserve(conn, 2 * n)[::2])
    runs: list[bool] = []
    stage = totals_test.totals_module._staged_county

    def staged_county(source_name: str, replacing: bool, run: bool = False) -> Any:
        runs.append(run)
        return stage(source_name, replacing, run)

    monkeypatch.setattr(totals_test.totals_module, "_staged_county", staged_county)
    totals_test._register(engine)
    rng = random.Random(17)

    def in_county(agency_id: str, sha: str) -> NewFiling:
        filing = _bulk_filing(rng, agency_id, "320813", sha)
        filing.tables["reports"][0].update(level="county", scope="agency")
        return filing

    first = [in_county("320813-t-education", "n1"), in_county("320800-t-finance", "n2")]
    second = [
        in_county("320813-t-transport", "n3"),  # the same county as the first batch's
        _bulk_filing(rng, "511112-t-police", "511112", "n4"),
    ]
    third = [_bulk_filing(rng, "110000-t-office", "110000", "n5")]
    staged_batches: list[int] = []
    move = totals_test.totals_module.move_in_bulk

    def moved(conn: Connection, ids: dict[str, Any], staged: Any = None) -> None:
        staged_batches.append(0 if staged is None else staged.batches)
        move(conn, ids, staged)

    monkeypatch.setattr(totals_test.totals_module, "move_in_bulk", moved)
    receipts = bulk.file_in_one(engine, lambda: [first, second, third])
    assert [r.created for r in receipts] == [True] * 5
    postgresql = engine.dialect.name == "postgresql"
    assert staged_batches == ([3] if postgresql else [])
    if postgresql:  # every figures table staged in each batch; the third's one id is a run
        tables = len(totals_test.totals_module._pairs())
        assert runs == [not spaced] * (2 * tables) + [True] * tables
    stored = totals_test.stored_totals(engine)
    assert stored == totals_test.recomputed_totals(engine)
    county = [
        key
        for key in stored["totals_reports"]
        if key[1] == "county" and key[3] == "320813" and key[4:6] == ("county", "agency")
    ]
    assert len(county) == 1 and stored["totals_reports"][county[0]][0] == 3  # its reports


def test_a_bulk_batch_beside_single_filings_keeps_the_totals(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bulk batch (its totals staged, the tables locked against writers) while single
    filings of the same province run: all of them filed, totals exact."""
    monkeypatch.setattr(totals_test.totals_module, "BULK", 1)
    totals_test._register(engine)
    rng = random.Random(12)
    batch = [
        _bulk_filing(rng, agency_id, region, f"m{i}")
        for i, (agency_id, region) in enumerate(
            [("320813-t-education", "320813"), ("320800-t-government", "320800")]
        )
    ]
    singles = [
        _bulk_filing(rng, agency_id, region, f"r{i}")
        for i, (agency_id, region) in enumerate(
            [("320813-t-transport", "320813"), ("320800-t-finance", "320800")] * 2
        )
    ]
    barrier = threading.Barrier(1 + len(singles))
    errors: list[BaseException] = []

    def run(work: Any) -> None:
        barrier.wait()
        try:
            work()
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(lambda: file_many(engine, batch),))]
    threads += [
        threading.Thread(target=run, args=(lambda f=f: file_report(engine, f),)) for f in singles
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    expected = totals_test.recomputed_totals(engine)
    province = [
        row[0]
        for key, row in expected["totals_reports"].items()
        if key[1:4:2] == ("province", "320000")
    ]
    assert sum(province) == 4  # the current version of each of the province's four agencies
    assert totals_test.stored_totals(engine) == expected


def test_bulk_loads_keep_the_totals_when_staged(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The random batches above, every one through the bulk path of the totals."""
    monkeypatch.setattr(totals_test.totals_module, "BULK", 1)
    test_bulk_loads_keep_the_totals(engine, 5)


def test_filed_files_are_compressed_with_lz4_where_the_server_has_it(engine: Engine) -> None:
    """A folder's datapackage.json (~31 KB) is compressed as it is stored: lz4, not pglz."""
    if engine.dialect.name != "postgresql":
        pytest.skip("compression of stored values is PostgreSQL's")
    with engine.connect() as conn:
        has_lz4 = conn.execute(
            text(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                "WHERE name = 'default_toast_compression'"
            )
        ).scalar_one()
        before = conn.execute(text("SHOW default_toast_compression")).scalar_one()
    tables = report_tables("320813-bulk-lz4", 2024, region_code="320813", seed=5)
    load_agencies(engine, [registry_row(tables)])
    filing = _filing(tables)
    descriptor = ('{"title": "' + "年度报告 " * 4000 + '"}\n').encode()  # compressible
    file_many(engine, [replace(filing, files={**filing.files, "datapackage.json": descriptor})])
    with engine.connect() as conn:
        method, content = conn.execute(
            select(
                func.pg_column_compression(filing_files.c.content), filing_files.c.content
            ).where(filing_files.c.name == "datapackage.json")
        ).one()
        default = conn.execute(text("SHOW default_toast_compression")).scalar_one()
    assert bytes(content) == descriptor
    assert method == ("lz4" if has_lz4 else before)
    assert default == before  # set for the load's transaction only
