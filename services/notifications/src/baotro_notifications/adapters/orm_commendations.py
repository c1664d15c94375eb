"""Commendation rules (per year) and the proposals they produced, with evidence and, once
approved, the certificate."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from baotro_notifications.adapters.base import Base
from baotro_shared.db import UtcDateTime


class CommendationRuleRecord(Base):
    __tablename__ = "commendation_rules"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    award: Mapped[str] = mapped_column(String(300))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    donor_kinds: Mapped[list[str]] = mapped_column(JSON)
    min_total: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    min_sponsorships: Mapped[int | None] = mapped_column(Integer, nullable=True)
    min_campaigns_mobilised: Mapped[int | None] = mapped_column(Integer, nullable=True)
    signer_title: Mapped[str | None] = mapped_column(String(120), nullable=True)
    signer_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))

    __table_args__ = (Index("ix_commendation_rules_year", "year"),)


class CommendationRecord(Base):
    __tablename__ = "commendations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    rule_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("commendation_rules.id"))
    donor_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    donor_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))
    award: Mapped[str] = mapped_column(String(300))
    total_given: Mapped[int] = mapped_column(BigInteger)
    donation_count: Mapped[int] = mapped_column(Integer)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    proposed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    rejection_reason: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    certificate_number: Mapped[str | None] = mapped_column(String(40), nullable=True, unique=True)
    certificate_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)

    __table_args__ = (
        UniqueConstraint(
            "rule_id",
            "donor_id",
            "period_start",
            "period_end",
            name="uq_commendations_rule_donor_period",
        ),
        Index("ix_commendations_status", "status"),
    )


__all__ = ["Base", "CommendationRecord", "CommendationRuleRecord"]
