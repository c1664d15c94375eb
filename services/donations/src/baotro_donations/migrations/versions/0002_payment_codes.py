"""Payment codes and their VietQR payloads.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "payment_codes",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("fund_code", sa.String(length=10), nullable=False),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.String(length=80), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("memo", sa.String(length=25), nullable=False),
        sa.Column("vietqr_payload", sa.String(length=512), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("code"),
        sa.UniqueConstraint(
            "fund_code", "target_kind", "target_id", name="uq_payment_codes_fund_target"
        ),
    )
    op.create_index("ix_payment_codes_created_at", "payment_codes", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_payment_codes_created_at", table_name="payment_codes")
    op.drop_table("payment_codes")
