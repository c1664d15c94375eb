"""Bank feeds: statement imports, bank transactions with their raw lines and deduplication
keys, reconciliation rules, refused inputs kept for inspection.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "statement_imports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("fund_code", sa.String(length=16), nullable=True),
        sa.Column("bank_account", sa.String(length=40), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("format", sa.String(length=16), nullable=True),
        sa.Column("profile", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("done_lines", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("matched", sa.Integer(), nullable=False),
        sa.Column("suggested", sa.Integer(), nullable=False),
        sa.Column("unmatched", sa.Integer(), nullable=False),
        sa.Column("ignored", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_statement_imports_content_sha256"),
        "statement_imports",
        ["content_sha256"],
        unique=False,
    )
    op.create_table(
        "bank_transactions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("fund_code", sa.String(length=16), nullable=False),
        sa.Column("bank_account", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.String(length=80), nullable=True),
        sa.Column("import_id", sa.Uuid(), nullable=True),
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("booked_at", sa.Time(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("bank_reference", sa.String(length=80), nullable=True),
        sa.Column("document_number", sa.String(length=80), nullable=True),
        sa.Column("balance", sa.BigInteger(), nullable=True),
        sa.Column("counterparty", sa.String(length=255), nullable=True),
        sa.Column("counter_account", sa.String(length=40), nullable=True),
        sa.Column("payer_name", sa.String(length=255), nullable=True),
        sa.Column("sender_account", sa.String(length=40), nullable=True),
        sa.Column("codes", sa.String(length=255), nullable=True),
        sa.Column("cited_references", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("match_kind", sa.String(length=20), nullable=False),
        sa.Column("match_confidence", sa.Float(), nullable=False),
        sa.Column("match_reason", sa.Text(), nullable=False),
        sa.Column("match_target_kind", sa.String(length=20), nullable=True),
        sa.Column("match_target_id", sa.String(length=80), nullable=True),
        sa.Column("match_donor_id", sa.Uuid(), nullable=True),
        sa.Column("match_code", sa.String(length=20), nullable=True),
        sa.Column("refund_of", sa.String(length=80), nullable=True),
        sa.Column("donation_ids", sa.JSON(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_bank_transactions_account_booked",
        "bank_transactions",
        ["fund_code", "bank_account", "booked_on"],
        unique=False,
    )
    op.create_index("ix_bank_transactions_import", "bank_transactions", ["import_id"], unique=False)
    op.create_index(
        "ix_bank_transactions_reference", "bank_transactions", ["bank_reference"], unique=False
    )
    op.create_index(
        "ix_bank_transactions_status_booked",
        "bank_transactions",
        ["status", "booked_on"],
        unique=False,
    )
    op.create_table(
        "bank_transaction_keys",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("transaction_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "reconciliation_rules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("fund_code", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("sender_account", sa.String(length=40), nullable=True),
        sa.Column("payer_name", sa.String(length=255), nullable=True),
        sa.Column("memo_words", sa.String(length=255), nullable=True),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.String(length=80), nullable=True),
        sa.Column("target_label", sa.String(length=200), nullable=True),
        sa.Column("donor_id", sa.Uuid(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "rejected_inputs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("rejected_inputs")
    op.drop_table("reconciliation_rules")
    op.drop_table("bank_transaction_keys")
    op.drop_table("bank_transactions")
    op.drop_table("statement_imports")
