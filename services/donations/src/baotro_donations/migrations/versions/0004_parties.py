"""Donors, organisational units, campaigns and pledges.

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
        "donors",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("name_folded", sa.String(length=200), nullable=False),
        sa.Column("salutation", sa.String(length=40), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("preferred_channel", sa.String(length=10), nullable=True),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=True),
        sa.Column("average_daily_wage", sa.BigInteger(), nullable=True),
        sa.Column("commune_code", sa.String(length=10), nullable=True),
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column("email_enc", sa.Text(), nullable=True),
        sa.Column("phone_enc", sa.Text(), nullable=True),
        sa.Column("address_enc", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_donors_name_folded", "donors", ["name_folded"])
    op.create_index("ix_donors_kind", "donors", ["kind"])
    op.create_table(
        "donor_bank_accounts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("donor_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("bank_bin", sa.String(length=10), nullable=True),
        sa.Column("bank_name", sa.String(length=120), nullable=True),
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column("number_enc", sa.Text(), nullable=False),
        sa.Column("number_bidx", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["donor_id"], ["donors.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number_bidx", name="uq_donor_bank_accounts_number"),
    )
    op.create_index("ix_donor_bank_accounts_donor", "donor_bank_accounts", ["donor_id"])
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("fund_code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("target_amount", sa.BigInteger(), nullable=True),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_campaigns_fund_starts", "campaigns", ["fund_code", "starts_on"])
    op.create_table(
        "pledges",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("target_amount", sa.BigInteger(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=True),
        sa.Column("average_daily_wage", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["donors.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "unit_id", name="uq_pledges_campaign_unit"),
    )
    op.create_index("ix_pledges_unit", "pledges", ["unit_id"])
    # gifts counted towards a campaign or a unit's pledge, and their public memo
    with op.batch_alter_table("donations") as batch:
        batch.add_column(sa.Column("campaign_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("pledge_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("public_memo", sa.String(length=300), nullable=True))
    op.create_index("ix_donations_campaign", "donations", ["campaign_id"])
    op.create_index("ix_donations_pledge", "donations", ["pledge_id"])


def downgrade() -> None:
    op.drop_index("ix_donations_pledge", table_name="donations")
    op.drop_index("ix_donations_campaign", table_name="donations")
    with op.batch_alter_table("donations") as batch:
        batch.drop_column("public_memo")
        batch.drop_column("pledge_id")
        batch.drop_column("campaign_id")
    op.drop_index("ix_pledges_unit", table_name="pledges")
    op.drop_table("pledges")
    op.drop_index("ix_campaigns_fund_starts", table_name="campaigns")
    op.drop_table("campaigns")
    op.drop_index("ix_donor_bank_accounts_donor", table_name="donor_bank_accounts")
    op.drop_table("donor_bank_accounts")
    op.drop_index("ix_donors_kind", table_name="donors")
    op.drop_index("ix_donors_name_folded", table_name="donors")
    op.drop_table("donors")
