"""Case work by the case worker: assessments, plan versions, reopening, deliveries, transfers.

Each handler is one transaction: load the case (row locked), let the domain decide, store,
write the events to the outbox, commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import structlog

from baotro_registry.domain.case import Case, CaseRejectedError, CaseTransfer
from baotro_registry.domain.case_plan import ItemDraft, PlanStatus, SupportPlan, new_plan_version
from baotro_registry.domain.case_work import (
    Assessment,
    Delivery,
    new_assessment,
    record_delivery,
)
from baotro_registry.domain.communes import CommuneDirectory
from baotro_registry.service_layer.case_handlers import load_case, publish_stage_change
from baotro_registry.service_layer.unit_of_work import RegistryUnitOfWork
from baotro_shared.events.contracts.registry import SupportDelivered
from baotro_shared.timeutil import today_in_vietnam
from baotro_shared.web.auth import Principal
from baotro_shared.web.problems import ProblemError

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class RecordAssessment:
    case_id: uuid.UUID
    risk_level: str
    summary: str


async def handle_record_assessment(
    uow: RegistryUnitOfWork, command: RecordAssessment, *, principal: Principal
) -> Assessment:
    """Store an assessment (summary encrypted); a new or reopened case moves to `assessment`."""
    now = datetime.now(UTC)
    async with uow:
        case = await load_case(uow, command.case_id, principal, for_update=True)
        assessment = new_assessment(
            case,
            risk_level=command.risk_level,
            summary=command.summary,
            assessed_by=principal.sub,
            now=now,
        )
        change = case.record_assessment(now)
        await uow.cases.assessments.add(assessment, cipher=uow.cipher)
        await uow.cases.save(case)
        await publish_stage_change(uow, change)
        await uow.commit()
    log.info("registry.case.assessed", case_id=str(case.id), risk_level=assessment.risk_level.value)
    return assessment


@dataclass(frozen=True)
class DraftPlanVersion:
    case_id: uuid.UUID
    items: list[ItemDraft]


async def handle_draft_plan_version(
    uow: RegistryUnitOfWork, command: DraftPlanVersion, *, principal: Principal
) -> SupportPlan:
    """A new version of the support plan (a draft); older versions stay as they were."""
    now = datetime.now(UTC)
    async with uow:
        case = await load_case(uow, command.case_id, principal, for_update=True)
        change = case.start_plan_version(now)
        versions = await uow.cases.plans.list(case.id)
        plan = new_plan_version(
            case_id=case.id,
            latest=versions[0] if versions else None,
            items=command.items,
            created_by=principal.sub,
            now=now,
        )
        await uow.cases.plans.add(plan)
        await uow.cases.save(case)
        await publish_stage_change(uow, change)
        await uow.commit()
    log.info("registry.case.plan_drafted", case_id=str(case.id), version=plan.version)
    return plan


async def handle_reopen_case(
    uow: RegistryUnitOfWork, case_id: uuid.UUID, *, principal: Principal
) -> Case:
    """A closed case opens again at stage `reopened`."""
    now = datetime.now(UTC)
    async with uow:
        case = await load_case(uow, case_id, principal, for_update=True)
        change = case.reopen(now)
        await uow.cases.save(case)
        await publish_stage_change(uow, change)
        await uow.commit()
    return case


@dataclass(frozen=True)
class RecordDelivery:
    case_id: uuid.UUID
    kind: str
    amount: int
    delivered_on: date
    plan_item_id: uuid.UUID | None = None


async def handle_record_delivery(
    uow: RegistryUnitOfWork, command: RecordDelivery, *, principal: Principal
) -> Delivery:
    """Support given (what, when, how much) → `support.delivered`."""
    now = datetime.now(UTC)
    async with uow:
        case = await load_case(uow, command.case_id, principal, for_update=True)
        case.ensure_can_deliver()
        item = None
        if command.plan_item_id is not None:
            approved = [
                p for p in await uow.cases.plans.list(case.id) if p.status is PlanStatus.APPROVED
            ]
            item = next(
                (i for p in approved for i in p.items if i.id == command.plan_item_id), None
            )
            if item is None:
                raise CaseRejectedError(
                    "plan_item_id",
                    "Khoản hỗ trợ này không thuộc kế hoạch đã được duyệt của hồ sơ.",
                )
        delivery = record_delivery(
            case,
            kind=command.kind,
            amount=command.amount,
            delivered_on=command.delivered_on,
            today=today_in_vietnam(),
            plan_item=item,
            recorded_by=principal.sub,
            now=now,
        )
        await uow.cases.deliveries.add(delivery)
        await uow.publish(
            SupportDelivered(
                delivery_id=delivery.id,
                case_id=case.id,
                commune_code=case.commune_code,
                groups=case.groups,
                kind=delivery.kind.value,
                amount=delivery.amount,
                delivered_on=delivery.delivered_on,
            )
        )
        await uow.commit()
    log.info("registry.case.support_delivered", case_id=str(case.id), amount=delivery.amount)
    return delivery


@dataclass(frozen=True)
class TransferCase:
    case_id: uuid.UUID
    to_commune_code: str


async def handle_transfer_case(
    uow: RegistryUnitOfWork,
    command: TransferCase,
    *,
    principal: Principal,
    directory: CommuneDirectory,
) -> Case:
    """Move an open case to another commune of the province (stage unchanged).

    Whoever transfers must cover both communes: the sending one (to find the case) and the
    receiving one, so a case is never pushed into an area by someone who does not work there.
    In practice a province supervisor; a case worker only when assigned to both communes.
    """
    now = datetime.now(UTC)
    async with uow:
        case = await load_case(uow, command.case_id, principal, for_update=True)
        if not principal.may_access(command.to_commune_code) and directory.get(
            command.to_commune_code
        ):
            raise ProblemError(
                403,
                f"Bạn không phụ trách xã/phường nhận (mã {command.to_commune_code}). Chuyển hồ sơ "
                "cần người phụ trách cả xã/phường chuyển đi và xã/phường nhận; hãy đề nghị giám "
                "sát thực hiện.",
                slug="out-of-scope",
            )
        from_commune = case.commune_code
        change = case.transfer(command.to_commune_code, directory, now)
        await uow.cases.transfers.add(
            CaseTransfer(
                id=uuid.uuid4(),
                case_id=case.id,
                from_commune_code=from_commune,
                to_commune_code=case.commune_code,
                transferred_by=principal.sub,
                transferred_at=now,
            )
        )
        await uow.cases.save(case)
        if case.child_id is not None:  # the child lives where the case is followed now
            await uow.children.move_to_commune(case.child_id, case.commune_code, at=now)
        await publish_stage_change(uow, change)
        await uow.commit()
    log.info(
        "registry.case.transferred",
        case_id=str(case.id),
        from_commune=from_commune,
        to_commune=case.commune_code,
    )
    return case
