"""Tables of the ledger: journal entries and their postings, donations, receipt counters.

Amounts are whole đồng (BigInteger). A posting is on one side only (debit or credit is 0).
The restriction of a posting is (`restriction_kind`, `restriction_id`), both NULL when the
money is unrestricted.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from baotro_donations.adapters.base import Base
from baotro_shared.db import UtcDateTime


class JournalEntryRecord(Base):
    __tablename__ = "journal_entries"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    fund_code: Mapped[str] = mapped_column(String(16))
    entry_date: Mapped[date] = mapped_column(Date)
    memo: Mapped[str] = mapped_column(String(500))
    reverses: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("journal_entries.id"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))

    __table_args__ = (
        Index("ix_journal_entries_fund_date", "fund_code", "entry_date"),
        Index("ix_journal_entries_reverses", "reverses"),
    )


class PostingRecord(Base):
    __tablename__ = "postings"

    entry_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("journal_entries.id"), primary_key=True
    )
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    account_code: Mapped[str] = mapped_column(String(40))
    restriction_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    restriction_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    debit: Mapped[int] = mapped_column(BigInteger)
    credit: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (
        Index("ix_postings_account", "account_code"),
        Index("ix_postings_restriction", "restriction_kind", "restriction_id"),
    )


class DonationRecord(Base):
    __tablename__ = "donations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    fund_code: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(20))
    asset_account: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(BigInteger)
    original_currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    original_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2), nullable=True)
    in_kind_description: Mapped[str | None] = mapped_column(String(500), nullable=True)
    in_kind_quantity: Mapped[Decimal | None] = mapped_column(Numeric(18, 3), nullable=True)
    in_kind_unit: Mapped[str | None] = mapped_column(String(40), nullable=True)
    donor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    anonymous: Mapped[bool] = mapped_column(Boolean)
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    restricted: Mapped[bool] = mapped_column(Boolean)
    received_on: Mapped[date] = mapped_column(Date)
    receipt_number: Mapped[str] = mapped_column(String(40), unique=True)
    entry_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("journal_entries.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))
    campaign_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    """The campaign the gift counts towards (directly, or through a unit's pledge)."""
    pledge_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    public_memo: Mapped[str | None] = mapped_column(String(300), nullable=True)
    """The transfer text with account, phone and ID numbers masked (None: hidden by staff)."""

    __table_args__ = (
        Index("ix_donations_fund_received", "fund_code", "received_on"),
        Index("ix_donations_target", "target_kind", "target_id"),
        Index("ix_donations_entry", "entry_id"),
        Index("ix_donations_donor", "donor_id"),
        Index("ix_donations_campaign", "campaign_id"),
        Index("ix_donations_pledge", "pledge_id"),
    )


class ReceiptCounterRecord(Base):
    """The last receipt sequence issued per fund per year; its row lock serialises issuers."""

    __tablename__ = "receipt_counters"

    fund_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer)


__all__ = [
    "Base",
    "DonationRecord",
    "JournalEntryRecord",
    "PostingRecord",
    "ReceiptCounterRecord",
]
