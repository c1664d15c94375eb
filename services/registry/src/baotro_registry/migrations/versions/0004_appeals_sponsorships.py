"""Public appeals and sponsorships.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "appeals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("child_id", sa.Uuid(), nullable=False),
        sa.Column("commune_code", sa.String(length=10), nullable=False),
        sa.Column("alias", sa.String(length=40), nullable=False),
        sa.Column("age_band", sa.String(length=8), nullable=False),
        sa.Column("province_code", sa.String(length=4), nullable=False),
        sa.Column("province_name", sa.String(length=100), nullable=False),
        sa.Column("need_kind", sa.String(length=40), nullable=False),
        sa.Column("amount_sought", sa.BigInteger(), nullable=False),
        sa.Column("amount_raised", sa.BigInteger(), nullable=False),
        sa.Column("story", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by", sa.String(length=200), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("key_id", sa.String(length=40), nullable=True),
        sa.Column("review_comment_enc", sa.Text(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=200), nullable=True),
        sa.Column("withdraw_reason", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["child_id"], ["children.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_appeals_case", "appeals", ["case_id"], unique=False)
    op.create_index("ix_appeals_child_status", "appeals", ["child_id", "status"], unique=False)
    op.create_index(
        "ix_appeals_commune_status", "appeals", ["commune_code", "status"], unique=False
    )
    op.create_index(
        "ix_appeals_status_published_at", "appeals", ["status", "published_at"], unique=False
    )
    op.create_table(
        "sponsorship_holds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("child_id", sa.Uuid(), nullable=False),
        sa.Column("commune_code", sa.String(length=10), nullable=False),
        sa.Column("sponsor_ref", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["child_id"], ["children.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_sponsorship_holds_child_status",
        "sponsorship_holds",
        ["child_id", "status"],
        unique=False,
    )
    op.create_table(
        "sponsorships",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("child_id", sa.Uuid(), nullable=False),
        sa.Column("commune_code", sa.String(length=10), nullable=False),
        sa.Column("sponsor_ref", sa.String(length=80), nullable=False),
        sa.Column("payer_ref", sa.String(length=80), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("hold_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["child_id"], ["children.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_sponsorships_child_status", "sponsorships", ["child_id", "status"], unique=False
    )
    op.create_index(
        "ix_sponsorships_commune_status", "sponsorships", ["commune_code", "status"], unique=False
    )
    op.create_index("ix_sponsorships_sponsor_ref", "sponsorships", ["sponsor_ref"], unique=False)
    op.create_table(
        "sponsorship_letters",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sponsorship_id", sa.Uuid(), nullable=False),
        sa.Column("child_id", sa.Uuid(), nullable=False),
        sa.Column("direction", sa.String(length=20), nullable=False),
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column("content_enc", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["sponsorship_id"], ["sponsorships.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_sponsorship_letters_sponsorship",
        "sponsorship_letters",
        ["sponsorship_id", "recorded_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_sponsorship_letters_sponsorship", table_name="sponsorship_letters")
    op.drop_table("sponsorship_letters")
    op.drop_index("ix_sponsorships_sponsor_ref", table_name="sponsorships")
    op.drop_index("ix_sponsorships_commune_status", table_name="sponsorships")
    op.drop_index("ix_sponsorships_child_status", table_name="sponsorships")
    op.drop_table("sponsorships")
    op.drop_index("ix_sponsorship_holds_child_status", table_name="sponsorship_holds")
    op.drop_table("sponsorship_holds")
    op.drop_index("ix_appeals_status_published_at", table_name="appeals")
    op.drop_index("ix_appeals_commune_status", table_name="appeals")
    op.drop_index("ix_appeals_child_status", table_name="appeals")
    op.drop_index("ix_appeals_case", table_name="appeals")
    op.drop_table("appeals")
