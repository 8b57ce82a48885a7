"""The schemas' maximums keep every aggregate inside the databases' types: the largest figure
the standard allows, summed over 150,000 agencies (more than China has), is exact on SQLite
(64-bit integers; amounts as integers of 0.0001 万元) and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine, text

from gongkai.standard import load_standard

AGENCIES = 150_000


def _largest(field_type: str) -> int:
    bounds: list[int] = [
        field.maximum
        for fmt in load_standard().formats.values()
        for table in fmt.tables.values()
        for field in table.value_fields
        if field.type == field_type and field.maximum is not None
    ]
    assert bounds, field_type
    return max(bounds)


def _sum_of(engine: Engine, value: int) -> Decimal:
    cast = "BIGINT" if engine.dialect.name == "postgresql" else "INTEGER"
    query = text(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :agencies) "
        f"SELECT SUM(CAST(:value AS {cast})) FROM n"
    )
    with engine.connect() as conn:
        return Decimal(conn.execute(query, {"agencies": AGENCIES, "value": value}).scalar_one())


def test_every_count_and_amount_has_a_maximum() -> None:
    for fmt in load_standard().formats.values():
        for table in fmt.tables.values():
            for field in table.value_fields:
                if field.type in ("integer", "number"):
                    assert field.maximum is not None, (fmt.code, table.name, field.name)


def test_the_largest_count_sums_over_all_agencies(engine: Engine) -> None:
    count = _largest("integer")
    assert _sum_of(engine, count) == count * AGENCIES


def test_the_largest_amount_sums_over_all_agencies(engine: Engine) -> None:
    # SQLite keeps amounts as integers of 0.0001 万元 (store.types.Amount)
    scaled = _largest("number") * 10_000
    assert _sum_of(engine, scaled) == scaled * AGENCIES


def test_the_sum_check_would_see_an_overflow(engine: Engine) -> None:
    """Over 2^63 the same query fails on SQLite or goes past BIGINT on PostgreSQL (NUMERIC):
    the check above is not vacuous."""
    beyond = 2**63 // AGENCIES + 1
    if engine.dialect.name == "sqlite":
        import pytest
        from sqlalchemy.exc import OperationalError

        with pytest.raises(OperationalError, match="integer overflow"):
            _sum_of(engine, beyond)
    else:
        assert _sum_of(engine, beyond) > 2**63 - 1
