"""Disbursements and their approvals.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "disbursements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("fund_code", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.String(length=30), nullable=False),
        sa.Column("restriction_kind", sa.String(length=20), nullable=True),
        sa.Column("restriction_id", sa.String(length=80), nullable=True),
        sa.Column("allow_unrestricted", sa.Boolean(), nullable=False),
        sa.Column("paid_from", sa.String(length=20), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("commune_code", sa.String(length=10), nullable=True),
        sa.Column("groups", sa.JSON(), nullable=False),
        sa.Column("beneficiaries", sa.Integer(), nullable=True),
        sa.Column("public_description", sa.String(length=300), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=True),
        sa.Column("plan_version", sa.Integer(), nullable=True),
        sa.Column("plan_item", sa.Integer(), nullable=True),
        sa.Column("support_kind", sa.String(length=40), nullable=True),
        sa.Column("funding_source", sa.String(length=40), nullable=True),
        sa.Column("planned_amount", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("amended_by", sa.String(length=200), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(length=400), nullable=True),
        sa.Column("entry_id", sa.Uuid(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["entry_id"], ["journal_entries.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "plan_item", name="uq_disbursements_plan_item"),
    )
    op.create_index("ix_disbursements_status", "disbursements", ["status", "requested_at"])
    op.create_index("ix_disbursements_case", "disbursements", ["case_id", "plan_version"])
    op.create_index("ix_disbursements_commune", "disbursements", ["commune_code"])


def downgrade() -> None:
    op.drop_index("ix_disbursements_commune", table_name="disbursements")
    op.drop_index("ix_disbursements_case", table_name="disbursements")
    op.drop_index("ix_disbursements_status", table_name="disbursements")
    op.drop_table("disbursements")
