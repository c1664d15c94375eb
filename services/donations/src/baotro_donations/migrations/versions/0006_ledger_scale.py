"""Ledger at scale: totals per pot, in all and per day (filled from the postings already
written), and an index for the journal in posting order.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pot_day_totals",
        sa.Column("fund_code", sa.String(length=16), nullable=False),
        sa.Column("account_code", sa.String(length=40), nullable=False),
        sa.Column("restriction_kind", sa.String(length=20), nullable=False),
        sa.Column("restriction_id", sa.String(length=80), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("debit", sa.BigInteger(), nullable=False),
        sa.Column("credit", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "fund_code", "account_code", "restriction_kind", "restriction_id", "day"
        ),
    )
    op.execute(
        """
        INSERT INTO pot_day_totals
            (fund_code, account_code, restriction_kind, restriction_id, day, debit, credit)
        SELECT e.fund_code, p.account_code, COALESCE(p.restriction_kind, ''),
               COALESCE(p.restriction_id, ''), e.entry_date, SUM(p.debit), SUM(p.credit)
        FROM postings p JOIN journal_entries e ON e.id = p.entry_id
        GROUP BY e.fund_code, p.account_code, COALESCE(p.restriction_kind, ''),
                 COALESCE(p.restriction_id, ''), e.entry_date
        """
    )
    op.create_table(
        "pot_totals",
        sa.Column("fund_code", sa.String(length=16), nullable=False),
        sa.Column("account_code", sa.String(length=40), nullable=False),
        sa.Column("restriction_kind", sa.String(length=20), nullable=False),
        sa.Column("restriction_id", sa.String(length=80), nullable=False),
        sa.Column("debit", sa.BigInteger(), nullable=False),
        sa.Column("credit", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("fund_code", "account_code", "restriction_kind", "restriction_id"),
    )
    op.execute(
        """
        INSERT INTO pot_totals
            (fund_code, account_code, restriction_kind, restriction_id, debit, credit)
        SELECT fund_code, account_code, restriction_kind, restriction_id, SUM(debit), SUM(credit)
        FROM pot_day_totals
        GROUP BY fund_code, account_code, restriction_kind, restriction_id
        """
    )
    op.create_index(
        "ix_journal_entries_fund_created", "journal_entries", ["fund_code", "created_at", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_journal_entries_fund_created", table_name="journal_entries")
    op.drop_table("pot_totals")
    op.drop_table("pot_day_totals")
