"""Case read models, and the outbox, inbox and dead letters.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from baotro_shared.migrations import create_messaging_tables, drop_messaging_tables

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_view",
        sa.Column("case_id", sa.Uuid(), primary_key=True),
        sa.Column("commune_code", sa.String(10), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_case_view_status_commune", "case_view", ["status", "commune_code"])
    op.create_table(
        "case_group_view",
        sa.Column(
            "case_id",
            sa.Uuid(),
            sa.ForeignKey("case_view.case_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("group_code", sa.String(4), primary_key=True),
    )
    create_messaging_tables(op.get_bind())


def downgrade() -> None:
    drop_messaging_tables(op.get_bind())
    op.drop_table("case_group_view")
    op.drop_index("ix_case_view_status_commune", "case_view")
    op.drop_table("case_view")
