"""Deliveries, read models of gifts/campaigns/appeals/pledges/sponsorships, unit summaries,
commendation rules and commendations.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
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
        "appeals",
        sa.Column("appeal_id", sa.Uuid(), nullable=False),
        sa.Column("alias", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("appeal_id"),
    )
    op.create_table(
        "campaigns",
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id"),
    )
    op.create_table(
        "commendation_rules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("award", sa.String(length=300), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("donor_kinds", sa.JSON(), nullable=False),
        sa.Column("min_total", sa.BigInteger(), nullable=True),
        sa.Column("min_sponsorships", sa.Integer(), nullable=True),
        sa.Column("min_campaigns_mobilised", sa.Integer(), nullable=True),
        sa.Column("signer_title", sa.String(length=120), nullable=True),
        sa.Column("signer_name", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_commendation_rules_year", "commendation_rules", ["year"], unique=False)
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("dedupe_key", sa.String(length=160), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("donor_id", sa.Uuid(), nullable=True),
        sa.Column("donation_id", sa.Uuid(), nullable=True),
        sa.Column("pledge_id", sa.Uuid(), nullable=True),
        sa.Column("summary_group_id", sa.Uuid(), nullable=True),
        sa.Column("commendation_id", sa.Uuid(), nullable=True),
        sa.Column("corrects_id", sa.Uuid(), nullable=True),
        sa.Column("previous_amount", sa.BigInteger(), nullable=True),
        sa.Column("told_amount", sa.BigInteger(), nullable=True),
        sa.Column("gifts", sa.Integer(), nullable=True),
        sa.Column("receipt_number", sa.String(length=40), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=True),
        sa.Column("address_masked", sa.String(length=200), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lookup_failures", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("provider_status", sa.String(length=40), nullable=True),
        sa.Column("provider_message_id", sa.String(length=120), nullable=True),
        sa.Column("skip_reason", sa.String(length=30), nullable=True),
        sa.Column("letter_pdf", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
    )
    op.create_index("ix_deliveries_created_at", "deliveries", ["created_at"], unique=False)
    op.create_index("ix_deliveries_donation_id", "deliveries", ["donation_id"], unique=False)
    op.create_index("ix_deliveries_donor_id", "deliveries", ["donor_id"], unique=False)
    op.create_index("ix_deliveries_due", "deliveries", ["status", "next_attempt_at"], unique=False)
    op.create_index(
        "ix_deliveries_summary_group_id", "deliveries", ["summary_group_id"], unique=False
    )
    op.create_table(
        "gifts",
        sa.Column("donation_id", sa.Uuid(), nullable=False),
        sa.Column("donor_id", sa.Uuid(), nullable=True),
        sa.Column("donor_kind", sa.String(length=20), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reversed_amount", sa.BigInteger(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.String(length=80), nullable=True),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("pledge_id", sa.Uuid(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("receipt_number", sa.String(length=40), nullable=True),
        sa.Column("summary_group_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("donation_id"),
    )
    op.create_index("ix_gifts_donor_received", "gifts", ["donor_id", "received_on"], unique=False)
    op.create_index("ix_gifts_pledge_id", "gifts", ["pledge_id"], unique=False)
    op.create_index("ix_gifts_summary_group_id", "gifts", ["summary_group_id"], unique=False)
    op.create_table(
        "early_reversals",
        sa.Column("reversal_id", sa.Uuid(), nullable=False),
        sa.Column("donation_id", sa.Uuid(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("remaining_amount", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("reversal_id"),
    )
    op.create_index(
        "ix_early_reversals_donation_id", "early_reversals", ["donation_id"], unique=False
    )
    op.create_table(
        "pledges",
        sa.Column("pledge_id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("unit_name", sa.String(length=300), nullable=False),
        sa.Column("target_amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("pledge_id"),
    )
    op.create_index("ix_pledges_unit_id", "pledges", ["unit_id"], unique=False)
    op.create_table(
        "sponsorships",
        sa.Column("sponsorship_id", sa.Uuid(), nullable=False),
        sa.Column("donor_id", sa.Uuid(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("sponsorship_id"),
    )
    op.create_index("ix_sponsorships_donor_id", "sponsorships", ["donor_id"], unique=False)
    op.create_table(
        "unit_summaries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("pledge_id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("open_key", sa.String(length=80), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_gift_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("open_key"),
    )
    op.create_index(
        "ix_unit_summaries_last_gift_at", "unit_summaries", ["last_gift_at"], unique=False
    )
    op.create_table(
        "commendations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("rule_id", sa.Uuid(), nullable=False),
        sa.Column("donor_id", sa.Uuid(), nullable=False),
        sa.Column("donor_kind", sa.String(length=20), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("award", sa.String(length=300), nullable=False),
        sa.Column("total_given", sa.BigInteger(), nullable=False),
        sa.Column("donation_count", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("rejection_reason", sa.String(length=1000), nullable=True),
        sa.Column("certificate_number", sa.String(length=40), nullable=True),
        sa.Column("certificate_pdf", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["commendation_rules.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("certificate_number"),
        sa.UniqueConstraint(
            "rule_id",
            "donor_id",
            "period_start",
            "period_end",
            name="uq_commendations_rule_donor_period",
        ),
    )
    op.create_index("ix_commendations_status", "commendations", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_commendations_status", table_name="commendations")
    op.drop_table("commendations")
    op.drop_index("ix_unit_summaries_last_gift_at", table_name="unit_summaries")
    op.drop_table("unit_summaries")
    op.drop_index("ix_sponsorships_donor_id", table_name="sponsorships")
    op.drop_table("sponsorships")
    op.drop_index("ix_early_reversals_donation_id", table_name="early_reversals")
    op.drop_table("early_reversals")
    op.drop_index("ix_pledges_unit_id", table_name="pledges")
    op.drop_table("pledges")
    op.drop_index("ix_gifts_summary_group_id", table_name="gifts")
    op.drop_index("ix_gifts_pledge_id", table_name="gifts")
    op.drop_index("ix_gifts_donor_received", table_name="gifts")
    op.drop_table("gifts")
    op.drop_index("ix_deliveries_summary_group_id", table_name="deliveries")
    op.drop_index("ix_deliveries_due", table_name="deliveries")
    op.drop_index("ix_deliveries_donor_id", table_name="deliveries")
    op.drop_index("ix_deliveries_donation_id", table_name="deliveries")
    op.drop_index("ix_deliveries_created_at", table_name="deliveries")
    op.drop_table("deliveries")
    op.drop_index("ix_commendation_rules_year", table_name="commendation_rules")
    op.drop_table("commendation_rules")
    op.drop_table("campaigns")
    op.drop_table("appeals")
