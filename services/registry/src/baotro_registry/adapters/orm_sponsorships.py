"""Sponsorship holds, sponsorships and letters (letter content encrypted at rest)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from baotro_registry.adapters.base import Base
from baotro_shared.db import UtcDateTime


class SponsorshipHoldRecord(Base):
    """A child held for one sponsor until `expires_at` (or released, or converted)."""

    __tablename__ = "sponsorship_holds"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    child_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("children.id"))
    commune_code: Mapped[str] = mapped_column(String(10))
    sponsor_ref: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    __table_args__ = (Index("ix_sponsorship_holds_child_status", "child_id", "status"),)


class SponsorshipRecord(Base):
    __tablename__ = "sponsorships"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    child_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("children.id"))
    commune_code: Mapped[str] = mapped_column(String(10))
    sponsor_ref: Mapped[str] = mapped_column(String(80))
    payer_ref: Mapped[str] = mapped_column(String(80))
    amount: Mapped[int] = mapped_column(BigInteger)
    period: Mapped[str] = mapped_column(String(20))
    started_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    hold_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)

    __table_args__ = (
        Index("ix_sponsorships_child_status", "child_id", "status"),
        Index("ix_sponsorships_commune_status", "commune_code", "status"),
        Index("ix_sponsorships_sponsor_ref", "sponsor_ref"),
    )


class SponsorshipLetterRecord(Base):
    """A letter to or from the child, kept by the fund; its content is encrypted."""

    __tablename__ = "sponsorship_letters"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    sponsorship_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sponsorships.id"))
    child_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    direction: Mapped[str] = mapped_column(String(20))
    key_id: Mapped[str] = mapped_column(String(40))
    content_enc: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_sponsorship_letters_sponsorship", "sponsorship_id", "recorded_at"),)


__all__ = ["Base", "SponsorshipHoldRecord", "SponsorshipLetterRecord", "SponsorshipRecord"]
