"""Tables of disbursements: requests to pay support, their approval and the entry that paid them.

A request made from a registry support plan keeps (plan_id, plan_item): unique, so a
redelivered `support.planned` never makes a second request. No personal data of children.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from baotro_donations.adapters.base import Base
from baotro_shared.db import UtcDateTime


class DisbursementRecord(Base):
    __tablename__ = "disbursements"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    fund_code: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(BigInteger)
    purpose: Mapped[str] = mapped_column(String(30))
    restriction_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    restriction_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    allow_unrestricted: Mapped[bool] = mapped_column(Boolean)
    paid_from: Mapped[str] = mapped_column(String(20))
    planned_on: Mapped[date] = mapped_column(Date)
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    commune_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    groups: Mapped[list[str]] = mapped_column(JSON)
    beneficiaries: Mapped[int | None] = mapped_column(Integer, nullable=True)
    public_description: Mapped[str] = mapped_column(String(300))
    plan_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    plan_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    plan_item: Mapped[int | None] = mapped_column(Integer, nullable=True)
    support_kind: Mapped[str | None] = mapped_column(String(40), nullable=True)
    funding_source: Mapped[str | None] = mapped_column(String(40), nullable=True)
    planned_amount: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    amended_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    decision_note: Mapped[str | None] = mapped_column(String(400), nullable=True)
    entry_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("journal_entries.id"), nullable=True
    )
    paid_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    __table_args__ = (
        UniqueConstraint("plan_id", "plan_item", name="uq_disbursements_plan_item"),
        Index("ix_disbursements_status", "status", "requested_at"),
        Index("ix_disbursements_case", "case_id", "plan_version"),
        Index("ix_disbursements_commune", "commune_code"),
    )


__all__ = ["Base", "DisbursementRecord"]
