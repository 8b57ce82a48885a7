"""province_code and city_code on figures_reports, for grouping

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("figures_reports") as batch_op:
        batch_op.add_column(sa.Column("province_code", sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column("city_code", sa.String(length=6), nullable=True))
    op.execute(
        "UPDATE figures_reports SET province_code = substr(region_code, 1, 2) || '0000', "
        "city_code = substr(region_code, 1, 4) || '00'"
    )


def downgrade() -> None:
    with op.batch_alter_table("figures_reports") as batch_op:
        batch_op.drop_column("city_code")
        batch_op.drop_column("province_code")
