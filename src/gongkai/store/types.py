"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

SCALE = 4  # the standard's amounts have at most 4 decimals (万元)
_FACTOR = Decimal(10) ** SCALE


class Amount(TypeDecorator[Decimal]):
    """An exact decimal with 4 places: NUMERIC on PostgreSQL, a scaled integer on SQLite.

    SQLite has no decimal type (its NUMERIC is a float), so amounts are kept as integers
    of 1/10000 and SUM stays exact on both databases.
    """

    impl = Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(20, SCALE))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        value = Decimal(value)
        if dialect.name == "sqlite":
            return int((value * _FACTOR).to_integral_value())
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return plain(Decimal(int(value)) / _FACTOR)
        return plain(Decimal(value))


def plain(value: Decimal) -> Decimal:
    """Without trailing zeros and without an exponent: 96171.6000 -> 96171.6, 1E+2 -> 100."""
    value = value.normalize()
    if value.as_tuple().exponent > 0:  # type: ignore[operator]
        value = value.quantize(Decimal(1))
    return value
