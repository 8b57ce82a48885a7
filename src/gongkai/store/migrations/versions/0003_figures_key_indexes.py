"""indexes on the figures' keys, for keyset pages and streams

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ["figures_reports", "figures_proactive_2021", "figures_proactive_2019", "figures_reviews"]


def upgrade() -> None:
    for table in TABLES:
        op.create_index(f"ix_{table}_agency_id_year", table, ["agency_id", "year"])
    op.create_index(
        "ix_figures_applications_agency_id_year_seq",
        "figures_applications",
        ["agency_id", "year", "seq"],
    )


def downgrade() -> None:
    op.drop_index("ix_figures_applications_agency_id_year_seq", "figures_applications")
    for table in reversed(TABLES):
        op.drop_index(f"ix_{table}_agency_id_year", table)
