"""Case tables: the case, its assessments, versioned support plans, approvals, deliveries and
transfers. The assessment summary is stored encrypted (`summary_enc`, context
`case_assessments:<id>:summary`); `key_id` names its key.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from baotro_registry.adapters.base import Base
from baotro_shared.db import UtcDateTime


class CaseRecord(Base):
    __tablename__ = "cases"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    child_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    commune_code: Mapped[str] = mapped_column(String(10))
    groups: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))
    stage: Mapped[str] = mapped_column(String(20))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    opened_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    __table_args__ = (Index("ix_cases_commune_status", "commune_code", "status"),)


class CaseAssessmentRecord(Base):
    __tablename__ = "case_assessments"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id"))
    risk_level: Mapped[str] = mapped_column(String(20))
    key_id: Mapped[str] = mapped_column(String(40))
    summary_enc: Mapped[str] = mapped_column(Text)
    assessed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    assessed_by: Mapped[str] = mapped_column(String(200))

    __table_args__ = (Index("ix_case_assessments_case_at", "case_id", "assessed_at"),)


class SupportPlanRecord(Base):
    __tablename__ = "support_plans"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    __table_args__ = (UniqueConstraint("case_id", "version", name="uq_support_plans_version"),)


class SupportPlanItemRecord(Base):
    __tablename__ = "support_plan_items"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    plan_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("support_plans.id"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(BigInteger)
    funding_source: Mapped[str] = mapped_column(String(40))

    __table_args__ = (Index("ix_support_plan_items_plan", "plan_id", "position"),)


class CaseApprovalRecord(Base):
    __tablename__ = "case_approvals"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    plan_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("support_plans.id"), nullable=True
    )
    reason_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    request_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    decision_comment: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (
        Index("ix_case_approvals_case", "case_id", "requested_at"),
        Index("ix_case_approvals_status", "status", "requested_at"),
    )


class SupportDeliveryRecord(Base):
    __tablename__ = "support_deliveries"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id"))
    plan_item_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("support_plan_items.id"), nullable=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(BigInteger)
    delivered_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_support_deliveries_case_on", "case_id", "delivered_on"),)


class CaseTransferRecord(Base):
    __tablename__ = "case_transfers"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id"))
    from_commune_code: Mapped[str] = mapped_column(String(10))
    to_commune_code: Mapped[str] = mapped_column(String(10))
    transferred_by: Mapped[str] = mapped_column(String(200))
    transferred_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_case_transfers_case_at", "case_id", "transferred_at"),)
