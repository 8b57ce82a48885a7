"""a correction may go back to an earlier version's content: sha256 no longer unique per report

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("filings") as batch_op:
        batch_op.drop_constraint("uq_filings_agency_id_year_sha256", type_="unique")
        batch_op.create_index("ix_filings_agency_id_year_sha256", ["agency_id", "year", "sha256"])


def downgrade() -> None:
    with op.batch_alter_table("filings") as batch_op:
        batch_op.drop_index("ix_filings_agency_id_year_sha256")
        batch_op.create_unique_constraint(
            "uq_filings_agency_id_year_sha256", ["agency_id", "year", "sha256"]
        )
