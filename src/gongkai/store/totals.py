"""Totals of the current versions, kept up to date in the transaction of each filing.

Filings are immutable and a correction replaces the current version, so the totals move by
whole filings: a new current version adds its figures, the version it replaces subtracts its
own. Each move is one set-wise statement per totals table (INSERT … SELECT … GROUP BY … ON
CONFLICT DO UPDATE, on SQLite and PostgreSQL alike), over every grain of the region at once;
on PostgreSQL a bulk batch's sums are staged in a temporary table instead, then added by one
UPDATE and one INSERT per totals table (`move_in_bulk`).
Sums stay exact: amounts are scaled integers on SQLite and NUMERIC on PostgreSQL, and the
schemas bound every figure so that a nation's sum fits (tests/store/test_sum_bounds.py).

Blank is never zero: a sum is NULL while no counted report gave its figure, and a row whose
reports all went away is deleted, so the totals equal a recomputation from the raw rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    any_,
    bindparam,
    case,
    delete,
    exists,
    func,
    literal_column,
    null,
    or_,
    select,
    text,
    true,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import ColumnElement, Select

from gongkai.store.lateness import lateness_sql
from gongkai.store.tables import (
    GRAINS,
    LATENESS_COUNTS,
    REPORTED,
    TOTALS_KEYS,
    figures,
    filings,
    heads,
    totals,
)

_reports = figures[("reports", "2021")]
# filings in one call from which PostgreSQL gets BULK_WORK_MEM to group them, and the sums go
# through staging tables (`move_in_bulk`) instead of one upsert per totals table
BULK = 1_000
BULK_WORK_MEM = "256MB"
_first = filings.alias("first_filing")


def apply_filings(
    conn: Connection,
    added: Sequence[int],
    replaced: Sequence[int],
    staged: StagedSums | None = None,
) -> None:
    """Add the figures of the filings `added` (already in the figures tables) to the totals,
    and subtract those of the filings `replaced`, inside the caller's transaction. When
    `staged` holds the county sums of exactly the filings `added` (and none is replaced),
    they are rolled up from there instead of being grouped again.

    The caller moves current versions: the filings that became current and the ones they
    replaced; a filing must not be added twice, nor replaced unless it was added (earlier, or
    in the same call). Any number of ids: each list goes to the database as one parameter (an
    array, or JSON on SQLite), and a correction is one statement per totals table."""
    # a filing added and replaced in one call (current for a moment of a batch) moves nothing
    both = set(added) & set(replaced)
    if both:
        added = [i for i in added if i not in both]
        replaced = [i for i in replaced if i not in both]
    if not added and not replaced:
        return
    dialect = conn.dialect.name
    ids = {
        "added": _ids(dialect, added),
        "replaced": _ids(dialect, replaced),
        # a bulk load's new filings are a run of ids: their range is an index range scan
        "added_first": min(added, default=None),
        "added_last": max(added, default=None),
    }
    count = len(added) + len(replaced)
    with _memory_for(conn, count):
        if dialect == "postgresql" and count >= BULK:
            ready = staged is not None and staged.holds(added, replaced)
            move_in_bulk(conn, ids, staged=staged if ready else None)
        else:
            for source, _ in _pairs():
                conn.execute(_moved(dialect, source.name), ids)
    if replaced:
        _delete_emptied(conn, replaced)


def rebuild(conn: Connection) -> None:
    """Recompute every total from the current versions (heads), inside the caller's
    transaction: after a migration, or to repair totals written by other means."""
    with _memory_for(conn, BULK):
        for source, target in _pairs():
            conn.execute(delete(target))
            current = source.c.filing_id.in_(select(heads.c.filing_id))
            query = _sums(conn.dialect.name, source, literal_column("1"), current)
            conn.execute(target.insert().from_select(_names(target), query))


@contextmanager
def _memory_for(conn: Connection, filings: int) -> Iterator[None]:
    """On PostgreSQL, room to group a bulk load's figures in memory: with the default 4 MB a
    national year's grouping spills to disk and takes twice as long. Only for this work: the
    caller's transaction gets its setting back."""
    if conn.dialect.name != "postgresql" or filings < BULK:
        yield
        return
    before = conn.exec_driver_sql("SHOW work_mem").scalar_one()
    conn.exec_driver_sql(f"SET LOCAL work_mem = '{BULK_WORK_MEM}'")
    yield  # on an error the transaction is rolled back, and SET LOCAL with it
    conn.execute(text("SELECT set_config('work_mem', :value, true)"), {"value": before})


