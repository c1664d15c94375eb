"""Support plans (every version kept, with its items) and supervisor approvals."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_registry.adapters.orm_cases import (
    CaseApprovalRecord,
    CaseRecord,
    SupportPlanItemRecord,
    SupportPlanRecord,
)
from baotro_registry.domain.case_approval import (
    Approval,
    ApprovalKind,
    ApprovalStatus,
    ClosureReason,
)
from baotro_registry.domain.case_plan import (
    FundingSource,
    PlanStatus,
    SupportItem,
    SupportKind,
    SupportPlan,
)


class PlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, plan: SupportPlan) -> None:
        self._session.add(
            SupportPlanRecord(
                id=plan.id,
                case_id=plan.case_id,
                version=plan.version,
                status=plan.status.value,
                created_at=plan.created_at,
                created_by=plan.created_by,
                decided_at=plan.decided_at,
            )
        )
        await self._session.flush()
        self._session.add_all(
            SupportPlanItemRecord(
                id=item.id,
                plan_id=plan.id,
                position=position,
                kind=item.kind.value,
                amount=item.amount,
                funding_source=item.funding_source.value,
            )
            for position, item in enumerate(plan.items)
        )
        await self._session.flush()

    async def save_status(self, plan: SupportPlan) -> None:
        """Versions are immutable except for their review status."""
        record = await self._session.get(SupportPlanRecord, plan.id)
        if record is None:
            raise LookupError(plan.id)
        record.status = plan.status.value
        record.decided_at = plan.decided_at
        await self._session.flush()

    async def list(self, case_id: uuid.UUID) -> list[SupportPlan]:
        """Every version of the case's plan, newest first."""
        plans = list(
            (
                await self._session.execute(
                    select(SupportPlanRecord)
                    .where(SupportPlanRecord.case_id == case_id)
                    .order_by(SupportPlanRecord.version.desc())
                )
            ).scalars()
        )
        if not plans:
            return []
        items = (
            await self._session.execute(
                select(SupportPlanItemRecord)
                .where(SupportPlanItemRecord.plan_id.in_([p.id for p in plans]))
                .order_by(SupportPlanItemRecord.plan_id, SupportPlanItemRecord.position)
            )
        ).scalars()
        by_plan: dict[uuid.UUID, list[SupportItem]] = {p.id: [] for p in plans}
        for item in items:
            by_plan[item.plan_id].append(
                SupportItem(
                    id=item.id,
                    kind=SupportKind(item.kind),
                    amount=item.amount,
                    funding_source=FundingSource(item.funding_source),
                )
            )
        return [
            SupportPlan(
                id=p.id,
                case_id=p.case_id,
                version=p.version,
                items=tuple(by_plan[p.id]),
                created_at=p.created_at,
                created_by=p.created_by,
                status=PlanStatus(p.status),
                decided_at=p.decided_at,
            )
            for p in plans
        ]


def _approval(row: CaseApprovalRecord) -> Approval:
    return Approval(
        id=row.id,
        case_id=row.case_id,
        kind=ApprovalKind(row.kind),
        requested_by=row.requested_by,
        requested_at=row.requested_at,
        status=ApprovalStatus(row.status),
        plan_id=row.plan_id,
        reason_code=ClosureReason(row.reason_code) if row.reason_code else None,
        request_comment=row.request_comment,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        decision_comment=row.decision_comment,
    )


class ApprovalRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, approval: Approval) -> None:
        self._session.add(
            CaseApprovalRecord(
                id=approval.id,
                case_id=approval.case_id,
                kind=approval.kind.value,
                status=approval.status.value,
                plan_id=approval.plan_id,
                reason_code=approval.reason_code.value if approval.reason_code else None,
                request_comment=approval.request_comment,
                requested_by=approval.requested_by,
                requested_at=approval.requested_at,
            )
        )
        await self._session.flush()

    async def save_decision(self, approval: Approval) -> None:
        record = await self._session.get(CaseApprovalRecord, approval.id)
        if record is None:
            raise LookupError(approval.id)
        record.status = approval.status.value
        record.decided_by = approval.decided_by
        record.decided_at = approval.decided_at
        record.decision_comment = approval.decision_comment
        await self._session.flush()

    async def get(
        self, approval_id: uuid.UUID, *, communes: Collection[str] | None
    ) -> Approval | None:
        """The approval if its case is in the caller's area."""
        stmt = (
            select(CaseApprovalRecord)
            .join(CaseRecord, CaseRecord.id == CaseApprovalRecord.case_id)
            .where(CaseApprovalRecord.id == approval_id)
        )
        if communes is not None:
            stmt = stmt.where(CaseRecord.commune_code.in_(communes))
        row = (await self._session.execute(stmt)).scalar_one_or_none()
        return _approval(row) if row else None

    async def for_case(self, case_id: uuid.UUID) -> list[Approval]:
        """The case's approvals, newest first."""
        rows = (
            await self._session.execute(
                select(CaseApprovalRecord)
                .where(CaseApprovalRecord.case_id == case_id)
                .order_by(CaseApprovalRecord.requested_at.desc(), CaseApprovalRecord.id)
            )
        ).scalars()
        return [_approval(r) for r in rows]

    async def pending(
        self, *, communes: Collection[str] | None, limit: int = 100
    ) -> list[Approval]:
        """The supervisor's queue: open requests in their area, oldest first."""
        stmt = (
            select(CaseApprovalRecord)
            .join(CaseRecord, CaseRecord.id == CaseApprovalRecord.case_id)
            .where(CaseApprovalRecord.status == ApprovalStatus.REQUESTED.value)
        )
        if communes is not None:
            stmt = stmt.where(CaseRecord.commune_code.in_(communes))
        rows = (
            await self._session.execute(
                stmt.order_by(CaseApprovalRecord.requested_at, CaseApprovalRecord.id).limit(limit)
            )
        ).scalars()
        return [_approval(r) for r in rows]
