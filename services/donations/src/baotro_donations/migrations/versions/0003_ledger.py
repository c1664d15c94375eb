"""The ledger: journal entries, postings, donations and gap-free receipt counters.

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
    op.create_table(
        "journal_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("fund_code", sa.String(length=16), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("memo", sa.String(length=500), nullable=False),
        sa.Column("reverses", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["reverses"], ["journal_entries.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_journal_entries_fund_date", "journal_entries", ["fund_code", "entry_date"])
    op.create_index("ix_journal_entries_reverses", "journal_entries", ["reverses"])
    op.create_table(
        "postings",
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("line_no", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("account_code", sa.String(length=40), nullable=False),
        sa.Column("restriction_kind", sa.String(length=20), nullable=True),
        sa.Column("restriction_id", sa.String(length=80), nullable=True),
        sa.Column("debit", sa.BigInteger(), nullable=False),
        sa.Column("credit", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["journal_entries.id"]),
        sa.PrimaryKeyConstraint("entry_id", "line_no"),
    )
    op.create_index("ix_postings_account", "postings", ["account_code"])
    op.create_index("ix_postings_restriction", "postings", ["restriction_kind", "restriction_id"])
    op.create_table(
        "donations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("fund_code", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("asset_account", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("original_currency", sa.String(length=3), nullable=True),
        sa.Column("original_amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("in_kind_description", sa.String(length=500), nullable=True),
        sa.Column("in_kind_quantity", sa.Numeric(precision=18, scale=3), nullable=True),
        sa.Column("in_kind_unit", sa.String(length=40), nullable=True),
        sa.Column("donor_id", sa.Uuid(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.String(length=80), nullable=True),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("receipt_number", sa.String(length=40), nullable=False),
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["journal_entries.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("receipt_number"),
    )
    op.create_index("ix_donations_fund_received", "donations", ["fund_code", "received_on"])
    op.create_index("ix_donations_target", "donations", ["target_kind", "target_id"])
    op.create_index("ix_donations_entry", "donations", ["entry_id"])
    op.create_index("ix_donations_donor", "donations", ["donor_id"])
    op.create_table(
        "receipt_counters",
        sa.Column("fund_code", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("fund_code", "year"),
    )


def downgrade() -> None:
    op.drop_table("receipt_counters")
    op.drop_index("ix_donations_donor", table_name="donations")
    op.drop_index("ix_donations_entry", table_name="donations")
    op.drop_index("ix_donations_target", table_name="donations")
    op.drop_index("ix_donations_fund_received", table_name="donations")
    op.drop_table("donations")
    op.drop_index("ix_postings_restriction", table_name="postings")
    op.drop_index("ix_postings_account", table_name="postings")
    op.drop_table("postings")
    op.drop_index("ix_journal_entries_reverses", table_name="journal_entries")
    op.drop_index("ix_journal_entries_fund_date", table_name="journal_entries")
    op.drop_table("journal_entries")
