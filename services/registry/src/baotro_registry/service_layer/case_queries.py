"""Reading a case and its records; reads of assessment summaries are audited like children."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from baotro_registry.domain.case import Case
from baotro_registry.domain.case_approval import Approval
from baotro_registry.domain.case_plan import PlanStatus, SupportPlan
from baotro_registry.domain.case_work import Assessment, Delivery, RiskLevel
from baotro_registry.service_layer.case_handlers import load_case
from baotro_registry.service_layer.child_handlers import sees_personal_data
from baotro_registry.service_layer.unit_of_work import RegistryUnitOfWork
from baotro_shared.web.auth import Principal


@dataclass(frozen=True)
class CaseDetail:
    case: Case
    plans: list[SupportPlan]
    approvals: list[Approval]
    latest_risk_level: RiskLevel | None
    delivered_total: int

    @property
    def current_plan(self) -> SupportPlan | None:
        """The approved version in force."""
        return next((p for p in self.plans if p.status is PlanStatus.APPROVED), None)

    @property
    def latest_plan(self) -> SupportPlan | None:
        return self.plans[0] if self.plans else None


async def read_case_detail(
    uow: RegistryUnitOfWork, case_id: uuid.UUID, *, principal: Principal
) -> CaseDetail:
    async with uow:
        case = await load_case(uow, case_id, principal)
        deliveries = await uow.cases.deliveries.list(case.id)
        return CaseDetail(
            case=case,
            plans=await uow.cases.plans.list(case.id),
            approvals=await uow.cases.approvals.for_case(case.id),
            latest_risk_level=await uow.cases.assessments.latest_risk_level(case.id),
            delivered_total=sum(d.amount for d in deliveries),
        )


async def read_assessments(
    uow: RegistryUnitOfWork, case_id: uuid.UUID, *, principal: Principal, path: str
) -> tuple[list[Assessment], bool]:
    """The assessments, newest first, and whether their summaries were opened.

    Roles that see children's personal data read the summaries; each read is written to the
    PII access audit against the case's child, in the same transaction.
    """
    personal = sees_personal_data(principal)
    async with uow:
        case = await load_case(uow, case_id, principal)
        assessments = await uow.cases.assessments.list(
            case.id, cipher=uow.cipher if personal else None
        )
        if personal and assessments and case.child_id is not None:
            await uow.audit.record_reads(
                actor_sub=principal.sub,
                actor_role=principal.role.value,
                child_ids=[case.child_id],
                fields=["case_assessment.summary"],
                action="read",
                path=path,
            )
            await uow.commit()
    return assessments, personal


async def read_plans(
    uow: RegistryUnitOfWork, case_id: uuid.UUID, *, principal: Principal
) -> list[SupportPlan]:
    """Every version of the plan, newest first."""
    async with uow:
        case = await load_case(uow, case_id, principal)
        return await uow.cases.plans.list(case.id)


async def read_deliveries(
    uow: RegistryUnitOfWork, case_id: uuid.UUID, *, principal: Principal
) -> list[Delivery]:
    async with uow:
        case = await load_case(uow, case_id, principal)
        return await uow.cases.deliveries.list(case.id)


async def read_pending_approvals(
    uow: RegistryUnitOfWork, *, principal: Principal
) -> list[Approval]:
    """The approval queue of the caller's area, oldest first."""
    async with uow:
        return await uow.cases.approvals.pending(communes=principal.scope_filter())