def _pairs() -> list[tuple[Table, Table]]:
    """Each figures table once, with its totals."""
    sources = {id(t): t for t in figures.values()}.values()
    return [(source, totals[source.name]) for source in sources]


def _ids(dialect: str, ids: Sequence[int]) -> Any:
    """A list of ids as one parameter of `_among`: an array, or JSON text on SQLite."""
    return list(ids) if dialect == "postgresql" else json.dumps(list(ids))


def _among(dialect: str, column: Any, name: str) -> ColumnElement[bool]:
    """`column` is one of the ids bound as the parameter `name`."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=postgresql.ARRAY(Integer)))
    listed: Select[Any] = select(literal_column("value")).select_from(
        func.json_each(bindparam(name, type_=String))
    )
    return column.in_(listed.scalar_subquery())


# Each statement is built once per dialect and table: building these expressions costs more
# than running them for one filing.
@cache
def _moved(dialect: str, source_name: str) -> Any:
    """Upsert into one totals table the figures of the filings `added`, and those of the
    filings `replaced` negated: one statement for a correction's two versions."""
    source = next(t for t in figures.values() if t.name == source_name)
    sign, chosen = _signed_choice(dialect, source)
    return _upsert(dialect, totals[source_name], _sums(dialect, source, sign, chosen))


def _signed_choice(dialect: str, source: Table) -> tuple[ColumnElement[Any], ColumnElement[bool]]:
    """The rows of `source` of the filings `added` and `replaced`, and the sign each row
    counts with (1: added, -1: replaced)."""
    added = _among(dialect, source.c.filing_id, "added")
    chosen = or_(
        and_(_within_added(source.c.filing_id), added),
        _among(dialect, source.c.filing_id, "replaced"),
    )
    if source is not _reports:  # the same filings' reports rows, by their own index
        chosen = and_(
            chosen,
            or_(
                _within_added(_reports.c.filing_id),
                _among(dialect, _reports.c.filing_id, "replaced"),
            ),
        )
    # literal signs, not bound ones: an amount's bound value would be scaled on SQLite
    sign = case((added, literal_column("1")), else_=literal_column("-1"))
    return sign, chosen


def _added_only(source: Table, run: bool = False) -> ColumnElement[bool]:
    """The rows of `source` of the filings `added` (none replaced), as `_signed_choice`
    chooses them; when they are a `run` of ids (every id from the first to the last), by
    the range alone, with no look-up of each row's filing among them."""
    chosen = _within_added(source.c.filing_id)
    if not run:
        chosen = and_(chosen, _among("postgresql", source.c.filing_id, "added"))
    if source is not _reports:
        chosen = and_(chosen, _within_added(_reports.c.filing_id))
    return chosen


def _within_added(column: Any) -> ColumnElement[bool]:
    """Between the first and the last of the filings `added`: without it, the planner may
    read a whole figures table (its statistics lag behind a load) for a few thousand ids."""
    return column.between(
        bindparam("added_first", type_=Integer), bindparam("added_last", type_=Integer)
    )


def _value_names(target: Table) -> list[str]:
    return [c.name[: -len(REPORTED)] for c in target.c if c.name.endswith(REPORTED)]


