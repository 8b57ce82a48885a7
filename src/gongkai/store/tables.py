"""The database tables.

Figures tables hold one filing's typed values, with the schema's own column names (so a
table's CSV is exactly its schema's columns) and NULL for a blank cell. Every version's
figures are kept; `heads` points at the current (highest) version of each agency and year.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from gongkai.standard import load_standard
from gongkai.store.types import Amount

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

agencies = Table(
    "agencies",
    metadata,
    Column("agency_id", String(64), primary_key=True),
    Column("agency_name", Text, nullable=False),
    Column("region_code", String(6), nullable=False, index=True),
    Column("level", String(16), nullable=False),
    Column("scope", String(16), nullable=False),
    Column("parent_id", String(64)),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),  # agency, region, admin
    Column("scope_value", String(64)),  # the agency id or region code; NULL for admin
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

filings = Table(
    "filings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("agency_id", String(64), ForeignKey("agencies.agency_id"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("format", String(8), nullable=False),
    Column("valid", Boolean, nullable=False),
    Column("warnings", JSON, nullable=False),
    Column("token_id", Integer, ForeignKey("tokens.id")),
    # api: filed by its agency (or region) with a token; load: bulk-loaded; import: a package
    # an importer made from a published report. Only an API filing's time says when it was
    # published.
    Column("origin", String(16), nullable=False),
    UniqueConstraint("agency_id", "year", "version"),
    # not unique: a correction may go back to an earlier version's content (a new version)
    Index(None, "agency_id", "year", "sha256"),
)

# The package exactly as filed: one row per file (table name -> UTF-8 CSV, or the descriptor).
# Its rows, like the figures rows, are written only with their filing, in its transaction, and
# filings are never deleted: no foreign key, whose check per row a bulk load pays (0008).
filing_files = Table(
    "filing_files",
    metadata,
    Column("filing_id", Integer, primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("content", LargeBinary, nullable=False),
)

# One row per (agency, year): the lock two racing filings queue on, and the current version.
heads = Table(
    "heads",
    metadata,
    Column("agency_id", String(64), ForeignKey("agencies.agency_id"), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("filing_id", Integer, ForeignKey("filings.id")),
    Index(None, "year", "agency_id"),
)

# Packages refused as invalid: kept so coverage can tell "tried, invalid" from "missing".
rejections = Table(
    "rejections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("agency_id", String(64), ForeignKey("agencies.agency_id"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("issues", JSON, nullable=False),
    Index(None, "year", "agency_id"),
)


def _value_column(name: str, type_: str) -> Column[Any]:
    if type_ == "number":
        return Column(name, Amount())
    if type_ == "date":
        return Column(name, Date)
    if type_ == "integer":
        return Column(name, BigInteger)
    return Column(name, Text)


def _figures_table(db_name: str, schema_table: str, fmt: str) -> Table:
    """A figures table with the schema's columns, keyed by filing (and item); the filing's id
    without a foreign key, as filing_files."""
    table = load_standard().formats[fmt].tables[schema_table]
    columns: list[Column[Any]] = [
        Column("filing_id", Integer, primary_key=True),
    ]
    for field in table.fields:
        if field.name == "agency_id":
            columns.append(Column("agency_id", String(64), nullable=False))
        elif field.name == "year":
            columns.append(Column("year", Integer, nullable=False))
        elif field.name == "item":
            columns.append(Column("item", String(64), primary_key=True))
            columns.append(Column("seq", SmallInteger, nullable=False))  # printed order
        elif field.name in ("region_code", "level", "scope", "format"):
            columns.append(Column(field.name, String(16), nullable=False))
        else:
            columns.append(_value_column(field.name, field.type))
    return Table(db_name, metadata, *columns)


# schema table name and format -> database table. applications and reviews have the same
# columns in both formats; proactive differs, so it has one table per format.
figures: dict[tuple[str, str], Table] = {}
for _fmt in ("2021", "2019"):
    for _name in ("reports", "applications", "reviews"):
        if (_name, "2021") not in figures:
            figures[(_name, _fmt)] = _figures_table(f"figures_{_name}", _name, _fmt)
        else:
            figures[(_name, _fmt)] = figures[(_name, "2021")]
    figures[("proactive", _fmt)] = _figures_table(f"figures_proactive_{_fmt}", "proactive", _fmt)

_reports = figures[("reports", "2021")]
# Derived from region_code (GB/T 2260): grouping on plain columns lets the database estimate
# the number of groups (32 provinces, not "one per row"), so it aggregates in a hash table.
_reports.append_column(Column("province_code", String(6)))
_reports.append_column(Column("city_code", String(6)))
Index(None, _reports.c.year, _reports.c.region_code)
# keyset pages and streams walk the figures in key order
for _table in {id(t): t for t in figures.values()}.values():
    _keys = [_table.c.agency_id, _table.c.year]
    if "seq" in _table.c:
        _keys.append(_table.c.seq)
    Index(None, *_keys)


def derived_region_columns(region_code: str) -> dict[str, str]:
    """province_code XX0000 and city_code XXYY00 of a region code."""
    return {"province_code": region_code[:2] + "0000", "city_code": region_code[:4] + "00"}


def figures_table(name: str, fmt: str) -> Table:
    return figures[(name, fmt)]


# Totals: per year, format, region, level and scope (and item), the sums of the current
# versions, kept up to date in the transaction of each filing (store.totals). Per figure: its
# sum (NULL when no report gave it: blank is never 0) and `<figure>_reported`; `reports`: how
# many reports the row counts, so blank = reports - reported. Each report is counted at three
# grains of its region (GRAINS): a question is answered from the coarsest grain that holds it,
# so a national aggregate by province sums a few thousand rows, not one per county.
TOTALS_KEYS = ("year", "grain", "format", "region_code", "level", "scope")
GRAINS = ("province", "city", "county")  # region_code: XX0000, XXYY00, the report's own code
REPORTED = "_reported"
# in totals_reports: of the reports counted, those published late and those whose lateness
# cannot be told (coverage; store.lateness)
LATENESS_COUNTS = ("late", "unknown")
TOTALS_FILLFACTOR = 50


def _totals_table(name: str, fmt: str) -> Table:
    source = figures[(name, fmt)]
    columns: list[Column[Any]] = [
        Column("year", Integer, primary_key=True),
        Column("grain", String(8), primary_key=True),
        Column("format", String(16), primary_key=True),
        Column("region_code", String(16), primary_key=True),
        Column("level", String(16), primary_key=True),
        Column("scope", String(16), primary_key=True),
    ]
    if "item" in source.c:
        columns.append(Column("item", String(64), primary_key=True))
        columns.append(Column("seq", SmallInteger, nullable=False))
    columns.append(Column("reports", BigInteger, nullable=False))
    if name == "reports":
        columns += [Column(n, BigInteger, nullable=False) for n in LATENESS_COUNTS]
    for field in load_standard().formats[fmt].tables[name].value_fields:
        columns.append(_value_column(field.name, field.type))
        columns.append(Column(field.name + REPORTED, BigInteger, nullable=False))
    # SQLite: rows kept in key order, so a year's rows are read in one range, not looked up.
    # PostgreSQL: half of each page free, so that a bulk load's update of a row stays on its
    # page (HOT: no new index entry; migration 0009)
    return Table(
        source.name.replace("figures_", "totals_", 1),
        metadata,
        *columns,
        sqlite_with_rowid=False,
        postgresql_with={"fillfactor": TOTALS_FILLFACTOR},
    )


# figures table name -> its totals (applications and reviews: one for both formats, as figures)
totals: dict[str, Table] = {}
for (_name, _fmt), _table in figures.items():
    if _table.name not in totals:
        totals[_table.name] = _totals_table(_name, _fmt)

# coverage counts the registry by group: read from this index alone, not the rows
Index(None, agencies.c.region_code, agencies.c.level, agencies.c.scope)


def totals_table(name: str, fmt: str) -> Table:
    return totals[figures[(name, fmt)].name]
