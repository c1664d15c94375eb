"""Domain objects → API response models, shared by the case routes."""

from __future__ import annotations

from baotro_registry.domain.case import Case
from baotro_registry.domain.case_approval import Approval, ApprovalStatus
from baotro_registry.domain.case_plan import SupportPlan
from baotro_registry.domain.case_work import Delivery
from baotro_registry.domain.communes import CommuneDirectory
from baotro_registry.entrypoints.case_schemas import (
    ApprovalPublic,
    CaseDetailPublic,
    DeliveryPublic,
    PlanItemPublic,
    PlanPublic,
)
from baotro_registry.entrypoints.schemas import CasePublic
from baotro_registry.service_layer.case_queries import CaseDetail


def case_public(case: Case, directory: CommuneDirectory) -> CasePublic:
    commune = directory.get(case.commune_code)
    return CasePublic(
        id=case.id,
        child_id=case.child_id,
        commune_code=case.commune_code,
        commune_name=commune.name if commune else None,
        groups=list(case.groups),
        status=case.status.value,
        stage=case.stage.value,
        opened_at=case.opened_at,
    )


def plan_public(plan: SupportPlan) -> PlanPublic:
    return PlanPublic(
        id=plan.id,
        case_id=plan.case_id,
        version=plan.version,
        status=plan.status.value,
        items=[
            PlanItemPublic(
                id=i.id, kind=i.kind.value, amount=i.amount, funding_source=i.funding_source.value
            )
            for i in plan.items
        ],
        total_amount=plan.total_amount,
        created_at=plan.created_at,
        created_by=plan.created_by,
        decided_at=plan.decided_at,
    )


def approval_public(approval: Approval) -> ApprovalPublic:
    return ApprovalPublic(
        id=approval.id,
        case_id=approval.case_id,
        kind=approval.kind.value,
        status=approval.status.value,
        plan_id=approval.plan_id,
        reason_code=approval.reason_code.value if approval.reason_code else None,
        request_comment=approval.request_comment,
        requested_by=approval.requested_by,
        requested_at=approval.requested_at,
        decided_by=approval.decided_by,
        decided_at=approval.decided_at,
        decision_comment=approval.decision_comment,
    )


def case_detail_public(detail: CaseDetail, directory: CommuneDirectory) -> CaseDetailPublic:
    current, latest = detail.current_plan, detail.latest_plan
    return CaseDetailPublic(
        **case_public(detail.case, directory).model_dump(),
        updated_at=detail.case.updated_at,
        closed_at=detail.case.closed_at,
        latest_risk_level=detail.latest_risk_level.value if detail.latest_risk_level else None,
        current_plan=plan_public(current) if current else None,
        latest_plan=plan_public(latest) if latest else None,
        pending_approvals=[
            approval_public(a) for a in detail.approvals if a.status is ApprovalStatus.REQUESTED
        ],
        approvals=[approval_public(a) for a in detail.approvals],
        delivered_total=detail.delivered_total,
    )


def delivery_public(d: Delivery) -> DeliveryPublic:
    return DeliveryPublic(
        id=d.id,
        case_id=d.case_id,
        kind=d.kind.value,
        amount=d.amount,
        delivered_on=d.delivered_on,
        plan_item_id=d.plan_item_id,
        recorded_by=d.recorded_by,
        recorded_at=d.recorded_at,
    )
