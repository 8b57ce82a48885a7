"""The maintained totals equal a recomputation from the raw rows of the current versions, total
for total, after random filings and corrections (both formats, blanks, moves between regions,
corrections back to earlier content), on SQLite and PostgreSQL."""

from __future__ import annotations

import random
import threading
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, select

from gongkai.standard import TABLE_NAMES, load_standard, publication_deadline
from gongkai.store import totals as totals_module
from gongkai.store.db import downgrade, upgrade
from gongkai.store.filings import NewFiling, file_report
from gongkai.store.registry import create_token, load_agencies
from gongkai.store.tables import (
    GRAINS,
    REPORTED,
    TOTALS_KEYS,
    agencies,
    derived_region_columns,
    figures,
    filings,
    heads,
    totals,
)
from gongkai.store.totals import apply_filings, rebuild

# agency -> the regions, levels and scopes its reports may give (a correction may move it)
AGENCIES = {
    "320813-t-education": [("320813", "county", "agency"), ("320803", "county", "agency")],
    "320813-t-transport": [("320813", "county", "agency")],
    "320800-t-government": [("320800", "city", "government")],
    "320800-t-finance": [("320800", "city", "agency"), ("320800", "county", "agency")],
    "511112-t-police": [("511112", "county", "agency")],
    "110000-t-office": [("110000", "province", "agency"), ("110000", "province", "government")],
}
YEARS = {2019: "2019", 2020: "2019", 2022: "2021", 2023: "2021"}


def random_tables(rng: random.Random, agency_id: str, year: int) -> dict[str, list[dict]]:
    """A report of `year`'s format with random figures, about a fifth of them blank (the
    store keeps what it is given: these need not satisfy the rules)."""
    fmt = load_standard().formats[YEARS[year]]
    region, level, scope = rng.choice(AGENCIES[agency_id])
    key = {"agency_id": agency_id, "year": year}

    def figures_of(table: str) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for field in fmt.tables[table].value_fields:
            if rng.random() < 0.2:
                row[field.name] = None
            elif field.type == "number":
                row[field.name] = Decimal(rng.randint(0, 10**9)) / 10**4
            else:
                row[field.name] = rng.randint(0, 10**6)
        return row

    report = {
        **key,
        "agency_name": agency_id,
        "region_code": region,
        "level": level,
        "scope": scope,
        "format": fmt.code,
        # around the deadlines: 31 January (agencies), 31 March (governments)
        "published_on": rng.choice([None, None, *(date(year + 1, m, 15) for m in (1, 2, 4))]),
        "source_url": None,
    }
    return {
        "reports": [report],
        "proactive": [{**key, **figures_of("proactive")}],
        "applications": [
            {**key, "item": item, **figures_of("applications")}
            for item in fmt.tables["applications"].item_codes
        ],
        "reviews": [{**key, **figures_of("reviews")}],
    }


def _register(engine: Engine) -> None:
    load_agencies(
        engine,
        [
            {"agency_id": a, "agency_name": a, "region_code": r, "level": lv, "scope": s}
            for a, ((r, lv, s), *_) in AGENCIES.items()
        ],
    )


def _file(
    engine: Engine, agency_id: str, year: int, tables: dict, sha: str, token: int | None = None
) -> None:
    filing = NewFiling(agency_id, year, YEARS[year], sha.ljust(64, "0"), {}, tables)
    file_report(engine, filing, token_id=token)


def stored_totals(engine: Engine) -> dict[str, dict[tuple, tuple]]:
    """Every totals row: key -> (reports, then per figure its sum and reported count)."""
    out: dict[str, dict[tuple, tuple]] = {}
    with engine.connect() as conn:
        for table in totals.values():
            key_names = [*TOTALS_KEYS, *(["item"] if "item" in table.c else [])]
            values = [c.name for c in table.c if c.name not in (*key_names, "seq")]
            out[table.name] = {
                tuple(row[k] for k in key_names): tuple(row[v] for v in values)
                for row in conn.execute(select(table)).mappings()
            }
    return out


def _late(report: Any, first: Any) -> bool | None:
    """Lateness as STANDARD.md §1 says it, judged here in Python."""
    due = publication_deadline(report["year"], report["scope"]) or publication_deadline(
        report["year"], "agency"
    )
    assert due is not None
    if report["published_on"] is not None:
        return bool(report["published_on"] > due)
    if first.origin == "api":
        received = first.received_at
        received = received if received.tzinfo else received.replace(tzinfo=UTC)
        return received.astimezone(UTC).date() > due
    return None


