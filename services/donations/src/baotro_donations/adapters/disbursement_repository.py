"""Disbursements and their approvals: the requests, read back as domain objects.

`add_from_plan` inserts with ON CONFLICT DO NOTHING on (plan_id, plan_item), so a redelivered
or replayed `support.planned` never aborts the consumer's transaction nor doubles a request.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_donations.adapters.orm_disbursements import DisbursementRecord
from baotro_donations.domain.disbursements import (
    Disbursement,
    DisbursementStatus,
    PaidBefore,
    PlanLink,
)
from baotro_donations.domain.ledger_accounts import Purpose, Restriction, RestrictionKind


@dataclass(frozen=True)
class DisbursementFilter:
    """What a list shows; `communes` None = the whole province, else only those communes."""

    status: DisbursementStatus | None = None
    case_id: uuid.UUID | None = None
    fund_code: str | None = None
    communes: Collection[str] | None = None


def _domain(r: DisbursementRecord) -> Disbursement:
    restriction = (
        Restriction(RestrictionKind(r.restriction_kind), r.restriction_id)
        if r.restriction_kind is not None and r.restriction_id is not None
        else None
    )
    plan = None
    if r.plan_id is not None:
        plan = PlanLink(
            plan_id=r.plan_id,
            version_number=r.plan_version or 0,
            item_index=r.plan_item or 0,
            support_kind=r.support_kind or "other",
            funding_source=r.funding_source or "fund",
            planned_amount=r.planned_amount or r.amount,
        )
    return Disbursement(
        id=r.id,
        fund_code=r.fund_code,
        amount=r.amount,
        purpose=Purpose(r.purpose),
        restriction=restriction,
        allow_unrestricted=r.allow_unrestricted,
        paid_from=r.paid_from,
        planned_on=r.planned_on,
        public_description=r.public_description,
        requested_by=r.requested_by,
        requested_at=r.requested_at,
        case_id=r.case_id,
        commune_code=r.commune_code,
        groups=tuple(r.groups),
        beneficiaries=r.beneficiaries,
        plan=plan,
        status=DisbursementStatus(r.status),
        amended_by=r.amended_by,
        decided_by=r.decided_by,
        decided_at=r.decided_at,
        decision_note=r.decision_note,
        entry_id=r.entry_id,
        paid_on=r.paid_on,
    )


def _columns(d: Disbursement) -> dict[str, Any]:
    return {
        "id": d.id,
        "fund_code": d.fund_code,
        "amount": d.amount,
        "purpose": d.purpose.value,
        "restriction_kind": d.restriction.kind.value if d.restriction else None,
        "restriction_id": d.restriction.id if d.restriction else None,
        "allow_unrestricted": d.allow_unrestricted,
        "paid_from": d.paid_from,
        "planned_on": d.planned_on,
        "case_id": d.case_id,
        "commune_code": d.commune_code,
        "groups": list(d.groups),
        "beneficiaries": d.beneficiaries,
        "public_description": d.public_description,
        "plan_id": d.plan.plan_id if d.plan else None,
        "plan_version": d.plan.version_number if d.plan else None,
        "plan_item": d.plan.item_index if d.plan else None,
        "support_kind": d.plan.support_kind if d.plan else None,
        "funding_source": d.plan.funding_source if d.plan else None,
        "planned_amount": d.plan.planned_amount if d.plan else None,
        "status": d.status.value,
        "requested_by": d.requested_by,
        "requested_at": d.requested_at,
        "amended_by": d.amended_by,
        "decided_by": d.decided_by,
        "decided_at": d.decided_at,
        "decision_note": d.decision_note,
        "entry_id": d.entry_id,
        "paid_on": d.paid_on,
    }


def _filtered(stmt: Select[Any], where: DisbursementFilter) -> Select[Any]:
    if where.status is not None:
        stmt = stmt.where(DisbursementRecord.status == where.status.value)
    if where.case_id is not None:
        stmt = stmt.where(DisbursementRecord.case_id == where.case_id)
    if where.fund_code is not None:
        stmt = stmt.where(DisbursementRecord.fund_code == where.fund_code)
    if where.communes is not None:
        stmt = stmt.where(DisbursementRecord.commune_code.in_(sorted(where.communes)))
    return stmt


class DisbursementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, disbursement: Disbursement) -> None:
        self.session.add(DisbursementRecord(**_columns(disbursement)))
        await self.session.flush()

    async def add_from_plan(self, disbursement: Disbursement) -> bool:
        """Insert a request made from a plan item; False when that item already has one."""
        dialect = self.session.bind.dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = (
            insert(DisbursementRecord)
            .values(**_columns(disbursement))
            .on_conflict_do_nothing()
            .returning(DisbursementRecord.id)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none() is not None

    async def get(
        self,
        disbursement_id: uuid.UUID,
        *,
        communes: Collection[str] | None = None,
        for_update: bool = False,
    ) -> Disbursement | None:
        """The request, if within `communes` (None = anywhere); `for_update` locks its row
        until the transaction ends (approvals of one request queue up, the second sees it
        decided)."""
        stmt = _filtered(
            select(DisbursementRecord).where(DisbursementRecord.id == disbursement_id),
            DisbursementFilter(communes=communes),
        )
        if for_update:
            stmt = stmt.with_for_update()
        record = (
            await self.session.execute(stmt.execution_options(populate_existing=True))
        ).scalar_one_or_none()
        return _domain(record) if record else None

    async def save(self, disbursement: Disbursement) -> None:
        """Write back a request read in this transaction."""
        record = await self.session.get(DisbursementRecord, disbursement.id)
        if record is None:
            raise LookupError(f"disbursement {disbursement.id} was not read in this transaction")
        for name, value in _columns(disbursement).items():
            if name != "id":
                setattr(record, name, value)
        await self.session.flush()

    async def search(
        self, where: DisbursementFilter, *, limit: int, offset: int
    ) -> tuple[list[Disbursement], int]:
        """A page of requests, newest first, and how many match in all."""
        stmt = _filtered(select(DisbursementRecord), where).order_by(
            DisbursementRecord.requested_at.desc(), DisbursementRecord.id
        )
        records = (await self.session.execute(stmt.limit(limit).offset(offset))).scalars()
        total = (
            await self.session.execute(
                _filtered(select(func.count()), where).select_from(DisbursementRecord)
            )
        ).scalar_one()
        return [_domain(r) for r in records], int(total)

    async def pending_of_older_plans(
        self, case_id: uuid.UUID, version_number: int
    ) -> list[Disbursement]:
        """Requests of the case's older plan versions still waiting for approval (locked)."""
        stmt = (
            select(DisbursementRecord)
            .where(
                DisbursementRecord.case_id == case_id,
                DisbursementRecord.plan_version < version_number,
                DisbursementRecord.status == DisbursementStatus.PENDING_APPROVAL.value,
            )
            .order_by(DisbursementRecord.plan_version, DisbursementRecord.plan_item)
            .with_for_update()
        )
        records = (await self.session.execute(stmt)).scalars()
        return [_domain(r) for r in records]

    async def latest_plan_version(self, case_id: uuid.UUID) -> int | None:
        stmt = select(func.max(DisbursementRecord.plan_version)).where(
            DisbursementRecord.case_id == case_id
        )
        value = (await self.session.execute(stmt)).scalar_one_or_none()
        return None if value is None else int(value)

    async def paid_for_plans(self, case_id: uuid.UUID, before_version: int) -> PaidBefore:
        """What requests of the case's plan versions before `before_version` have paid, by
        (support kind, funding source)."""
        stmt = (
            select(
                DisbursementRecord.support_kind,
                DisbursementRecord.funding_source,
                func.sum(DisbursementRecord.amount),
            )
            .where(
                DisbursementRecord.case_id == case_id,
                DisbursementRecord.plan_version < before_version,
                DisbursementRecord.status == DisbursementStatus.PAID.value,
            )
            .group_by(DisbursementRecord.support_kind, DisbursementRecord.funding_source)
        )
        paid: dict[tuple[str, str], int] = defaultdict(int)
        for kind, source, total in (await self.session.execute(stmt)).all():
            if kind is not None and source is not None:
                paid[kind, source] += int(total)
        return dict(paid)


__all__ = ["DisbursementFilter", "DisbursementRepository"]
