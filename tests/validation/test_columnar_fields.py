"""The columnar executor types a plain cell in SQL only where the row engine's own reading
(Frictionless and the capture check) finds no issue and the same value: for every field of
every format, hostile cells the engine calls plain read alike in both."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from gongkai.standard import FORMATS, TABLE_NAMES
from gongkai.validation.columnar.cells import judge
from gongkai.validation.columnar.fields import _SAFE_PATTERN, _alternatives, _as_glob, columns

CELLS = [
    "", " ", "0", "00", "007", "7", " 7", "7 ", "+5", "-1", "-0", "1e2", "1E2", "1_000", "0x10",
    "1.5", "1.0", "1.", ".5", "12.5", "0.0001", "0.00001", "1.23456", "999999999999",
    "10000000000", "10000000001", "1000000000", "9999999999", "99999999999", "999", "20080",
    "1000000000.0001", "１２", "٣", "2024", "2008",
    "2007", "2100", "2101", "2024.0", "二〇二四", "无", "nan", "inf", "Infinity",
    "2025-01-05", "2025-1-5", "2025-13-01", "2025-02-29", "2024-02-29", "0000-01-01",
    "0999-12-31", "2025/01/05", "20250105", " 2025-01-05",
    "11320800000000000X", "113208000000000001", "11320800000000000I", "11320800000000000x",
    "320800-huaian-gov", "320800-Huaian", "320800-", "320800-a--b", "a" * 64, "1" * 65,
    "national", "township", "Township", "town", "agency", "government", "2019", "2021", "2020",
    "淮安市人民政府", "x", "=cmd", "+cmd", "-cmd", "@cmd", "ab\x01", "ab\x7f", "ab\u0085",
    "320800", "32080", "3208000", "３２０８００",
    "https://x.cn/a", "http://x.cn", "https:// x.cn", "www.example.cn", "not a url",
    "https://x.cn/\u4e2d", "ftp://x.cn", "HTTPS://X.CN", "http:", "http://",
    "new_received", "granted", "granted_x", "GRANTED", "other", "other_other",
]  # fmt: skip


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute("CREATE TABLE cells AS SELECT unnest(?) AS raw", [CELLS])
    return connection


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("table", TABLE_NAMES)
def test_a_cell_the_engine_calls_plain_reads_alike(
    con: duckdb.DuckDBPyConnection, fmt: str, table: str
) -> None:
    for column in columns(fmt, table):
        raw = "nullif(raw, '')"
        rows = con.execute(
            f"SELECT raw, CAST({column.value_sql(raw)} AS {column.sql_type}) FROM cells "
            f"WHERE {column.plain_sql(raw)}"
        ).fetchall()
        for cell, value in rows:
            verdict = judge(fmt, table, column.name, cell)
            assert not verdict.issues, (column.name, cell, verdict.issues)
            expected = verdict.txt if column.sql_type == "VARCHAR" else verdict.num
            assert value == expected or Decimal(value) == expected, (column.name, cell, value)


def test_plain_cells_are_the_common_ones(con: duckdb.DuckDBPyConnection) -> None:
    raw = "nullif(raw, '')"
    plain = {
        column.name: {
            cell
            for (cell,) in con.execute(
                f"SELECT raw FROM cells WHERE {column.plain_sql(raw)}"
            ).fetchall()
        }
        for table in TABLE_NAMES
        for column in columns("2021", table)
    }
    assert {"0", "7", "2024", "10000000000"} <= plain["natural_person"]
    assert {"9999999999", "999"} <= plain["natural_person"]
    assert (
        not {"007", "+5", " 7", "1e2", "10000000001", "99999999999", "-1"} & plain["natural_person"]
    )
    assert {"2024", "2008", "2100"} == plain["year"] & {
        "2024", "2008", "2100", "2101", "2007", "999", "20080"
    }  # fmt: skip
    assert {"12.5", "0.0001", "7"} <= plain["fees_amount"] and "0.00001" not in plain["fees_amount"]
    assert {"11320800000000000X", "320800-huaian-gov"} <= plain["agency_id"]
    assert {"2025-01-05", "2024-02-29", ""} <= plain["published_on"]
    assert "2025-02-29" not in plain["published_on"]
    assert {"https://x.cn/a", "http://x.cn", ""} <= plain["source_url"]
    assert "淮安市人民政府" in plain["agency_name"] and "=cmd" not in plain["agency_name"]
    assert plain["item"] >= {"new_received", "granted"} and "granted_x" not in plain["item"]


@pytest.mark.parametrize(
    ("pattern", "safe"),
    [
        ("[0-9]{6}", True),
        ("([0-9A-HJ-NPQRTUWXY]{18}|[0-9]{6}-[a-z0-9]+(-[a-z0-9]+)*)", True),
        ("[^=+\\-@\\x00-\\x1f\\x7f][^\\x00-\\x1f\\x7f]*", True),
        ("https?://[^\\x00-\\x20\\x7f]+", True),
        ("\\d{6}", False),  # Unicode digits in Python, ASCII in RE2
        ("[[:alpha:]]+", False),  # a POSIX class in RE2, a set in Python
        ("a{,3}", False),  # a quantifier in Python, text in RE2
        ("(?=a)a", False),
        ("(?i)a", False),
        ("\\bx", False),
    ],
)
def test_patterns_handed_to_the_engine_read_alike_there(pattern: str, safe: bool) -> None:
    assert bool(_SAFE_PATTERN.fullmatch(pattern)) is safe


@pytest.mark.parametrize(
    ("pattern", "globs"),
    [
        ("([0-9A-H]{3}|[0-9]{6}-[a-z0-9]+(-[a-z0-9]+)*)", ["[0-9A-H][0-9A-H][0-9A-H]", None]),
        ("[0-9]{2}", ["[0-9][0-9]"]),
        ("(a)|(b)", [None, None]),  # no group is taken apart
        ("[(|]x", [None]),  # a | in a class is a character
        ("\\(a|b", [None, "b"]),
        ("(a|b)c", [None]),
        ("a+", [None]),
    ],
)
def test_a_glob_stands_for_an_alternative_only_when_it_matches_the_same(
    pattern: str, globs: list[str | None]
) -> None:
    assert [_as_glob(a) for a in _alternatives(pattern)] == globs


def test_each_row_keeps_its_line_in_a_large_table(tmp_path: Path) -> None:
    """A row's line must be its line in the file even for a table the engine reads in
    parallel (tens of MB): in several pieces, side by side."""
    from gongkai.standard import load_standard
    from gongkai.validation.columnar.cells import Verdicts
    from gongkai.validation.columnar.intake import Batch
    from gongkai.validation.columnar.wide import load

    items = load_standard().format("2021").table("applications").item_codes
    rows = 800_000  # ~45 MB: several of the engine's reading blocks
    lines = "".join(
        f"11320800000000000X,2024,{items[n % len(items)]},{n},0,0,0,0,0,{n}\n"
        for n in range(2, rows + 2)
    )
    batch = Batch()
    empty = memoryview(b"")
    batch.add(0, "2021", {"reports": empty, "proactive": empty, "reviews": empty,
                          "applications": memoryview(lines.encode())})  # fmt: skip
    con = duckdb.connect()
    con.execute("SET threads = 4")  # four pieces, whatever the machine
    assert len(batch.pieces(tmp_path, "2021", "applications", 4)) == 4
    load(con, tmp_path, batch, "2021", Verdicts(con))
    assert con.execute("SELECT current_setting('threads')").fetchone() == (4,)
    moved = con.execute(
        "SELECT count(*) FILTER (natural_person <> line), count(*) FROM applications"
    ).fetchone()
    assert moved == (0, rows)


def test_pieces_of_a_large_table_hold_its_lines_and_count_those_before() -> None:
    from gongkai.validation.columnar.intake import PIECE, Batch

    lines = [f"{n},{'x' * (n % 50)}\n".encode() for n in range(3 * PIECE // 30)]
    body = b"".join(lines)
    batch = Batch()
    batch.add(7, "2021", {"applications": memoryview(body)})
    pieces = batch.pieces(Path("."), "2021", "applications", 3)
    assert len(pieces) == 3
    assert b"".join(bytes(p.lines) for p in pieces) == body
    before = 0
    for piece in pieces:
        assert (piece.package, piece.first) == (7, before)
        assert bytes(piece.lines).endswith(b"\n")
        assert bytes(piece.lines).split(b"\n")[0] == lines[before].rstrip(b"\n")
        before += bytes(piece.lines).count(b"\n")
