"""filings record where they came from (api, load, import): coverage cannot judge the lateness
of a report loaded from history by the time it was loaded

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("filings") as batch_op:
        batch_op.add_column(sa.Column("origin", sa.String(16), nullable=True))
    # before this, only the API filed with a token; everything else was a bulk load
    op.execute("UPDATE filings SET origin = CASE WHEN token_id IS NULL THEN 'load' ELSE 'api' END")
    with op.batch_alter_table("filings") as batch_op:
        batch_op.alter_column("origin", existing_type=sa.String(16), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("filings") as batch_op:
        batch_op.drop_column("origin")
