"""totals of the current versions per year, format, region, level and scope (and item), kept
by each filing; filled here from the figures already stored

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from gongkai.store.types import Amount

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

KEYS = ("year", "format", "region_code", "level", "scope")
APPLICANTS = ("natural_person", "commercial", "research", "nonprofit", "legal_services")
REVIEWS = tuple(
    f"{group}_{part}"
    for group in ("review", "suit_direct", "suit_after_review")
    for part in ("upheld", "corrected", "other", "pending", "total")
)
# totals table -> its figures (as of this revision), in the figures tables' order
FIGURES: dict[str, tuple[str, ...]] = {
    "totals_reports": (),
    "totals_applications": (*APPLICANTS, "other_org", "total"),
    "totals_reviews": REVIEWS,
    "totals_proactive_2021": (
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
    ),
    "totals_proactive_2019": tuple(
        [
            f"{kind}_{part}"
            for kind in ("regulations", "normative")
            for part in ("made", "published", "total")
        ]
        + [
            f"{kind}_{part}"
            for kind in ("licensing", "other_services", "penalty", "coercion")
            for part in ("previous", "change", "decisions")
        ]
        + ["fees_previous", "fees_change", "procurement_items", "procurement_amount"]
    ),
}
AMOUNTS = {"fees_amount", "procurement_amount"}


def _columns(table: str) -> list[sa.Column[Any]]:
    columns: list[sa.Column[Any]] = [
        sa.Column("year", sa.Integer(), nullable=False),
        *[sa.Column(k, sa.String(length=16), nullable=False) for k in KEYS[1:]],
    ]
    if table == "totals_applications":
        columns.append(sa.Column("item", sa.String(length=64), nullable=False))
        columns.append(sa.Column("seq", sa.SmallInteger(), nullable=False))
    columns.append(sa.Column("reports", sa.BigInteger(), nullable=False))
    for name in FIGURES[table]:
        columns.append(sa.Column(name, Amount() if name in AMOUNTS else sa.BigInteger()))
        columns.append(sa.Column(f"{name}_reported", sa.BigInteger(), nullable=False))
    return columns


def upgrade() -> None:
    for table in FIGURES:
        keys = [*KEYS, *(["item"] if table == "totals_applications" else [])]
        op.create_table(
            table, *_columns(table), sa.PrimaryKeyConstraint(*keys, name=op.f(f"pk_{table}"))
        )
    # an upgraded database answers aggregates right away
    from gongkai.store.totals import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    for table in reversed(FIGURES):
        op.drop_table(table)
