"""Supervisor approval of the case plan and of the closure.

A case worker (or supervisor) requests; another supervisor of the area decides. Approving a
plan moves the case to `services` and announces `support.planned`; approving a closure closes
the case and announces `case.closed`. Every stage change is also a `case.stage_changed`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog

from baotro_registry.domain.appeal import WithdrawReason
from baotro_registry.domain.case import Case, CaseConflictError
from baotro_registry.domain.case_approval import (
    Approval,
    ApprovalKind,
    ensure_none_pending,
    request_approval,
)
from baotro_registry.domain.case_plan import PlanStatus, SupportPlan
from baotro_registry.service_layer.appeal_handlers import withdraw_appeals_of_case
from baotro_registry.service_layer.case_handlers import load_case, publish_stage_change
from baotro_registry.service_layer.unit_of_work import RegistryUnitOfWork
from baotro_shared.events.contracts.registry import CaseClosed, SupportItemData, SupportPlanned
from baotro_shared.web.auth import Principal
from baotro_shared.web.problems import ProblemError

log = structlog.get_logger(__name__)

PLAN_NOT_FOUND = "Không tìm thấy phiên bản kế hoạch này trong hồ sơ."
APPROVAL_NOT_FOUND = "Không tìm thấy yêu cầu duyệt này trong địa bàn của bạn."


def _plan(plans: list[SupportPlan], plan_id: uuid.UUID | None) -> SupportPlan:
    plan = next((p for p in plans if p.id == plan_id), None)
    if plan is None:
        raise ProblemError(404, PLAN_NOT_FOUND)
    return plan


async def handle_submit_plan(
    uow: RegistryUnitOfWork, case_id: uuid.UUID, plan_id: uuid.UUID, *, principal: Principal
) -> Approval:
    """Send the newest draft version of the plan to a supervisor."""
    now = datetime.now(UTC)
    async with uow:
        case = await load_case(uow, case_id, principal, for_update=True)
        case.ensure_open("trình duyệt kế hoạch hỗ trợ")
        plans = await uow.cases.plans.list(case.id)
        plan = _plan(plans, plan_id)
        ensure_none_pending(await uow.cases.approvals.for_case(case.id), ApprovalKind.CASE_PLAN)
        plan.submit(latest_version=plans[0].version)
        approval = request_approval(
            case_id=case.id,
            kind=ApprovalKind.CASE_PLAN,
            requested_by=principal.sub,
            now=now,
            plan_id=plan.id,
        )
        await uow.cases.plans.save_status(plan)
        await uow.cases.approvals.add(approval)
        await uow.commit()
    log.info("registry.case.plan_submitted", case_id=str(case_id), version=plan.version)
    return approval


@dataclass(frozen=True)
class RequestClosure:
    case_id: uuid.UUID
    reason_code: str
    comment: str | None = None


async def handle_request_closure(
    uow: RegistryUnitOfWork, command: RequestClosure, *, principal: Principal
) -> Approval:
    """Ask a supervisor to close the case, with a reason code."""
    now = datetime.now(UTC)
    async with uow:
        case = await load_case(uow, command.case_id, principal, for_update=True)
        case.ensure_open("đề nghị đóng hồ sơ")
        ensure_none_pending(await uow.cases.approvals.for_case(case.id), ApprovalKind.CLOSURE)
        approval = request_approval(
            case_id=case.id,
            kind=ApprovalKind.CLOSURE,
            requested_by=principal.sub,
            now=now,
            reason_code=command.reason_code,
            comment=command.comment,
        )
        await uow.cases.approvals.add(approval)
        await uow.commit()
    log.info("registry.case.closure_requested", case_id=str(case.id))
    return approval


@dataclass(frozen=True)
class DecideApproval:
    approval_id: uuid.UUID
    approve: bool
    comment: str | None = None


async def handle_decide_approval(
    uow: RegistryUnitOfWork, command: DecideApproval, *, principal: Principal
) -> Approval:
    """A supervisor of the case's area approves or rejects (never their own request)."""
    now = datetime.now(UTC)
    async with uow:
        approval = await uow.cases.approvals.get(
            command.approval_id, communes=principal.scope_filter()
        )
        if approval is None:
            raise ProblemError(404, APPROVAL_NOT_FOUND)
        case = await load_case(uow, approval.case_id, principal, for_update=True)
        if approval.kind is ApprovalKind.CASE_PLAN:
            plans = await uow.cases.plans.list(case.id)
            plan = _plan(plans, approval.plan_id)
            approval.decide(
                approve=command.approve,
                by=principal.sub,
                now=now,
                comment=command.comment,
                authors={plan.created_by},
            )
            if command.approve:
                await _approve_plan(uow, case, plan, plans, now)
            else:
                plan.reject(now)
                await uow.cases.plans.save_status(plan)
        else:
            approval.decide(
                approve=command.approve, by=principal.sub, now=now, comment=command.comment
            )
            if command.approve:
                await _close(uow, case, approval, now)
        await uow.cases.approvals.save_decision(approval)
        await uow.commit()
    log.info(
        "registry.case.approval_decided",
        case_id=str(approval.case_id),
        kind=approval.kind.value,
        status=approval.status.value,
    )
    return approval


async def _approve_plan(
    uow: RegistryUnitOfWork,
    case: Case,
    plan: SupportPlan,
    plans: list[SupportPlan],
    now: datetime,
) -> None:
    change = case.approve_plan(now)
    plan.approve(now)
    await uow.cases.plans.save_status(plan)
    for older in plans:
        if older.id != plan.id and older.status is PlanStatus.APPROVED:
            await uow.cases.plans.save_status(older.supersede())
    await uow.cases.save(case)
    await publish_stage_change(uow, change)
    await uow.publish(
        SupportPlanned(
            case_id=case.id,
            plan_id=plan.id,
            version_number=plan.version,
            commune_code=case.commune_code,
            groups=case.groups,
            items=tuple(
                SupportItemData(
                    kind=i.kind.value, amount=i.amount, funding_source=i.funding_source.value
                )
                for i in plan.items
            ),
            total_amount=plan.total_amount,
            approved_at=now,
        )
    )


async def _close(uow: RegistryUnitOfWork, case: Case, approval: Approval, now: datetime) -> None:
    if approval.reason_code is None:  # requests are created with one; a broken row is a bug
        raise CaseConflictError("Yêu cầu đóng hồ sơ thiếu lý do đóng.")
    change = case.close(now)
    await uow.cases.save(case)
    await publish_stage_change(uow, change)
    await uow.publish(
        CaseClosed(
            case_id=case.id,
            commune_code=case.commune_code,
            groups=case.groups,
            closed_at=now,
            reason_code=approval.reason_code.value,
        )
    )
    # a closed case asks for nothing: its appeals leave the portal in the same transaction
    await withdraw_appeals_of_case(uow, case.id, WithdrawReason.CASE_CLOSED)
