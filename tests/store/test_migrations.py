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
