"""Totals of the current versions, kept up to date in the transaction of each filing.

Filings are immutable and a correction replaces the current version, so the totals move by
whole filings: a new current version adds its figures, the version it replaces subtracts its
own. Each move is one set-wise statement per totals table (INSERT … SELECT … GROUP BY … ON
CONFLICT DO UPDATE, on SQLite and PostgreSQL alike). Sums stay exact: amounts are scaled
integers on SQLite and NUMERIC on PostgreSQL, and the schemas bound every figure so that a
nation's sum fits (tests/store/test_sum_bounds.py).

Blank is never zero: a sum is NULL while no counted report gave its figure, and a row whose
reports all went away is deleted, so the totals equal a recomputation from the raw rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    case,
    delete,
    func,
    literal_column,
    null,
    select,
    tuple_,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import ColumnElement, Select

from gongkai.store.tables import REPORTED, TOTALS_KEYS, figures, heads, totals

# filing ids per statement: far below SQLite's 32,766 bound parameters and PostgreSQL's 65,535
CHUNK = 5_000
_reports = figures[("reports", "2021")]


def apply_filings(conn: Connection, added: Sequence[int], replaced: Sequence[int]) -> None:
    """Add the figures of the filings `added` (already in the figures tables) to the totals,
    and subtract those of the filings `replaced`, inside the caller's transaction.

    A filing must not be added twice, nor replaced unless it was added: the caller moves
    current versions (the filing that becomes current, the one it replaces)."""
    for ids, sign in ((added, 1), (replaced, -1)):
        for choice in _choices(ids):
            for source, target in _pairs():
                query = _sums(source, sign).where(_chosen(source.c.filing_id, choice))
                conn.execute(_upsert(conn, target, query))
    for chunk in _chunks(replaced):
        for target in totals.values():
            conn.execute(_delete_emptied(target, chunk))


def rebuild(conn: Connection) -> None:
    """Recompute every total from the current versions (heads), inside the caller's
    transaction: after a migration, or to repair totals written by other means."""
    for source, target in _pairs():
        conn.execute(delete(target))
        query = _sums(source, 1).join(heads, heads.c.filing_id == source.c.filing_id)
        conn.execute(target.insert().from_select(_names(target), query))


def _pairs() -> Iterator[tuple[Table, Table]]:
    """Each figures table once, with its totals."""
    for source in {id(t): t for t in figures.values()}.values():
        yield source, totals[source.name]


RUN = 100  # contiguous ids from this many on are chosen by range (a bulk load's new ids)


def _choices(ids: Sequence[int]) -> Iterator[tuple[int, int] | list[int]]:
    """Parts that together choose exactly `ids`: (first, last) for each long run of
    consecutive ids (one index range scan, none of an IN list's bound values), lists of the
    rest."""
    rest: list[int] = []
    for first, last in _runs(sorted(set(ids))):
        if last - first + 1 >= RUN:
            yield first, last
        else:
            rest += range(first, last + 1)
    yield from _chunks(rest)


def _chosen(column: ColumnElement[Any], choice: tuple[int, int] | list[int]) -> Any:
    if isinstance(choice, tuple):
        return column.between(*choice)
    return column.in_(choice)


def _runs(ids: list[int]) -> Iterator[tuple[int, int]]:
    """(first, last) of each run of consecutive numbers in sorted `ids`."""
    start = 0
    for k in range(1, len(ids) + 1):
        if k == len(ids) or ids[k] != ids[k - 1] + 1:
            yield ids[start], ids[k - 1]
            start = k


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def _value_names(target: Table) -> list[str]:
    return [c.name[: -len(REPORTED)] for c in target.c if c.name.endswith(REPORTED)]


def _names(target: Table) -> list[str]:
    """The totals' columns in the order `_sums` selects them."""
    names = [*TOTALS_KEYS, *(["item", "seq"] if "item" in target.c else []), "reports"]
    for value in _value_names(target):
        names += [value, value + REPORTED]
    return names


def _sums(source: Table, sign: int) -> Select[Any]:
    """The figures of `source` summed per totals row, negated when `sign` is -1 (filings
    leaving the totals). The caller restricts which filings are summed."""
    target = totals[source.name]

    def signed(value: ColumnElement[Any]) -> ColumnElement[Any]:
        # negation in SQL, not a bound -1: an amount's bound value would be scaled on SQLite
        return value if sign > 0 else -value

    group: list[Any] = [_reports.c[k] for k in TOTALS_KEYS]
    columns: list[Any] = list(group)
    if "item" in target.c:
        group.append(source.c.item)
        columns += [source.c.item, func.min(source.c.seq)]
    columns.append(signed(func.count()))
    for value in _value_names(target):
        columns += [signed(func.sum(source.c[value])), signed(func.count(source.c[value]))]
    query = select(*columns)
    if source is not _reports:
        query = query.join_from(source, _reports, _reports.c.filing_id == source.c.filing_id)
    return query.group_by(*group)


def _upsert(conn: Connection, target: Table, query: Select[Any]) -> Any:
    """INSERT the sums of `query` into `target`, adding them to the rows already there."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(target).from_select(_names(target), query)
    new = insert.excluded
    changes: dict[str, Any] = {"reports": target.c.reports + new.reports}
    zero: ColumnElement[Any] = literal_column("0")
    for value in _value_names(target):
        reported = target.c[value + REPORTED] + new[value + REPORTED]
        changes[value + REPORTED] = reported
        changes[value] = case(
            (reported == 0, null()),
            else_=func.coalesce(target.c[value], zero) + func.coalesce(new[value], zero),
        )
    keys = [c for c in target.primary_key.columns]
    return insert.on_conflict_do_update(index_elements=keys, set_=changes)


def _delete_emptied(target: Table, replaced: list[int]) -> Any:
    """Rows no report counts any more (their last report was replaced by one elsewhere)."""
    # by key (the primary key's index), not a scan for reports = 0
    keys_of_replaced = select(*[_reports.c[k] for k in TOTALS_KEYS]).where(
        _reports.c.filing_id.in_(replaced)
    )
    key = tuple_(*[target.c[k] for k in TOTALS_KEYS])
    return delete(target).where(key.in_(keys_of_replaced), target.c.reports == 0)
