"""Assessments (summary encrypted at rest), support deliveries and commune transfers."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_registry.adapters.orm_cases import (
    CaseAssessmentRecord,
    CaseTransferRecord,
    SupportDeliveryRecord,
)
from baotro_registry.domain.case import CaseTransfer
from baotro_registry.domain.case_plan import SupportKind
from baotro_registry.domain.case_work import Assessment, Delivery, RiskLevel
from baotro_shared.crypto import FieldCipher


def summary_context(assessment_id: uuid.UUID) -> str:
    """The AES-GCM associated data: a ciphertext cannot be moved to another row or field."""
    return f"case_assessments:{assessment_id}:summary"


class AssessmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, assessment: Assessment, *, cipher: FieldCipher) -> None:
        sealed = cipher.encrypt(assessment.summary, context=summary_context(assessment.id))
        assert sealed is not None  # a non-empty summary always encrypts to a token
        self._session.add(
            CaseAssessmentRecord(
                id=assessment.id,
                case_id=assessment.case_id,
                risk_level=assessment.risk_level.value,
                key_id=cipher.active_key_id,
                summary_enc=sealed,
                assessed_at=assessment.assessed_at,
                assessed_by=assessment.assessed_by,
            )
        )
        await self._session.flush()

    async def list(self, case_id: uuid.UUID, *, cipher: FieldCipher | None) -> list[Assessment]:
        """Newest first; without a cipher the summaries stay closed (returned empty)."""
        rows = (
            await self._session.execute(
                select(CaseAssessmentRecord)
                .where(CaseAssessmentRecord.case_id == case_id)
                .order_by(CaseAssessmentRecord.assessed_at.desc(), CaseAssessmentRecord.id)
            )
        ).scalars()
        return [
            Assessment(
                id=r.id,
                case_id=r.case_id,
                risk_level=RiskLevel(r.risk_level),
                summary=(
                    cipher.decrypt(r.summary_enc, context=summary_context(r.id)) or ""
                    if cipher is not None
                    else ""
                ),
                assessed_at=r.assessed_at,
                assessed_by=r.assessed_by,
            )
            for r in rows
        ]

    async def latest_risk_level(self, case_id: uuid.UUID) -> RiskLevel | None:
        level = (
            await self._session.execute(
                select(CaseAssessmentRecord.risk_level)
                .where(CaseAssessmentRecord.case_id == case_id)
                .order_by(CaseAssessmentRecord.assessed_at.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
        return RiskLevel(level) if level else None


class DeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, delivery: Delivery) -> None:
        self._session.add(
            SupportDeliveryRecord(
                id=delivery.id,
                case_id=delivery.case_id,
                plan_item_id=delivery.plan_item_id,
                kind=delivery.kind.value,
                amount=delivery.amount,
                delivered_on=delivery.delivered_on,
                recorded_by=delivery.recorded_by,
                recorded_at=delivery.recorded_at,
            )
        )
        await self._session.flush()

    async def list(self, case_id: uuid.UUID) -> list[Delivery]:
        rows = (
            await self._session.execute(
                select(SupportDeliveryRecord)
                .where(SupportDeliveryRecord.case_id == case_id)
                .order_by(SupportDeliveryRecord.delivered_on.desc(), SupportDeliveryRecord.id)
            )
        ).scalars()
        return [
            Delivery(
                id=r.id,
                case_id=r.case_id,
                kind=SupportKind(r.kind),
                amount=r.amount,
                delivered_on=r.delivered_on,
                recorded_by=r.recorded_by,
                recorded_at=r.recorded_at,
                plan_item_id=r.plan_item_id,
            )
            for r in rows
        ]


class TransferRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, transfer: CaseTransfer) -> None:
        self._session.add(
            CaseTransferRecord(
                id=transfer.id,
                case_id=transfer.case_id,
                from_commune_code=transfer.from_commune_code,
                to_commune_code=transfer.to_commune_code,
                transferred_by=transfer.transferred_by,
                transferred_at=transfer.transferred_at,
            )
        )
        await self._session.flush()
