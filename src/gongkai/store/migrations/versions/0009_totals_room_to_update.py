"""the totals tables keep half of each page free (PostgreSQL, fillfactor 50): a bulk load
updates nearly every row of a year's totals once per transaction, and an update that finds
room on its row's page stays there (a HOT update: no new entry in the seven-column primary
key's index, the larger part of an update's cost). Pages written before this keep their
rows packed until the table is rewritten (VACUUM FULL); new pages, and a fresh database's
totals, get the room

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TABLES = (
    "totals_reports",
    "totals_applications",
    "totals_reviews",
    "totals_proactive_2021",
    "totals_proactive_2019",
)
FILLFACTOR = 50


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} SET (fillfactor = {FILLFACTOR})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} RESET (fillfactor)")
