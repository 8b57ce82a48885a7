"""the figures rows and the files of a filing lose their foreign key to filings: the database
checked it row by row (a query of filings' key per row), a third of the server's work in a bulk
load. Integrity holds without it: filings are never deleted or changed, and their rows are
written only with the filing, in its transaction (store.filings, store.bulk), by the id just
given to it; tests/store/test_bulk.py checks that every row has its filing

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLES = (
    "filing_files",
    "figures_reports",
    "figures_applications",
    "figures_reviews",
    "figures_proactive_2021",
    "figures_proactive_2019",
)


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_filing_id_filings", type_="foreignkey")


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.create_foreign_key(
                f"fk_{table}_filing_id_filings", "filings", ["filing_id"], ["id"]
            )
