"""Deliveries: one row per notice to one donor (thank-you, unit summary, correction,
commendation), its status, attempts, the provider's last answer and the letter sent.

No contact details: the address used is kept masked; names live only inside the letter PDF.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from baotro_notifications.adapters.base import Base
from baotro_shared.db import UtcDateTime


class DeliveryRecord(Base):
    __tablename__ = "deliveries"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    """thank_you:<donation>, summary:<group>, correction:<delivery>:<amount>, commendation:<id>"""
    status: Mapped[str] = mapped_column(String(10))
    donor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    donation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    pledge_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    summary_group_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    commendation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    corrects_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    previous_amount: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    """Corrections: the amount the donor was told before."""
    told_amount: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    """The amount the letter told (set when sent)."""
    gifts: Mapped[int | None] = mapped_column(Integer, nullable=True)
    receipt_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    channel: Mapped[str | None] = mapped_column(String(10), nullable=True)
    address_masked: Mapped[str | None] = mapped_column(String(200), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer)
    lookup_failures: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    provider_status: Mapped[str | None] = mapped_column(String(40), nullable=True)
    provider_message_id: Mapped[str | None] = mapped_column(String(120), nullable=True)
    skip_reason: Mapped[str | None] = mapped_column(String(30), nullable=True)
    letter_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    __table_args__ = (
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        Index("ix_deliveries_donation_id", "donation_id"),
        Index("ix_deliveries_donor_id", "donor_id"),
        Index("ix_deliveries_summary_group_id", "summary_group_id"),
        Index("ix_deliveries_created_at", "created_at"),
    )


__all__ = ["Base", "DeliveryRecord"]
