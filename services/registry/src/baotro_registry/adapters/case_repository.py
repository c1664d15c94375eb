"""Case queries; area scope is applied here, in the queries themselves.

The case's own records (assessments, plans, approvals, deliveries, transfers) are reached
through `CaseRepository` so the unit of work keeps a single `cases` entry point.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_registry.adapters.case_plan_repository import ApprovalRepository, PlanRepository
from baotro_registry.adapters.case_work_repository import (
    AssessmentRepository,
    DeliveryRepository,
    TransferRepository,
)
from baotro_registry.adapters.orm_cases import CaseRecord
from baotro_registry.domain.case import Case, CaseStage, CaseStatus


def _to_domain(row: CaseRecord) -> Case:
    return Case(
        id=row.id,
        commune_code=row.commune_code,
        groups=tuple(row.groups),
        opened_at=row.opened_at,
        opened_by=row.opened_by,
        child_id=row.child_id,
        status=CaseStatus(row.status),
        stage=CaseStage(row.stage),
        updated_at=row.updated_at,
        closed_at=row.closed_at,
    )


class CaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self.assessments = AssessmentRepository(session)
        self.plans = PlanRepository(session)
        self.approvals = ApprovalRepository(session)
        self.deliveries = DeliveryRepository(session)
        self.transfers = TransferRepository(session)

    async def add(self, case: Case) -> None:
        self._session.add(
            CaseRecord(
                id=case.id,
                child_id=case.child_id,
                commune_code=case.commune_code,
                groups=list(case.groups),
                status=case.status.value,
                stage=case.stage.value,
                opened_at=case.opened_at,
                opened_by=case.opened_by,
                updated_at=case.updated_at,
                closed_at=case.closed_at,
            )
        )
        await self._session.flush()

    async def save(self, case: Case) -> None:
        """Store the lifecycle fields a transition may change."""
        record = await self._session.get(CaseRecord, case.id)
        if record is None:
            raise LookupError(case.id)
        record.commune_code = case.commune_code
        record.status = case.status.value
        record.stage = case.stage.value
        record.updated_at = case.updated_at
        record.closed_at = case.closed_at
        await self._session.flush()

    async def get(
        self, case_id: uuid.UUID, *, communes: Collection[str] | None, for_update: bool = False
    ) -> Case | None:
        """The case if in scope; `for_update` locks the row so concurrent steps queue up."""
        stmt = select(CaseRecord).where(CaseRecord.id == case_id)
        if communes is not None:
            stmt = stmt.where(CaseRecord.commune_code.in_(communes))
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self._session.execute(stmt)).scalar_one_or_none()
        return _to_domain(row) if row else None

    async def list(
        self,
        *,
        communes: Collection[str] | None,
        commune_code: str | None = None,
        status: CaseStatus | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[Case], int]:
        stmt = select(CaseRecord)
        if communes is not None:
            stmt = stmt.where(CaseRecord.commune_code.in_(communes))
        if commune_code is not None:
            stmt = stmt.where(CaseRecord.commune_code == commune_code)
        if status is not None:
            stmt = stmt.where(CaseRecord.status == status.value)
        total = (
            await self._session.execute(select(func.count()).select_from(stmt.subquery()))
        ).scalar_one()
        rows = (
            await self._session.execute(
                stmt.order_by(CaseRecord.opened_at.desc(), CaseRecord.id)
                .limit(limit)
                .offset(offset)
            )
        ).scalars()
        return [_to_domain(r) for r in rows], int(total)
