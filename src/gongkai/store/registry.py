"""The registry of agencies expected to file, and the API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Select, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from gongkai.identifiers import region_contains, region_level_prefix
from gongkai.store.tables import agencies, tokens

AGENCY_COLUMNS = ("agency_id", "agency_name", "region_code", "level", "scope", "parent_id")
TOKEN_KINDS = ("agency", "region", "admin")


def upsert(conn: Connection, table: Any, rows: list[dict[str, Any]], keys: list[str]) -> None:
    """INSERT … ON CONFLICT (keys) DO UPDATE on SQLite and PostgreSQL."""
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    changed = {c: stmt.excluded[c] for c in rows[0] if c not in keys}
    conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=changed), rows)


def agency_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """The registry columns of an agencies.csv or reports.csv row; blanks become None."""
    return {c: (row.get(c) or None) for c in AGENCY_COLUMNS}


def load_agencies(engine: Engine, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert or update registry rows (agencies.csv of STANDARD.md §2.5). Returns the count."""
    batch = [agency_row(r) for r in rows]
    with engine.begin() as conn:
        for start in range(0, len(batch), 5000):
            upsert(conn, agencies, batch[start : start + 5000], ["agency_id"])
    return len(batch)


def get_agency(conn: Connection, agency_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(agencies).where(agencies.c.agency_id == agency_id)).first()
    return dict(row._mapping) if row else None


def region_filter(column: Any, region: str) -> Any:
    """Codes lying under `region` (GB/T 2260 prefix logic; 100000 holds everything)."""
    if region == "100000":
        return column.is_not(None)
    prefix = region_level_prefix(region)
    if len(prefix) == 6:
        return column == region
    return column.like(prefix + "%")


def agencies_query(
    *,
    region: str | None = None,
    level: str | None = None,
    scope: str | None = None,
    name: str | None = None,
) -> Select[Any]:
    query = select(agencies)
    if region:
        query = query.where(region_filter(agencies.c.region_code, region))
    if level:
        query = query.where(agencies.c.level == level)
    if scope:
        query = query.where(agencies.c.scope == scope)
    if name:
        escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(agencies.c.agency_name.like(f"%{escaped}%", escape="\\"))
    return query


def list_agencies(
    engine: Engine, *, after: str | None = None, limit: int = 100, **filters: Any
) -> list[dict[str, Any]]:
    query = agencies_query(**filters).order_by(agencies.c.agency_id).limit(limit)
    if after:
        query = query.where(agencies.c.agency_id > after)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def count_agencies(engine: Engine, **filters: Any) -> int:
    """How many agencies `list_agencies` gives over all its pages."""
    query = select(func.count()).select_from(agencies_query(**filters).subquery())
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


@dataclass(frozen=True)
class Grant:
    """What a token allows: filing for one agency, for a region, or anything (admin)."""

    id: int
    kind: str
    scope_value: str | None

    def covers(self, agency_id: str, region_code: str | None) -> bool:
        """May this token file for that registered agency (admins: for anyone)?"""
        if self.kind == "admin":
            return True
        if self.kind == "agency":
            return self.scope_value == agency_id
        return (
            self.kind == "region"
            and bool(self.scope_value and region_code)
            and region_contains(str(self.scope_value), str(region_code))
        )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(engine: Engine, kind: str, scope_value: str | None = None) -> tuple[int, str]:
    """A new token: (its id, the token). Only its hash is stored."""
    if kind not in TOKEN_KINDS:
        raise ValueError(f"unknown token kind {kind!r}")
    if (kind == "admin") != (scope_value is None):
        raise ValueError("agency and region tokens need a value; admin tokens take none")
    token = "gk_" + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        result = conn.execute(
            tokens.insert().values(
                token_hash=token_hash(token),
                kind=kind,
                scope_value=scope_value,
                created_at=datetime.now(UTC),
            )
        )
        token_id = result.inserted_primary_key[0]  # type: ignore[index]
    return int(token_id), token


def revoke_token(engine: Engine, token_or_id: str) -> bool:
    """Revoke by the token itself or by its id; False when no live token matched."""
    where = tokens.c.token_hash == token_hash(token_or_id)
    if token_or_id.isdigit():
        where = where | (tokens.c.id == int(token_or_id))
    with engine.begin() as conn:
        result = conn.execute(
            update(tokens)
            .where(where, tokens.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
    return result.rowcount > 0


def find_grant(engine: Engine, token: str) -> Grant | None:
    """The live grant of `token`, or None if unknown or revoked."""
    with engine.connect() as conn:
        row = conn.execute(
            select(tokens.c.id, tokens.c.kind, tokens.c.scope_value).where(
                tokens.c.token_hash == token_hash(token), tokens.c.revoked_at.is_(None)
            )
        ).first()
    return Grant(row.id, row.kind, row.scope_value) if row else None