def _names(target: Table) -> list[str]:
    """The totals' columns in the order `_sums` selects them."""
    names = [*TOTALS_KEYS, *(["item", "seq"] if "item" in target.c else []), "reports"]
    if "late" in target.c:
        names += LATENESS_COUNTS
    for value in _value_names(target):
        names += [value, value + REPORTED]
    return names


def _rolled_up(grain: str, code: Any) -> ColumnElement[Any]:
    """A county-grain region code at a coarser grain: XX0000 or XXYY00."""
    if grain == "province":
        return func.substr(code, 1, 2).concat(literal_column("'0000'"))
    if grain == "city":
        return func.substr(code, 1, 4).concat(literal_column("'00'"))
    return code


def _sums(dialect: str, source: Table, sign: Any, chosen: Any) -> Select[Any]:
    """The figures of the `chosen` rows of `source` summed per totals row at every grain,
    each row counted `sign` times (1: a filing joining the totals, -1: one leaving them)."""
    target = totals[source.name]
    county = _county_sums(dialect, source, sign, chosen).cte("county_totals")
    every = union_all(select(county), *_coarser_sums(target, county)).subquery()
    order = [every.c[k] for k in (*TOTALS_KEYS, *(["item"] if "item" in target.c else []))]
    # WHERE true: SQLite reads an INSERT … SELECT … ON CONFLICT unambiguously only with one.
    # In key order: concurrent filings lock the rows they share (a province's) in one order,
    # so they queue instead of deadlocking.
    return select(*every.c).where(true()).order_by(*order)


def _county_sums(dialect: str, source: Table, sign: Any, chosen: Any) -> Select[Any]:
    """The sums of `_sums` at the finest grain (the report's own region code): one pass over
    the figures, its columns those of the totals table."""
    target = totals[source.name]
    zero: ColumnElement[Any] = literal_column("0")

    def counted(condition: Any) -> ColumnElement[Any]:
        return func.sum(case((condition, sign), else_=zero))

    keys: list[Any] = [
        _reports.c.year,
        literal_column("'county'").label("grain"),
        _reports.c.format,
        _reports.c.region_code,
        _reports.c.level,
        _reports.c.scope,
    ]
    group: list[Any] = [keys[0], *keys[2:]]
    columns: list[Any] = list(keys)
    if "item" in target.c:
        group.append(source.c.item)
        columns += [source.c.item, func.min(source.c.seq).label("seq")]
    columns.append(func.sum(sign).label("reports"))
    if "late" in target.c:
        late = _lateness(dialect)
        columns.append(counted(late == 1).label("late"))
        columns.append(counted(late.is_(None)).label("unknown"))
    for value in _value_names(target):
        figure = source.c[value]
        columns += [
            func.sum(figure * sign).label(value),  # NULL while no counted report gave it
            counted(figure.is_not(None)).label(value + REPORTED),
        ]
    query = select(*columns).where(chosen)
    if source is not _reports:
        query = query.join_from(source, _reports, _reports.c.filing_id == source.c.filing_id)
    if "late" in target.c:
        query = query.join_from(
            _reports,
            _first,
            and_(
                _first.c.agency_id == _reports.c.agency_id,
                _first.c.year == _reports.c.year,
                _first.c.version == 1,
            ),
            isouter=True,
        )
    return query.group_by(*group)


def _coarser_sums(target: Table, county: Any) -> list[Select[Any]]:
    """The county-grain sums `county` (a CTE, or a table holding them) rolled up to each
    coarser grain: a sum of sums (SUM skips a NULL sum, and is NULL only when every sum it adds
    is), in the columns of `target`."""
    return [_rolled_to(grain, target, county) for grain in GRAINS[:-1]]


