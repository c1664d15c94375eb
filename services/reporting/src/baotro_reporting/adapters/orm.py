"""Read models (projections) and reporting's own records (news posts, reports).

Read models can be dropped and rebuilt from the event log (`READ_MODELS`); news posts and
generated reports are written here and are not derived from events.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Computed,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    Uuid,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from baotro_reporting.adapters.statement_words import WordVector
from baotro_shared.db import UtcDateTime
from baotro_shared.messaging.tables import BigId, messaging_tables


class Base(DeclarativeBase):
    pass


class CaseView(Base):
    """One row per case, as the registry announced it."""

    __tablename__ = "case_view"

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    commune_code: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))
    stage: Mapped[str] = mapped_column(String(20))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_case_view_status_commune", "status", "commune_code"),)


class CaseGroupView(Base):
    """The legal groups of each case, one row per (case, group), for counting by group."""

    __tablename__ = "case_group_view"

    case_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("case_view.case_id", ondelete="CASCADE"), primary_key=True
    )
    group_code: Mapped[str] = mapped_column(String(4), primary_key=True)


class DonationView(Base):
    """One row per `donation.received`: the facts receipts are summed from."""

    __tablename__ = "donation_view"

    donation_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    fund_code: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(BigInteger)
    received_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    channel: Mapped[str] = mapped_column(String(16))
    donor_kind: Mapped[str | None] = mapped_column(String(16))
    donor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    target_kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[str | None] = mapped_column(String(64))
    campaign_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    pledge_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    restricted: Mapped[bool] = mapped_column(Boolean)
    public_name: Mapped[str] = mapped_column(String(300))

    __table_args__ = (
        Index("ix_donation_view_fund_day", "fund_code", "received_on"),
        Index("ix_donation_view_target", "target_kind", "target_id"),
        Index("ix_donation_view_campaign", "campaign_id"),
        Index("ix_donation_view_pledge", "pledge_id"),
    )


class ReversalView(Base):
    """One row per `donation.reversed`; counted on its own date, against the original gift."""

    __tablename__ = "reversal_view"

    reversal_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    donation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    fund_code: Mapped[str | None] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(BigInteger)
    reversed_on: Mapped[date] = mapped_column(Date)
    target_kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_reversal_view_donation", "donation_id"),
        Index("ix_reversal_view_day", "reversed_on"),
    )


class DisbursementView(Base):
    """One row per `disbursement.made` (no child's name: case id, commune, groups)."""

    __tablename__ = "disbursement_view"

    disbursement_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    fund_code: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date] = mapped_column(Date)
    purpose: Mapped[str] = mapped_column(String(32))
    restriction_kind: Mapped[str | None] = mapped_column(String(16))
    restriction_id: Mapped[str | None] = mapped_column(String(64))
    commune_code: Mapped[str | None] = mapped_column(String(10))
    beneficiaries: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_disbursement_view_fund_day", "fund_code", "paid_on"),)


class DisbursementGroupView(Base):
    __tablename__ = "disbursement_group_view"

    disbursement_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("disbursement_view.disbursement_id", ondelete="CASCADE"), primary_key=True
    )
    group_code: Mapped[str] = mapped_column(String(4), primary_key=True)


class CampaignView(Base):
    __tablename__ = "campaign_view"

    campaign_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    fund_code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    target_amount: Mapped[int | None] = mapped_column(BigInteger)
    restricted: Mapped[bool] = mapped_column(Boolean)


class PledgeView(Base):
    __tablename__ = "pledge_view"

    pledge_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    campaign_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    fund_code: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    unit_name: Mapped[str] = mapped_column(String(300))
    headcount: Mapped[int | None] = mapped_column(Integer)
    target_amount: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_pledge_view_campaign", "campaign_id"),)


class AppealView(Base):
    """A published appeal in the anonymised form registry publishes; withdrawn ones stay,
    marked, so that what they raised is still reported."""

    __tablename__ = "appeal_view"

    appeal_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    alias: Mapped[str] = mapped_column(String(200))
    age_band: Mapped[str] = mapped_column(String(8))
    province_name: Mapped[str] = mapped_column(String(100))
    need_kind: Mapped[str] = mapped_column(String(200))
    amount_sought: Mapped[int] = mapped_column(BigInteger)
    story: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class PaymentCodeView(Base):
    __tablename__ = "payment_code_view"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    fund_code: Mapped[str] = mapped_column(String(16))
    target_kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[str] = mapped_column(String(64))
    amount: Mapped[int | None] = mapped_column(BigInteger)
    vietqr_payload: Mapped[str] = mapped_column(String(512))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_payment_code_view_target", "target_kind", "target_id"),)


class StatementLineRow(Base):
    """A line of the public statement. `amount` is the magnitude; `kind` gives the sign.

    `search_text` is the folded name and memo (no diacritics, lower case). PostgreSQL derives
    `search_vector` from it (its words and pairs of neighbouring words, see
    `statement_words`) and indexes it with GIN; SQLite searches `search_text` with LIKE.
    The other indexes lead with the fund, which every public search filters on.
    """

    __tablename__ = "statement_line"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    line_key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    fund_code: Mapped[str] = mapped_column(String(16))
    line_date: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    amount: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(300))
    purpose_kind: Mapped[str] = mapped_column(String(32))
    purpose_ref: Mapped[str | None] = mapped_column(String(64))
    memo: Mapped[str] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text)
    donation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    search_vector: Mapped[str | None] = mapped_column(
        TSVECTOR().with_variant(Text(), "sqlite"), Computed(WordVector()), deferred=True
    )

    __table_args__ = (
        Index("ix_statement_line_fund_order", "fund_code", "line_date", "recorded_at", "id"),
        Index("ix_statement_line_fund_amount", "fund_code", "amount"),
        Index("ix_statement_line_donation", "donation_id"),
        Index("ix_statement_line_words", "search_vector", postgresql_using="gin"),
    )
    # the vector is PostgreSQL's business: an insert does not read it back
    __mapper_args__ = {"eager_defaults": False}  # noqa: RUF012 - SQLAlchemy's own attribute


class NewsPost(Base):
    """A news post written by staff for the portal's home page (not a read model)."""

    __tablename__ = "news_post"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_news_post_published_at", "published_at"),)


class ReportRow(Base):
    """A requested report and, once generated, its XLSX and PDF (not a read model)."""

    __tablename__ = "report"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    fund_code: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    published: Mapped[bool] = mapped_column(Boolean)
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    generated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    error: Mapped[str | None] = mapped_column(Text)
    received_total: Mapped[int | None] = mapped_column(BigInteger)
    spent_total: Mapped[int | None] = mapped_column(BigInteger)
    xlsx: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)

    __table_args__ = (Index("ix_report_published", "published", "kind"),)


READ_MODELS = (
    CaseGroupView,
    CaseView,
    DisbursementGroupView,
    DisbursementView,
    DonationView,
    ReversalView,
    CampaignView,
    PledgeView,
    AppealView,
    PaymentCodeView,
    StatementLineRow,
)
"""Every projection table, children first (the order to empty them in)."""

MESSAGING = messaging_tables(Base.metadata)
