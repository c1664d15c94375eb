"""Case lifecycle: assessments, versioned support plans, approvals, deliveries, transfers.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # batch mode: SQLite cannot ALTER TABLE freely, PostgreSQL runs plain ALTERs
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "case_assessments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("risk_level", sa.String(length=20), nullable=False),
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column("summary_enc", sa.Text(), nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assessed_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_assessments_case_at", "case_assessments", ["case_id", "assessed_at"])

    op.create_table(
        "support_plans",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "version", name="uq_support_plans_version"),
    )

    op.create_table(
        "support_plan_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("funding_source", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["support_plans.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_support_plan_items_plan", "support_plan_items", ["plan_id", "position"])

    op.create_table(
        "case_approvals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=True),
        sa.Column("reason_code", sa.String(length=40), nullable=True),
        sa.Column("request_comment", sa.Text(), nullable=True),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["plan_id"], ["support_plans.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_approvals_case", "case_approvals", ["case_id", "requested_at"])
    op.create_index("ix_case_approvals_status", "case_approvals", ["status", "requested_at"])

    op.create_table(
        "support_deliveries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("plan_item_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["plan_item_id"], ["support_plan_items.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_support_deliveries_case_on", "support_deliveries", ["case_id", "delivered_on"]
    )

    op.create_table(
        "case_transfers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("from_commune_code", sa.String(length=10), nullable=False),
        sa.Column("to_commune_code", sa.String(length=10), nullable=False),
        sa.Column("transferred_by", sa.String(length=200), nullable=False),
        sa.Column("transferred_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_transfers_case_at", "case_transfers", ["case_id", "transferred_at"])


def downgrade() -> None:
    op.drop_index("ix_case_transfers_case_at", "case_transfers")
    op.drop_table("case_transfers")
    op.drop_index("ix_support_deliveries_case_on", "support_deliveries")
    op.drop_table("support_deliveries")
    op.drop_index("ix_case_approvals_status", "case_approvals")
    op.drop_index("ix_case_approvals_case", "case_approvals")
    op.drop_table("case_approvals")
    op.drop_index("ix_support_plan_items_plan", "support_plan_items")
    op.drop_table("support_plan_items")
    op.drop_table("support_plans")
    op.drop_index("ix_case_assessments_case_at", "case_assessments")
    op.drop_table("case_assessments")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("closed_at")
        batch.drop_column("updated_at")