def recomputed_totals(engine: Engine) -> dict[str, dict[tuple, tuple]]:
    """The same, summed here in Python from the raw rows of the current versions."""
    out: dict[str, dict[tuple, tuple]] = {}
    reports = figures[("reports", "2021")]
    with engine.connect() as conn:
        firsts = {
            (f.agency_id, f.year): f
            for f in conn.execute(select(filings).where(filings.c.version == 1))
        }
        current: dict[int, list[tuple]] = {}
        lateness: dict[int, bool | None] = {}
        for row in conn.execute(
            select(reports).join(heads, heads.c.filing_id == reports.c.filing_id)
        ).mappings():
            code = row["region_code"]
            regions = {"province": code[:2] + "0000", "city": code[:4] + "00", "county": code}
            current[row["filing_id"]] = [
                (row["year"], grain, row["format"], regions[grain], row["level"], row["scope"])
                for grain in GRAINS
            ]
            lateness[row["filing_id"]] = _late(row, firsts[(row["agency_id"], row["year"])])
        for source in {id(t): t for t in figures.values()}.values():
            table = totals[source.name]
            values = [c.name for c in table.c if c.name.endswith(REPORTED)]
            values = [v[: -len(REPORTED)] for v in values]
            counts = 3 if source is reports else 1  # reports (late, unknown)
            sums: dict[tuple, list[Any]] = {}
            for row in conn.execute(select(source)).mappings():
                if row["filing_id"] not in current:
                    continue
                for key in current[row["filing_id"]]:
                    key = key + ((row["item"],) if "item" in table.c else ())
                    acc = sums.setdefault(key, [0] * counts + [None, 0] * len(values))
                    acc[0] += 1
                    if source is reports:
                        acc[1] += lateness[row["filing_id"]] is True
                        acc[2] += lateness[row["filing_id"]] is None
                    for i, name in enumerate(values):
                        if row[name] is not None:
                            at = counts + 2 * i
                            acc[at] = (acc[at] or 0) + row[name]
                            acc[at + 1] += 1
            out[table.name] = {k: tuple(v) for k, v in sums.items()}
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_totals_equal_the_raw_rows_after_random_filings_and_corrections(
    engine: Engine, seed: int
) -> None:
    rng = random.Random(seed)
    _register(engine)
    token, _ = create_token(engine, "admin")  # filed through the API: the day of filing counts
    filed: dict[tuple[str, int], list[tuple[dict, str]]] = defaultdict(list)
    for step in range(60):
        agency_id, year = rng.choice(list(AGENCIES)), rng.choice(list(YEARS))
        earlier = filed[(agency_id, year)]
        roll = rng.random()
        if earlier and roll < 0.15:  # the current content again: changes nothing
            tables, sha = earlier[-1]
        elif earlier and roll < 0.3:  # a correction back to an earlier version's content
            tables, sha = rng.choice(earlier)
        else:  # a first filing or a correction
            tables, sha = random_tables(rng, agency_id, year), f"s{seed}-{step}"
        _file(engine, agency_id, year, tables, sha, token if rng.random() < 0.5 else None)
        earlier.append((tables, sha))
    with engine.connect() as conn:
        versions = conn.execute(select(filings.c.version)).scalars().all()
    assert max(versions) > 2  # corrections happened
    expected = recomputed_totals(engine)
    assert sum(len(rows) for rows in expected.values()) > 100
    assert stored_totals(engine) == expected


def test_a_moved_report_leaves_no_empty_total(engine: Engine) -> None:
    """A correction that moves the only report of a region takes that region's rows away, and
    a figure every counted report left blank sums to NULL, not 0."""
    _register(engine)
    rng = random.Random(3)
    tables = random_tables(rng, "320813-t-transport", 2023)
    tables["reviews"][0]["review_total"] = None
    _file(engine, "320813-t-transport", 2023, tables, "first")
    with engine.connect() as conn:
        reviews = totals["figures_reviews"]
        row = conn.execute(select(reviews).where(reviews.c.grain == "county")).mappings().one()
    assert (row["reports"], row["review_total"], row["review_total_reported"]) == (1, None, 0)
    moved = random_tables(rng, "320813-t-transport", 2023)
    moved["reports"][0]["region_code"] = "320803"
    _file(engine, "320813-t-transport", 2023, moved, "moved")
    stored = stored_totals(engine)
    assert {key[3] for rows in stored.values() for key in rows} == {"320000", "320800", "320803"}
    assert stored == recomputed_totals(engine)