def _rolled_to(grain: str, target: Table, county: Any) -> Select[Any]:
    """The county-grain sums `county` rolled up to one coarser `grain`."""
    region = _rolled_up(grain, county.c.region_code).label("region_code")
    rolled: list[Any] = []
    grouped: list[Any] = []
    for name in _names(target):
        if name == "grain":
            rolled.append(literal_column(f"'{grain}'").label("grain"))
        elif name == "region_code":
            rolled.append(region)
            grouped.append(region)
        elif name in ("year", "format", "level", "scope", "item"):
            rolled.append(county.c[name])
            grouped.append(county.c[name])
        elif name == "seq":
            rolled.append(func.min(county.c.seq).label("seq"))
        else:
            rolled.append(func.sum(county.c[name]).label(name))
    query = select(*rolled).group_by(*grouped)
    if isinstance(county, Table):  # a staging table holds the county grain only
        query = query.where(county.c.grain == literal_column("'county'"))
    return query


def _lateness(dialect: str) -> ColumnElement[Any]:
    return lateness_sql(
        dialect,
        year=_reports.c.year,
        scope=_reports.c.scope,
        published_on=_reports.c.published_on,
        first_received_at=_first.c.received_at,
        first_origin=_first.c.origin,
    )


def _upsert(dialect: str, target: Table, query: Select[Any]) -> Any:
    """INSERT the sums of `query` into `target`, adding them to the rows already there."""
    module = postgresql if dialect == "postgresql" else sqlite
    insert = module.insert(target).from_select(_names(target), query)
    keys = [c for c in target.primary_key.columns]
    return insert.on_conflict_do_update(
        index_elements=keys, set_=_added_to(target, insert.excluded)
    )


def _added_to(target: Table, new: Any) -> dict[str, Any]:
    """The SET clause adding the sums of the row `new` (its columns by name) to a totals row."""
    changes: dict[str, Any] = {"reports": target.c.reports + new.reports}
    if "late" in target.c:
        changes.update({n: target.c[n] + new[n] for n in LATENESS_COUNTS})
    zero: ColumnElement[Any] = literal_column("0")
    for value in _value_names(target):
        reported = target.c[value + REPORTED] + new[value + REPORTED]
        changes[value + REPORTED] = reported
        changes[value] = case(
            (reported == 0, null()),
            else_=func.coalesce(target.c[value], zero) + func.coalesce(new[value], zero),
        )
    return changes


