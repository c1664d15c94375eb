"""What this service remembers of other services' events: gifts per donor (amounts, never
contact details), campaign names, appeal aliases, unit pledges, sponsorships held, and the
open unit summaries (gifts of one pledge waiting for a quiet period)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from baotro_notifications.adapters.base import Base
from baotro_shared.db import UtcDateTime


class GiftRecord(Base):
    __tablename__ = "gifts"

    donation_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    donor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    donor_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    reversed_amount: Mapped[int] = mapped_column(BigInteger)
    received_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))
    """bank, cash, in_kind, webhook: a letter thanks for goods "trị giá" their valuation."""
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    campaign_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    pledge_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    anonymous: Mapped[bool] = mapped_column(Boolean)
    receipt_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    summary_group_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        Index("ix_gifts_donor_received", "donor_id", "received_on"),
        Index("ix_gifts_pledge_id", "pledge_id"),
        Index("ix_gifts_summary_group_id", "summary_group_id"),
    )


class EarlyReversalRecord(Base):
    """A reversal whose gift was not seen yet (topics are ordered each on its own): applied
    when the gift arrives."""

    __tablename__ = "early_reversals"

    reversal_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    donation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    amount: Mapped[int] = mapped_column(BigInteger)
    remaining_amount: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    __table_args__ = (Index("ix_early_reversals_donation_id", "donation_id"),)


class CampaignRecord(Base):
    __tablename__ = "campaigns"

    campaign_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(30))


class AppealRecord(Base):
    __tablename__ = "appeals"

    appeal_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    alias: Mapped[str] = mapped_column(String(120))


class PledgeRecord(Base):
    __tablename__ = "pledges"

    pledge_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    campaign_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    unit_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    unit_name: Mapped[str] = mapped_column(String(300))
    target_amount: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_pledges_unit_id", "unit_id"),)


class SponsorshipRecord(Base):
    __tablename__ = "sponsorships"

    sponsorship_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    donor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    __table_args__ = (Index("ix_sponsorships_donor_id", "donor_id"),)


class UnitSummaryRecord(Base):
    """Gifts to one pledge collected until no new one came for the quiet period."""

    __tablename__ = "unit_summaries"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    pledge_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    campaign_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    open_key: Mapped[str | None] = mapped_column(String(80), nullable=True, unique=True)
    """`pledge:<id>` while gifts may still join; NULL once closed (one open group per key)."""
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_gift_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    __table_args__ = (Index("ix_unit_summaries_last_gift_at", "last_gift_at"),)


__all__ = [
    "AppealRecord",
    "Base",
    "CampaignRecord",
    "EarlyReversalRecord",
    "GiftRecord",
    "PledgeRecord",
    "SponsorshipRecord",
    "UnitSummaryRecord",
]
