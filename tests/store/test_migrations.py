"""The migrations build exactly the tables the code declares, and can be undone."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from gongkai.store.tables import metadata


def test_migrated_database_matches_the_declared_tables(engine: Engine) -> None:
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_figures_tables_have_the_schema_columns(engine: Engine) -> None:
    columns = [c["name"] for c in inspect(engine).get_columns("figures_proactive_2021")]
    assert columns == [
        "filing_id",
        "agency_id",
        "year",
        "regulations_issued",
        "regulations_repealed",
        "regulations_in_force",
        "normative_issued",
        "normative_repealed",
        "normative_in_force",
        "licensing_decisions",
        "penalty_decisions",
        "coercion_decisions",
        "fees_amount",
    ]


def test_migration_0005_gives_existing_filings_their_origin(engine: Engine) -> None:
    """Filings stored before 0005: those with a token came through the API, the others from a
    bulk load. Downgrading and upgrading again leaves the declared tables."""
    from datetime import UTC, datetime

    from sqlalchemy import text

    from gongkai.store.db import downgrade, upgrade
    from gongkai.store.registry import create_token

    token_id, _ = create_token(engine, "admin")
    downgrade(engine, "0004")
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO agencies (agency_id, agency_name, region_code, level, scope) "
                    "VALUES ('320813-m-agency', '甲', '320813', 'county', 'agency')"
                )
            )
            for version, token in ((1, None), (2, token_id)):
                conn.execute(
                    text(
                        "INSERT INTO filings (agency_id, year, version, sha256, received_at, "
                        "format, valid, warnings, token_id) VALUES ('320813-m-agency', 2023, "
                        ":version, :sha, :at, '2021', :valid, '[]', :token)"
                    ),
                    {
                        "version": version,
                        "sha": str(version) * 64,
                        "at": datetime(2024, 1, 1, tzinfo=UTC),
                        "valid": True,
                        "token": token,
                    },
                )
    finally:
        upgrade(engine)
    with engine.connect() as conn:
        origins = conn.execute(text("SELECT version, origin FROM filings ORDER BY version")).all()
        assert [tuple(r) for r in origins] == [(1, "load"), (2, "api")]
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