class StagedSums:
    """PostgreSQL: the county-grain sums of a bulk transaction's new filings (none replacing
    another), staged batch after batch as each is stored, for `apply_filings` to roll up at
    the end. The server groups a batch's figures while Python makes the next batch, instead
    of grouping them all once everything is stored (a national year: ~9 s of grouping that
    nothing else overlapped)."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.batches = 0

    def add(self, conn: Connection, added: Sequence[int]) -> None:
        """Stage the county sums of the filings `added` (stored, replacing none): a batch of
        BULK filings or more, or any batch once staging has begun."""
        if conn.dialect.name != "postgresql" or not added:
            return
        if not self.batches and len(added) < BULK:
            return
        if not self.batches:
            for _, target in _pairs():
                _create_staging(conn, target.name)
        first, last = min(added), max(added)
        # a batch of new filings is most often a run of ids (ids are distinct): no array of
        # them to send with each statement and look each row's filing up in
        run = last - first + 1 == len(added)
        ids: dict[str, Any] = {"added_first": first, "added_last": last}
        if not run:
            ids |= {"added": list(added), "replaced": []}
        with _memory_for(conn, len(added)), _hashed(conn):
            for source, _ in _pairs():
                conn.execute(_staged_county(source.name, False, run), ids)
        self.ids += added
        self.batches += 1

    def holds(self, added: Sequence[int], replaced: Sequence[int]) -> bool:
        """Whether the staged sums are those of moving exactly these filings."""
        return (
            not replaced
            and self.batches > 0
            and len(self.ids) == len(added)
            and set(self.ids) == set(added)
        )


def move_in_bulk(conn: Connection, ids: dict[str, Any], staged: StagedSums | None = None) -> None:
    """PostgreSQL, many filings at once: each totals table's sums grouped once into a staging
    table (county grain, then rolled up from it), added by one UPDATE … FROM to the rows that
    exist and by one plain INSERT of the rest. An upsert of the same sums (ON CONFLICT) pays a
    speculative insertion and an index probe per row, and sorts every row by its text key.
    With `staged` (holding the filings of `ids`), the county grain is staged already.

    The totals tables are locked against other writers (readers go on) until the transaction
    ends, so no row appears or goes between the UPDATE and the INSERT. A bulk load's totals are
    the last thing it does before its commit: other filings wait for that part only, and they
    take the tables in the same order (`_pairs`), so they queue instead of deadlocking."""
    names = ", ".join(target.name for _, target in _pairs())
    conn.exec_driver_sql(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")
    with _hashed(conn):
        for source, target in _pairs():
            if staged is None:
                _create_staging(conn, target.name)
                conn.execute(_staged_county(source.name, bool(ids["replaced"])), ids)
            elif staged.batches > 1:
                conn.execute(_regrouped(target.name))
            conn.execute(_staged_coarser(target.name))
            conn.execute(_update_existing(target.name))
            conn.execute(_insert_new(target.name))


def _create_staging(conn: Connection, target_name: str) -> None:
    staged = _staging(target_name).name
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS pg_temp.{staged}")
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {staged} (LIKE {target_name}) ON COMMIT DROP")


@cache
def _regrouped(target_name: str) -> Any:
    """One staged row per key: batches staged apart each have a row for the counties they
    share (one whose agencies were stored in two batches). Only those keys' rows are summed
    again: grouping every staged row anew (NUMERIC sums) took 3.5 s of a national year."""
    target = next(t for t in totals.values() if t.name == target_name)
    staged = _staging(target_name).name
    keys = [*TOTALS_KEYS, *(["item"] if "item" in target.c else [])]
    values = [n for n in _names(target) if n not in keys]
    key_list = ", ".join(keys)
    sums = ", ".join(f"min({n})" if n == "seq" else f"sum({n})" for n in values)
    same = " AND ".join(f"s.{k} = d.{k}" for k in keys)
    return text(
        f"""
        WITH shared AS (
            SELECT {key_list} FROM pg_temp.{staged} GROUP BY {key_list} HAVING count(*) > 1
        ), parts AS (
            DELETE FROM pg_temp.{staged} s USING shared d WHERE {same} RETURNING s.*
        )
        INSERT INTO pg_temp.{staged} ({key_list}, {", ".join(values)})
        SELECT {key_list}, {sums} FROM parts GROUP BY {key_list}
        """
    )


@contextmanager
def _hashed(conn: Connection) -> Iterator[None]:
    """Group and join a bulk batch's rows by hashing their keys. The planner's estimates of
    freshly written rows are far too low (a few dozen for hundreds of thousands), so it sorts
    them by their text keys to group them, compares each key through the collation, and
    probes the primary key once per staged row: each several times slower here. Only for
    this work: the transaction gets its settings back."""
    settings = ("enable_sort", "enable_nestloop", "enable_mergejoin")
    before = {s: conn.exec_driver_sql(f"SHOW {s}").scalar_one() for s in settings}
    for setting in settings:
        conn.exec_driver_sql(f"SET LOCAL {setting} = off")
    yield  # on an error the transaction is rolled back, and SET LOCAL with it
    for setting, value in before.items():
        conn.execute(
            text("SELECT set_config(:name, :value, true)"), {"name": setting, "value": value}
        )


@cache
def _staging(target_name: str) -> Table:
    """The staging table of a totals table's moves: its columns, no key, for one transaction."""
    target = next(t for t in totals.values() if t.name == target_name)
    return Table(f"staged_{target_name}", MetaData(), *[Column(c.name, c.type) for c in target.c])