def _insert_raw(engine: Engine, rng: random.Random, count: int) -> tuple[list[int], list[int]]:
    """Filings inserted straight into the tables, as a bulk load does: `count` first versions
    and, for every third agency, a second version that replaces the first."""
    order = {
        fmt: {c: i for i, c in enumerate(f.tables["applications"].item_codes)}
        for fmt, f in load_standard().formats.items()
    }
    added: list[int] = []
    replaced: list[int] = []
    rows: dict[str, list[dict]] = defaultdict(list)
    filing_rows, head_rows, agency_rows = [], [], []
    next_id = 1
    for n in range(count):
        agency_id, year = f"32{n:04d}-bulk", rng.choice(list(YEARS))
        agency_rows.append(
            {
                "agency_id": agency_id,
                "agency_name": agency_id,
                "region_code": f"32{n % 7:02d}00",
                "level": "city",
                "scope": "agency",
            }
        )
        versions = 2 if n % 3 == 0 else 1
        for version in range(1, versions + 1):
            tables = random_tables(rng, "320813-t-transport", year)
            fmt = YEARS[year]
            filing_rows.append(
                {
                    "id": next_id,
                    "agency_id": agency_id,
                    "year": year,
                    "version": version,
                    "sha256": f"{next_id:064x}",
                    "received_at": datetime(2024, 1, 1, tzinfo=UTC),
                    "format": fmt,
                    "valid": True,
                    "warnings": [],
                    "origin": "load",
                }
            )
            for name in TABLE_NAMES:
                for row in tables[name]:
                    row = {**row, "agency_id": agency_id, "filing_id": next_id}
                    if name == "reports":
                        row["region_code"] = f"32{n % 7:02d}00"
                        row.update(derived_region_columns(row["region_code"]))
                    if name == "applications":
                        row["seq"] = order[fmt][row["item"]]
                    rows[figures[(name, fmt)].name].append(row)
            added.append(next_id)
            if version == 2:
                replaced.append(next_id - 1)
            next_id += 1
        head_rows.append(
            {"agency_id": agency_id, "year": year, "version": versions, "filing_id": next_id - 1}
        )
    tables_by_name = {t.name: t for t in figures.values()}
    with engine.begin() as conn:
        conn.execute(agencies.insert(), agency_rows)
        conn.execute(filings.insert(), filing_rows)
        conn.execute(heads.insert(), head_rows)
        for name, batch in rows.items():
            conn.execute(tables_by_name[name].insert(), batch)
    return added, replaced


def test_apply_filings_in_bulk(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bulk loader adds many filings (and replaces some) in one call; PostgreSQL gets more
    memory to group them, and the caller's transaction its own setting back."""
    monkeypatch.setattr(totals_module, "BULK", 10)
    added, replaced = _insert_raw(engine, random.Random(4), 40)
    assert len(added) > 40 and len(replaced) > 10
    with engine.begin() as conn:
        postgres = conn.dialect.name == "postgresql"
        before = conn.exec_driver_sql("SHOW work_mem").scalar_one() if postgres else None
        apply_filings(conn, added, replaced)
        if postgres:
            assert conn.exec_driver_sql("SHOW work_mem").scalar_one() == before
    expected = recomputed_totals(engine)
    assert sum(len(rows) for rows in expected.values()) > 50
    assert stored_totals(engine) == expected


def test_replacing_a_filing_without_a_reports_row_changes_no_total(engine: Engine) -> None:
    """The replaced filing counts in no total (no reports row of it): nothing to delete."""
    added, replaced = _insert_raw(engine, random.Random(5), 3)
    with engine.begin() as conn:
        apply_filings(conn, added, replaced)
    before = stored_totals(engine)
    with engine.begin() as conn:
        apply_filings(conn, [], [max(added) + 1000])
    assert stored_totals(engine) == before == recomputed_totals(engine)


def test_rebuild_recomputes_every_total(engine: Engine) -> None:
    _insert_raw(engine, random.Random(5), 30)
    assert all(not rows for rows in stored_totals(engine).values())  # nothing maintained them
    with engine.begin() as conn:
        rebuild(conn)
    expected = recomputed_totals(engine)
    assert sum(len(rows) for rows in expected.values()) > 50
    assert stored_totals(engine) == expected


def test_migration_0006_fills_the_totals_of_stored_filings(engine: Engine) -> None:
    _insert_raw(engine, random.Random(6), 12)
    downgrade(engine, "0005")
    try:
        assert not any(name.startswith("totals_") for name in inspect(engine).get_table_names())
    finally:
        upgrade(engine)
    expected = recomputed_totals(engine)
    assert sum(len(rows) for rows in expected.values()) > 20
    assert stored_totals(engine) == expected


def test_racing_filings_keep_the_totals_exact(engine: Engine) -> None:
    """Eight threads file at once: different agencies of one province (they share the
    province's and city's totals rows) and corrections of one agency (they queue on its head)."""
    _register(engine)
    rng = random.Random(8)
    agencies_of_320000 = [a for a in AGENCIES if a.startswith("32")]
    work = [(a, random_tables(rng, a, 2023), f"race-{a}") for a in agencies_of_320000]
    work += [
        ("320813-t-transport", random_tables(rng, "320813-t-transport", 2023), f"race-c{i}")
        for i in range(8 - len(work))
    ]
    barrier = threading.Barrier(len(work))
    errors: list[BaseException] = []

    def run(agency_id: str, tables: dict, sha: str) -> None:
        barrier.wait()
        try:
            _file(engine, agency_id, 2023, tables, sha)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=w) for w in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    expected = recomputed_totals(engine)
    assert expected["totals_reports"][(2023, "province", "2021", "320000", "county", "agency")]
    assert stored_totals(engine) == expected


def test_totals_tables_leave_room_for_updates_on_postgresql(engine: Engine) -> None:
    """Migrated (0009) as declared: half of each page free, so that updates stay HOT."""
    if engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL storage parameter")
    with engine.connect() as conn:
        options = {
            name: conn.exec_driver_sql(
                "SELECT reloptions FROM pg_class WHERE oid = %(name)s::regclass", {"name": name}
            ).scalar_one()
            for name in (t.name for t in totals.values())
        }
    assert options == {t.name: ["fillfactor=50"] for t in totals.values()}
