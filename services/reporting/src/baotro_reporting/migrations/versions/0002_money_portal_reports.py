"""Money read models (donations, reversals, disbursements, campaigns, pledges), appeals,
payment codes, the public statement with its trigram search index, news posts and reports.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from baotro_shared.messaging.tables import BigId

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _money_views() -> None:
    op.create_table(
        "donation_view",
        sa.Column("donation_id", sa.Uuid(), primary_key=True),
        sa.Column("fund_code", sa.String(16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("donor_kind", sa.String(16), nullable=True),
        sa.Column("donor_id", sa.Uuid(), nullable=True),
        sa.Column("target_kind", sa.String(16), nullable=False),
        sa.Column("target_id", sa.String(64), nullable=True),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("pledge_id", sa.Uuid(), nullable=True),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("public_name", sa.String(300), nullable=False),
    )
    op.create_index("ix_donation_view_fund_day", "donation_view", ["fund_code", "received_on"])
    op.create_index("ix_donation_view_target", "donation_view", ["target_kind", "target_id"])
    op.create_index("ix_donation_view_campaign", "donation_view", ["campaign_id"])
    op.create_index("ix_donation_view_pledge", "donation_view", ["pledge_id"])
    op.create_table(
        "reversal_view",
        sa.Column("reversal_id", sa.Uuid(), primary_key=True),
        sa.Column("donation_id", sa.Uuid(), nullable=False),
        sa.Column("fund_code", sa.String(16), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reversed_on", sa.Date(), nullable=False),
        sa.Column("target_kind", sa.String(16), nullable=False),
        sa.Column("target_id", sa.String(64), nullable=True),
    )
    op.create_index("ix_reversal_view_donation", "reversal_view", ["donation_id"])
    op.create_index("ix_reversal_view_day", "reversal_view", ["reversed_on"])
    op.create_table(
        "disbursement_view",
        sa.Column("disbursement_id", sa.Uuid(), primary_key=True),
        sa.Column("fund_code", sa.String(16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("restriction_kind", sa.String(16), nullable=True),
        sa.Column("restriction_id", sa.String(64), nullable=True),
        sa.Column("commune_code", sa.String(10), nullable=True),
        sa.Column("beneficiaries", sa.Integer(), nullable=True),
    )
    op.create_index("ix_disbursement_view_fund_day", "disbursement_view", ["fund_code", "paid_on"])
    op.create_table(
        "disbursement_group_view",
        sa.Column(
            "disbursement_id",
            sa.Uuid(),
            sa.ForeignKey("disbursement_view.disbursement_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("group_code", sa.String(4), primary_key=True),
    )
    op.create_table(
        "campaign_view",
        sa.Column("campaign_id", sa.Uuid(), primary_key=True),
        sa.Column("fund_code", sa.String(16), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("target_amount", sa.BigInteger(), nullable=True),
        sa.Column("restricted", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "pledge_view",
        sa.Column("pledge_id", sa.Uuid(), primary_key=True),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("fund_code", sa.String(16), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("unit_name", sa.String(300), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=True),
        sa.Column("target_amount", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_pledge_view_campaign", "pledge_view", ["campaign_id"])


def _public_views() -> None:
    op.create_table(
        "appeal_view",
        sa.Column("appeal_id", sa.Uuid(), primary_key=True),
        sa.Column("alias", sa.String(200), nullable=False),
        sa.Column("age_band", sa.String(8), nullable=False),
        sa.Column("province_name", sa.String(100), nullable=False),
        sa.Column("need_kind", sa.String(200), nullable=False),
        sa.Column("amount_sought", sa.BigInteger(), nullable=False),
        sa.Column("story", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "payment_code_view",
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("fund_code", sa.String(16), nullable=False),
        sa.Column("target_kind", sa.String(16), nullable=False),
        sa.Column("target_id", sa.String(64), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("vietqr_payload", sa.String(512), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_payment_code_view_target", "payment_code_view", ["target_kind", "target_id"]
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "statement_line",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("line_key", sa.String(80), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("fund_code", sa.String(16), nullable=False),
        sa.Column("line_date", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("purpose_kind", sa.String(32), nullable=False),
        sa.Column("purpose_ref", sa.String(64), nullable=True),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("donation_id", sa.Uuid(), nullable=True),
    )
    op.create_index("ix_statement_line_order", "statement_line", ["line_date", "recorded_at", "id"])
    op.create_index("ix_statement_line_amount", "statement_line", ["amount"])
    op.create_index("ix_statement_line_donation", "statement_line", ["donation_id"])
    op.create_index(
        "ix_statement_line_search_trgm",
        "statement_line",
        ["search_text"],
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    )


def _own_records() -> None:
    op.create_table(
        "news_post",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_news_post_published_at", "news_post", ["published_at"])
    op.create_table(
        "report",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("fund_code", sa.String(16), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("received_total", sa.BigInteger(), nullable=True),
        sa.Column("spent_total", sa.BigInteger(), nullable=True),
        sa.Column("xlsx", sa.LargeBinary(), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
    )
    op.create_index("ix_report_published", "report", ["published", "kind"])


def upgrade() -> None:
    _money_views()
    _public_views()
    _own_records()


def downgrade() -> None:
    for table in (
        "report",
        "news_post",
        "statement_line",
        "payment_code_view",
        "appeal_view",
        "pledge_view",
        "campaign_view",
        "disbursement_group_view",
        "disbursement_view",
        "reversal_view",
        "donation_view",
    ):
        op.drop_table(table)