@cache
def _staged_county(source_name: str, replacing: bool, run: bool = False) -> Any:
    """Stage the county-grain sums of the filings `added` and (if `replacing`) `replaced`.
    Without replaced filings (a year's first load) every row counts once: no sign to find
    by looking each row's filing up among the added ones, for every sum (~40% of the work).
    With `run`, the filings added are every id from the first to the last."""
    source = next(t for t in figures.values() if t.name == source_name)
    target = totals[source_name]
    if replacing:
        sign, chosen = _signed_choice("postgresql", source)
    else:
        sign, chosen = literal_column("1"), _added_only(source, run)
    query = _county_sums("postgresql", source, sign, chosen)
    return _staging(target.name).insert().from_select(_names(target), query)


@cache
def _staged_coarser(target_name: str) -> Any:
    target = next(t for t in totals.values() if t.name == target_name)
    staged = _staging(target_name)
    rolled = union_all(*_coarser_sums(target, staged))
    return staged.insert().from_select(_names(target), rolled)


def _same_key(target: Table, staged: Table) -> list[ColumnElement[bool]]:
    return [target.c[c.name] == staged.c[c.name] for c in target.primary_key.columns]


@cache
def _update_existing(target_name: str) -> Any:
    target = next(t for t in totals.values() if t.name == target_name)
    staged = _staging(target_name)
    return update(target).where(*_same_key(target, staged)).values(_added_to(target, staged.c))


@cache
def _insert_new(target_name: str) -> Any:
    target = next(t for t in totals.values() if t.name == target_name)
    staged = _staging(target_name)
    new = select(*[staged.c[n] for n in _names(target)]).where(
        ~exists().where(*_same_key(target, staged))
    )
    return target.insert().from_select(_names(target), new)


def _delete_emptied(conn: Connection, replaced: Sequence[int]) -> None:
    """Delete the rows that no report counts any more, among those of the `replaced` filings
    (their last report was replaced by one elsewhere): by key, through the primary key's
    index, never a scan for reports = 0."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        for target in totals.values():
            conn.execute(_emptied(target.name), {"replaced": _ids(dialect, replaced)})
        return
    # SQLite looks up only the first column of a row value IN (subquery) in an index: the keys
    # are read first and each deleted by its whole key
    keys = [
        dict(row._mapping)
        for grain in GRAINS
        for row in conn.execute(
            _replaced_keys(dialect, grain), {"replaced": _ids(dialect, replaced)}
        )
    ]
    if not keys:  # no parameters at all would be one execution with none bound
        return
    for target in totals.values():
        conn.execute(_emptied_by_key(target.name), keys)


@cache
def _replaced_keys(dialect: str, grain: str) -> Select[Any]:
    """The keys at `grain` of the reports of the filings `ids`."""
    return (
        select(
            _reports.c.year.label("k_year"),
            literal_column(f"'{grain}'").label("k_grain"),
            _reports.c.format.label("k_format"),
            _rolled_up(grain, _reports.c.region_code).label("k_region_code"),
            _reports.c.level.label("k_level"),
            _reports.c.scope.label("k_scope"),
        )
        .where(_among(dialect, _reports.c.filing_id, "replaced"))
        .distinct()
    )


@cache
def _emptied(target_name: str) -> Any:
    """PostgreSQL: delete the rows of every grain no report counts any more, of the filings
    `replaced`."""
    target = next(t for t in totals.values() if t.name == target_name)
    keys = union_all(*[_replaced_keys("postgresql", grain) for grain in GRAINS])
    key = tuple_(*[target.c[k] for k in TOTALS_KEYS])
    return delete(target).where(key.in_(keys), target.c.reports == 0)


@cache
def _emptied_by_key(target_name: str) -> Any:
    """Delete the row of one key (bound as k_year, k_grain, …) if no report counts it."""
    target = next(t for t in totals.values() if t.name == target_name)
    return delete(target).where(
        *[target.c[k] == bindparam(f"k_{k}") for k in TOTALS_KEYS], target.c.reports == 0
    )
