"""Filing many reports in one transaction: COPY into PostgreSQL, executemany into SQLite.

The same outcome as `file_report` once per filing, in bulk: each filing is the next version of
its agency and year unless its sha256 is the current version's (then nothing is stored), and
is stored whole or not at all (the batch is one transaction). Two loads racing queue on the
`heads` rows of the reports they share, taken in key order (so neither waits on the other in
a circle); a report new to both is taken by the first to store it: the other's filing of the
same version waits on it, is refused as a unique key taken meanwhile, and starts over. On
SQLite the transaction holds the database's write lock from its start. A race the database
reports (a serialization failure, a deadlock, a unique key taken meanwhile, a locked SQLite
database) rolls the batch back, and it is tried again; any other refusal is raised at once,
for the caller to find the filings it refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, closing
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import Copy
from psycopg.copy import QueuedLibpqWriter
from sqlalchemy import ARRAY, Connection, Engine, any_, bindparam, select, text, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from gongkai.package import ReportPackage
from gongkai.standard import TABLE_NAMES, load_standard
from gongkai.store.copy_text import (
    FigureLines,
    block,
    figure_columns,
    typed_bodies,
    with_filing_ids,
)
from gongkai.store.filings import ATTEMPTS, NewFiling, Receipt, origin_of, receipt_of
from gongkai.store.registry import AGENCY_COLUMNS
from gongkai.store.tables import (
    agencies,
    derived_region_columns,
    figures_table,
    filing_files,
    filings,
    heads,
)
from gongkai.store.totals import StagedSums, apply_filings
from gongkai.validation.values import PackageReader

# what the database raises when it refuses a batch (COPY goes through psycopg itself)
STORE_ERRORS: tuple[type[Exception], ...] = (DBAPIError, psycopg.Error)
KEYS_PER_STATEMENT = 2000  # (agency_id, year) pairs bound in one statement
WORK_MEM = "128MB"  # PostgreSQL's memory for one sort or hash of a batch's transaction
# Filed files (a folder's datapackage.json, schemas inlined, is ~31 KB) are compressed as they
# are stored: lz4 where the server has it, ~8x less server time than its default pglz (3,000
# descriptors COPYed: 0.17 s against 1.3-2.1 s) and smaller. Set for the transaction only.
_FAST_TOAST = text(
    "SELECT set_config('default_toast_compression', 'lz4', true) FROM pg_settings "
    "WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
)


# PostgreSQL's SQLSTATEs of a race: serialization failure, deadlock, unique violation
_RACE_STATES = frozenset({"40001", "40P01", "23505"})
_SQLITE_RACES = frozenset({"SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CONSTRAINT_UNIQUE"})


def is_race(exc: BaseException) -> bool:
    """Whether the database refused a transaction because another one ran beside it: trying
    it again may succeed. Any other refusal (a check, a foreign key, a bad value) would only
    be refused again."""
    orig = getattr(exc, "orig", None) or exc
    state = getattr(orig, "sqlstate", None)
    if state is not None:
        return state in _RACE_STATES
    return getattr(orig, "sqlite_errorname", None) in _SQLITE_RACES


def file_many(
    engine: Engine,
    batch: Sequence[NewFiling],
    new_agencies: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Receipt]:
    """File every filing of `batch` (in order: a later one of the same agency and year is the
    later version) in one transaction; a receipt for each, as `file_report` gives.

    `new_agencies` (agency_id -> registry row) are added to the registry, those of the batch's
    filings, in the same transaction: a batch the database refuses leaves none of them behind.
    """
    return file_in_one(engine, lambda: [batch], new_agencies)


def file_in_one(
    engine: Engine,
    batches: Callable[[], Iterable[Sequence[NewFiling]]],
    new_agencies: Mapping[str, Mapping[str, Any]] | None = None,
    stored: Callable[[int], None] = lambda n: None,
) -> list[Receipt]:
    """File the filings of every batch that `batches()` gives, one batch after the other, in
    one transaction, as `file_many` files one batch; the totals move once, for all of them
    (a national year's totals rows are updated once, not once per batch). `stored(n)` learns
    that the transaction holds the n filings of one more batch, before it commits; after a
    race, `batches()` is called again and the transaction starts over."""
    for attempt in range(ATTEMPTS):
        try:
            with engine.connect() as conn:
                conn.execution_options(sqlite_immediate=True)
                with conn.begin():
                    if conn.dialect.name == "postgresql":
                        # the totals group a whole batch: in memory, not spilled to disk
                        conn.execute(text(f"SET LOCAL work_mem = '{WORK_MEM}'"))
                        conn.execute(_FAST_TOAST)
                    receipts: list[Receipt] = []
                    moves = _Moves()
                    staged = StagedSums()
                    copies = conn.dialect.name == "postgresql"
                    with closing(_prepared(batches(), copies)) as prepared:
                        for batch, made in prepared:
                            _register(conn, _registry_rows_of(batch, new_agencies or {}))
                            before = len(moves.added)
                            receipts += _file_batch(conn, batch, moves, made)
                            if not moves.replaced:  # see StagedSums: a year's first load
                                staged.add(conn, moves.added[before:])
                            stored(len(batch))
                    # the per-year totals follow the versions that became current
                    apply_filings(conn, moves.added, moves.replaced, staged)
                    return receipts
        except STORE_ERRORS as exc:
            if attempt == ATTEMPTS - 1 or not is_race(exc):
                raise
    raise AssertionError("unreachable")


# one filing's figures as COPY text: table name -> its lines, each without the filing id
FilingText = dict[str, str]


def _prepared(
    batches: Iterable[Sequence[NewFiling]], copies: bool
) -> Generator[tuple[Sequence[NewFiling], list[FilingText] | None], None, None]:
    """Each batch (and, to COPY it, its filings' figures as text), made on a thread while the
    batch before is being filed: the server takes that one in while Python makes this one."""
    figure_text = _FigureText()
    batches = iter(batches)

    def prepare() -> tuple[Sequence[NewFiling], list[FilingText] | None] | None:
        batch = next(batches, None)
        if batch is None:
            return None
        if not copies:
            return batch, None
        return batch, [{n: figure_text.text(f, n) for n in TABLE_NAMES} for f in batch]

    with ThreadPoolExecutor(1) as ahead:
        coming = ahead.submit(prepare)
        while (ready := coming.result()) is not None:
            coming = ahead.submit(prepare)
            yield ready


class _Moves:
    """The versions that became current in a transaction, and those they replaced."""

    def __init__(self) -> None:
        self.added: list[int] = []
        self.replaced: list[int] = []


def _registry_rows_of(
    batch: Sequence[NewFiling], new_agencies: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    wanted = sorted({f.agency_id for f in batch} & set(new_agencies))
    return [{c: new_agencies[a].get(c) or None for c in AGENCY_COLUMNS} for a in wanted]


def _register(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Add agencies missing from the registry; one that another load added meanwhile is kept
    as it is."""
    if rows:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        conn.execute(dialect.insert(agencies).on_conflict_do_nothing(), rows)


def _file_batch(
    conn: Connection,
    batch: Sequence[NewFiling],
    moves: _Moves,
    text: list[FilingText] | None = None,
) -> list[Receipt]:
    if not batch:
        return []
    keys = sorted({(f.agency_id, f.year) for f in batch})
    current = _lock_heads(conn, keys)
    absent = {key for key in keys if key not in current}  # no heads row yet (PostgreSQL)
    current.update((key, (0, None, None)) for key in absent)
    received_at = datetime.now(UTC)
    new_ids = iter(_reserve_ids(conn, sum(1 for _ in batch)))
    receipts: dict[int, Receipt] = {}  # by the filing's place in the batch
    added: list[tuple[int, NewFiling, int]] = []  # filing id, filing, version
    text_of: dict[int, FilingText] = {}  # filing id -> its figures as COPY text, if made
    replaced: dict[tuple[str, int], int | None] = {}  # key -> current filing before the batch
    # Stored in key order (a key's filings keep theirs), ids rising with it: each index by
    # agency, and by filing id, then grows at one end instead of at random places (a COPY of
    # a national year's 表三 into a table with its indexes: 8.6 s in key order, 19.4 s not)
    for at in sorted(range(len(batch)), key=lambda i: (batch[i].agency_id, batch[i].year)):
        filing = batch[at]
        key = (filing.agency_id, filing.year)
        version, filing_id, head = current[key]
        if head is not None and head.sha256 == filing.sha256:
            receipts[at] = receipt_of(head, created=False)
            continue
        new_id = next(new_ids)
        replaced.setdefault(key, filing_id)
        added.append((new_id, filing, version + 1))
        if text is not None:
            text_of[new_id] = text[at]
        head = _Head(new_id, filing, version + 1, received_at)
        current[key] = (version + 1, new_id, head)
        receipts[at] = receipt_of(head, created=True)
    if not added:
        return [receipts[at] for at in range(len(batch))]
    _insert(conn, added, received_at, text_of)
    changed = {k: current[k] for k in replaced}
    _move_heads(conn, changed, absent)
    moves.added += [head.id for _, _, head in changed.values()]
    moves.replaced += [f for f in replaced.values() if f is not None]
    return [receipts[at] for at in range(len(batch))]


class _Head:
    """The current version of an agency and year, as far as the batch has come."""

    def __init__(self, id: int, filing: NewFiling, version: int, received_at: datetime):
        self.id = id
        self.agency_id = filing.agency_id
        self.year = filing.year
        self.version = version
        self.sha256 = filing.sha256
        self.received_at = received_at
        self.format = filing.format
        self.warnings = filing.warnings


def _chunks(keys: list[tuple[str, int]]) -> Iterable[list[tuple[str, int]]]:
    for start in range(0, len(keys), KEYS_PER_STATEMENT):
        yield keys[start : start + KEYS_PER_STATEMENT]


def _lock_heads(
    conn: Connection, keys: list[tuple[str, int]]
) -> dict[tuple[str, int], tuple[int, int | None, Any]]:
    """key -> (version, current filing id, current filing row or None) of the keys with a
    heads row, locked in key order; on SQLite the rows missing are created first (on
    PostgreSQL they are inserted with the filings, by `_move_heads`)."""
    if conn.dialect.name == "postgresql":
        locked = _lock_heads_postgresql(conn, keys)
    else:
        locked = _lock_heads_sqlite(conn, keys)
    ids = [r.filing_id for r in locked if r.filing_id is not None]
    rows: dict[int, Any] = {}
    for start in range(0, len(ids), KEYS_PER_STATEMENT):
        chunk = ids[start : start + KEYS_PER_STATEMENT]
        found = conn.execute(select(filings).where(filings.c.id.in_(chunk)))
        rows.update((r.id, r) for r in found)
    return {(r.agency_id, r.year): (r.version, r.filing_id, rows.get(r.filing_id)) for r in locked}


# The keys go in as two arrays: one statement for a whole batch, whatever its size. The rows
# are locked in key order (the arrays are sorted), so that two loads never wait on each other
# in a circle.
_LOCK_HEADS = text(
    """
    SELECT h.agency_id, h.year, h.version, h.filing_id
    FROM heads h
    JOIN unnest(CAST(:agencies AS text[]), CAST(:years AS integer[])) AS k(agency_id, year)
      ON h.agency_id = k.agency_id AND h.year = k.year
    ORDER BY h.agency_id, h.year
    FOR UPDATE OF h
    """
)
_MOVE_HEADS = text(
    """
    UPDATE heads SET version = k.version, filing_id = k.filing_id
    FROM unnest(CAST(:agencies AS text[]), CAST(:years AS integer[]),
                CAST(:versions AS integer[]), CAST(:ids AS integer[]))
         AS k(agency_id, year, version, filing_id)
    WHERE heads.agency_id = k.agency_id AND heads.year = k.year
    """
)


_NEW_HEADS = text(
    """
    INSERT INTO heads (agency_id, year, version, filing_id)
    SELECT * FROM unnest(CAST(:agencies AS text[]), CAST(:years AS integer[]),
                         CAST(:versions AS integer[]), CAST(:ids AS integer[]))
    """
)


def _key_arrays(keys: list[tuple[str, int]]) -> dict[str, list[Any]]:
    return {"agencies": [a for a, _ in keys], "years": [y for _, y in keys]}


def _lock_heads_postgresql(conn: Connection, keys: list[tuple[str, int]]) -> list[Any]:
    """The heads rows there are of `keys`, locked. A missing one is inserted with its first
    version (`_move_heads`), not created empty here and updated there: a new row updated in
    the same transaction is written twice, and once more into each index (~0.6 s a batch of
    25,000 reports). Another load filing the same new report meanwhile is refused a unique key."""
    return list(conn.execute(_LOCK_HEADS, _key_arrays(keys)))


def _lock_heads_sqlite(conn: Connection, keys: list[tuple[str, int]]) -> list[Any]:
    """The transaction holds the database's write lock already: nothing to lock row by row."""
    locked: list[Any] = []
    for chunk in _chunks(keys):
        conn.execute(
            sqlite.insert(heads).on_conflict_do_nothing(),
            [{"agency_id": a, "year": y, "version": 0, "filing_id": None} for a, y in chunk],
        )
        locked += conn.execute(
            select(heads.c.agency_id, heads.c.year, heads.c.version, heads.c.filing_id)
            .where(tuple_(heads.c.agency_id, heads.c.year).in_(chunk))
            .order_by(heads.c.agency_id, heads.c.year)
        ).all()
    return locked


def _move_heads(
    conn: Connection,
    changed: dict[tuple[str, int], tuple[int, int | None, Any]],
    absent: set[tuple[str, int]],
) -> None:
    """Point each changed head at its new current version: the `absent` ones' rows are
    inserted (PostgreSQL)."""
    if conn.dialect.name == "postgresql":
        for statement, keys in (
            (_MOVE_HEADS, sorted(changed.keys() - absent)),
            (_NEW_HEADS, sorted(changed.keys() & absent)),
        ):
            if keys:
                conn.execute(
                    statement,
                    {
                        **_key_arrays(keys),
                        "versions": [changed[k][0] for k in keys],
                        "ids": [changed[k][1] for k in keys],
                    },
                )
        return
    conn.execute(
        update(heads)
        .where(heads.c.agency_id == bindparam("k_agency"), heads.c.year == bindparam("k_year"))
        .values(version=bindparam("v"), filing_id=bindparam("f")),
        [
            {"k_agency": a, "k_year": y, "v": version, "f": filing_id}
            for (a, y), (version, filing_id, _) in changed.items()
        ],
    )


def _reserve_ids(conn: Connection, count: int) -> list[int]:
    """Ids for the new filings, taken from the sequence (PostgreSQL) or past the highest one
    (SQLite, whose write lock this transaction holds)."""
    if conn.dialect.name == "postgresql":
        return list(
            conn.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence('filings', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": count},
            ).scalars()
        )
    highest = conn.execute(text("SELECT coalesce(max(id), 0) FROM filings")).scalar_one()
    return list(range(highest + 1, highest + 1 + count))


def _filing_row(
    filing_id: int, filing: NewFiling, version: int, received_at: datetime
) -> dict[str, Any]:
    return {
        "id": filing_id,
        "agency_id": filing.agency_id,
        "year": filing.year,
        "version": version,
        "sha256": filing.sha256,
        "received_at": received_at,
        "format": filing.format,
        "valid": True,
        "warnings": filing.warnings,
        "token_id": None,
        "origin": origin_of(filing, None),
    }


def _figure_rows(filing_id: int, filing: NewFiling) -> Iterable[tuple[str, dict[str, Any]]]:
    """(database table, row) of each figures row of a filing, as file_report stores them."""
    fmt = load_standard().formats[filing.format]
    for name in TABLE_NAMES:
        schema_table = fmt.tables[name]
        table = figures_table(name, filing.format).name
        order = {code: i for i, code in enumerate(schema_table.item_codes)}
        for source in filing.tables.get(name, []):
            row = {c: source.get(c) for c in schema_table.field_names}
            row["filing_id"] = filing_id
            if "item" in row:
                row["seq"] = order.get(str(row["item"]), len(order))
            if name == "reports":
                row.update(derived_region_columns(str(row["region_code"])))
            yield table, row


def _insert(
    conn: Connection,
    added: list[tuple[int, NewFiling, int]],
    received_at: datetime,
    text_of: Mapping[int, FilingText],
) -> None:
    if conn.dialect.name == "postgresql":
        _copy_all(conn, added, received_at, text_of)
        return
    filing_rows = [_filing_row(i, f, v, received_at) for i, f, v in added]
    file_rows = [
        {"filing_id": i, "name": n, "content": c} for i, f, _ in added for n, c in f.files.items()
    ]
    figures: dict[str, list[dict[str, Any]]] = {}
    for filing_id, filing, _ in added:
        for table, row in _figure_rows(filing_id, filing):
            figures.setdefault(table, []).append(row)
    for table, rows in [
        (filings.name, filing_rows),
        (filing_files.name, file_rows),
        *figures.items(),
    ]:
        if rows:
            conn.execute(filings.metadata.tables[table].insert(), rows)


class _FigureText:
    """COPY text of the figures tables of a batch's filings."""

    def __init__(self) -> None:
        self.readers: dict[tuple[str, str], FigureLines] = {}

    def text(self, filing: NewFiling, name: str) -> str:
        """The lines of one table of a filing, each without its filing id, as one text: from
        the typed rows when the filing carries them, else from its CSV file."""
        if filing.tables:
            return "".join(typed_bodies(filing.format, name, filing.tables.get(name, [])))
        key = (filing.format, name)
        reader = self.readers.get(key)
        if reader is None:
            reader = self.readers[key] = FigureLines(*key)
        data = filing.files[f"{name}.csv"]
        found = reader.bodies(data)
        if found is None:  # not plain CSV: read as the row engine reads it
            found = typed_bodies(filing.format, name, _values.rows(filing.format, name, data))
        return "".join(found)


_values = PackageReader()


def _copy_all(
    conn: Connection,
    added: list[tuple[int, NewFiling, int]],
    received_at: datetime,
    text_of: Mapping[int, FilingText],
) -> None:
    """COPY the batch into PostgreSQL: each table's rows as one stream of text, made while
    the server takes in what came before (it works in its own process). A filing's figures
    are taken from `text_of` when they were made ahead."""
    filing_rows = [_filing_row(i, f, v, received_at) for i, f, v in added]
    filing_columns = list(filing_rows[0])
    _copy(conn, filings.name, filing_columns, [block(list(r.values()) for r in filing_rows)])
    _copy_files(conn, ((i, n, c) for i, f, _ in added for n, c in f.files.items()))
    figure_text = _FigureText()

    def bodies(filing_id: int, filing: NewFiling, name: str) -> str:
        made = text_of.get(filing_id)
        return made[name] if made is not None else figure_text.text(filing, name)

    for fmt in sorted({f.format for _, f, _ in added}):
        for name in TABLE_NAMES:
            parts = (
                with_filing_ids(filing_id, bodies(filing_id, filing, name))
                for filing_id, filing, _ in added
                if filing.format == fmt
            )
            _copy(conn, figures_table(name, fmt).name, figure_columns(fmt, name), parts)


COPY_BLOCK = 1 << 20  # characters sent to the server at a time


def _copy(conn: Connection, table: str, columns: list[str], parts: Iterable[str]) -> None:
    """COPY text into a table through psycopg's copy protocol, on the transaction's own
    connection, in blocks of about a megabyte, sent by psycopg's writer thread: the next
    block is made while the server takes in the last."""
    driver = conn.connection.driver_connection
    assert driver is not None
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with driver.cursor() as cursor, _copying(cursor, statement) as copy:
        pending: list[str] = []
        size = 0
        for part in parts:
            pending.append(part)
            size += len(part)
            if size >= COPY_BLOCK:
                copy.write("".join(pending))
                pending, size = [], 0
        if pending:
            copy.write("".join(pending))


def _copying(cursor: psycopg.Cursor[Any], statement: str) -> AbstractContextManager[Copy]:
    """A COPY whose data goes to the server from a thread of psycopg's (QueuedLibpqWriter):
    Python makes the rows while the server, in its own process, takes in those before."""
    return cursor.copy(statement, writer=QueuedLibpqWriter(cursor))


def _copy_files(conn: Connection, rows: Iterable[tuple[int, str, bytes]]) -> None:
    """COPY the filed files in PostgreSQL's binary format: as COPY text each byte would be
    written as two hex digits (a folder's datapackage.json, schemas inlined, is ~21 KB)."""
    driver = conn.connection.driver_connection
    assert driver is not None
    statement = "COPY filing_files (filing_id, name, content) FROM STDIN (FORMAT BINARY)"
    with driver.cursor() as cursor, _copying(cursor, statement) as copy:
        copy.set_types(["int4", "text", "bytea"])
        for row in rows:
            copy.write_row(row)


def registry_rows(engine: Engine, agency_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """agency_id -> registry row, of those of the agencies that the registry holds."""
    wanted = sorted(set(agency_ids))
    found: dict[str, dict[str, Any]] = {}
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":  # the ids as one array: no IN list to expand
            rows = conn.execute(
                select(agencies).where(
                    agencies.c.agency_id
                    == any_(bindparam("ids", wanted, type_=ARRAY(agencies.c.agency_id.type)))
                )
            )
            return {row.agency_id: row._asdict() for row in rows}
        for start in range(0, len(wanted), KEYS_PER_STATEMENT):
            chunk = wanted[start : start + KEYS_PER_STATEMENT]
            rows = conn.execute(select(agencies).where(agencies.c.agency_id.in_(chunk)))
            found.update((row.agency_id, row._asdict()) for row in rows)
    return found


# the current version's CSV files of each (agency_id, year) of two arrays
_STORED_FILES = text(
    """
    SELECT h.agency_id, h.year, h.version, f.filing_id, f.name, f.content
    FROM unnest(CAST(:agencies AS text[]), CAST(:years AS integer[])) AS k(agency_id, year)
    JOIN heads h ON h.agency_id = k.agency_id AND h.year = k.year
    JOIN filing_files f ON f.filing_id = h.filing_id
    WHERE f.name LIKE '%.csv'
    """
)


def stored_packages(engine: Engine, keys: Iterable[tuple[str, int]]) -> list[ReportPackage]:
    """The current filings of these agencies and years as report packages (their tables as
    filed), for the continuity rules of the year after."""
    wanted = sorted(set(keys))
    files: dict[int, dict[str, bytes]] = {}
    names: dict[int, str] = {}
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":  # the keys as two arrays, one statement
            found = conn.execute(_STORED_FILES, _key_arrays(wanted)).all()
        else:
            found = [
                row
                for chunk in _chunks(wanted)
                for row in conn.execute(
                    select(
                        heads.c.agency_id,
                        heads.c.year,
                        heads.c.version,
                        filing_files.c.filing_id,
                        filing_files.c.name,
                        filing_files.c.content,
                    )
                    .join(filing_files, filing_files.c.filing_id == heads.c.filing_id)
                    .where(tuple_(heads.c.agency_id, heads.c.year).in_(chunk))
                    .where(filing_files.c.name.like("%.csv"))
                )
            ]
    for row in found:
        files.setdefault(row.filing_id, {})[row.name.removesuffix(".csv")] = row.content
        names[row.filing_id] = f"{row.agency_id}/{row.year} version {row.version}"
    return [ReportPackage(source=names[i], files=files[i]) for i in sorted(files)]
