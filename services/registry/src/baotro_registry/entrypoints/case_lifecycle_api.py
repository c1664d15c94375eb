"""Case lifecycle HTTP API: assessments, plan versions, approvals, closure, reopening,
deliveries and transfers. Mounted under `/v1` by `cases_api`.

Roles: case workers (their communes) and supervisors do the case work; only supervisors decide
approvals, never their own requests; auditors and fund administrators read.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, Request, status

from baotro_registry.domain.case import CaseConflictError, CaseForbiddenError, CaseRejectedError
from baotro_registry.domain.case_plan import ItemDraft
from baotro_registry.entrypoints.case_schemas import (
    ApprovalPublic,
    AssessmentCreate,
    AssessmentPublic,
    ClosureRequestCreate,
    DecisionCreate,
    DeliveryCreate,
    DeliveryPublic,
    PlanCreate,
    PlanPublic,
    TransferCreate,
)
from baotro_registry.entrypoints.case_views import (
    approval_public,
    case_public,
    delivery_public,
    plan_public,
)
from baotro_registry.entrypoints.dependencies import Directory, Uow
from baotro_registry.entrypoints.schemas import CasePublic
from baotro_registry.service_layer.case_approvals import (
    DecideApproval,
    RequestClosure,
    handle_decide_approval,
    handle_request_closure,
    handle_submit_plan,
)
from baotro_registry.service_layer.case_lifecycle import (
    DraftPlanVersion,
    RecordAssessment,
    RecordDelivery,
    TransferCase,
    handle_draft_plan_version,
    handle_record_assessment,
    handle_record_delivery,
    handle_reopen_case,
    handle_transfer_case,
)
from baotro_registry.service_layer.case_queries import (
    read_assessments,
    read_deliveries,
    read_pending_approvals,
    read_plans,
)
from baotro_shared.web.auth import Principal, Role, require_roles
from baotro_shared.web.problems import ProblemError

router = APIRouter(tags=["cases"])

CaseWorker = Annotated[Principal, Depends(require_roles(Role.CASE_WORKER, Role.SUPERVISOR))]
Supervisor = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR))]
CaseReader = Annotated[
    Principal,
    Depends(require_roles(Role.CASE_WORKER, Role.SUPERVISOR, Role.FUND_ADMIN, Role.AUDITOR)),
]


@contextmanager
def case_errors() -> Iterator[None]:
    """Domain refusals as problem+json: 422 bad input, 409 wrong state, 403 who-may rules."""
    try:
        yield
    except CaseRejectedError as exc:
        raise ProblemError(
            422, exc.message, errors=[{"field": exc.field, "message": exc.message}]
        ) from exc
    except CaseConflictError as exc:
        raise ProblemError(409, exc.message, slug="case-state-conflict") from exc
    except CaseForbiddenError as exc:
        raise ProblemError(403, exc.message, slug="self-approval") from exc


# -- assessments ----------------------------------------------------------------------------
@router.post(
    "/cases/{case_id}/assessments",
    status_code=status.HTTP_201_CREATED,
    response_model=AssessmentPublic,
)
async def create_assessment(
    case_id: uuid.UUID, body: AssessmentCreate, uow: Uow, principal: CaseWorker
) -> AssessmentPublic:
    """Ghi đánh giá (mức độ nguy cơ và tóm tắt); hồ sơ mới chuyển sang giai đoạn đánh giá."""
    with case_errors():
        a = await handle_record_assessment(
            uow,
            RecordAssessment(case_id=case_id, risk_level=body.risk_level, summary=body.summary),
            principal=principal,
        )
    return AssessmentPublic(
        id=a.id,
        case_id=a.case_id,
        risk_level=a.risk_level.value,
        summary=a.summary,
        assessed_at=a.assessed_at,
        assessed_by=a.assessed_by,
    )


@router.get("/cases/{case_id}/assessments", response_model=list[AssessmentPublic])
async def list_assessments(
    case_id: uuid.UUID, request: Request, uow: Uow, principal: CaseReader
) -> list[AssessmentPublic]:
    """Các lần đánh giá, mới nhất trước; mỗi lần xem tóm tắt được ghi nhật ký truy cập."""
    assessments, personal = await read_assessments(
        uow, case_id, principal=principal, path=request.url.path
    )
    return [
        AssessmentPublic(
            id=a.id,
            case_id=a.case_id,
            risk_level=a.risk_level.value,
            summary=a.summary if personal else None,
            assessed_at=a.assessed_at,
            assessed_by=a.assessed_by,
        )
        for a in assessments
    ]


# -- support plans --------------------------------------------------------------------------
@router.post(
    "/cases/{case_id}/plans", status_code=status.HTTP_201_CREATED, response_model=PlanPublic
)
async def create_plan_version(
    case_id: uuid.UUID, body: PlanCreate, uow: Uow, principal: CaseWorker
) -> PlanPublic:
    """Lập phiên bản mới của kế hoạch hỗ trợ (bản nháp); các phiên bản cũ được giữ nguyên."""
    items = [
        ItemDraft(kind=i.kind.value, amount=i.amount, funding_source=i.funding_source.value)
        for i in body.items
    ]
    with case_errors():
        plan = await handle_draft_plan_version(
            uow, DraftPlanVersion(case_id=case_id, items=items), principal=principal
        )
    return plan_public(plan)


@router.get("/cases/{case_id}/plans", response_model=list[PlanPublic])
async def list_plan_versions(
    case_id: uuid.UUID, uow: Uow, principal: CaseReader
) -> list[PlanPublic]:
    """Mọi phiên bản của kế hoạch hỗ trợ, mới nhất trước."""
    return [plan_public(p) for p in await read_plans(uow, case_id, principal=principal)]


@router.post(
    "/cases/{case_id}/plans/{plan_id}/submit",
    status_code=status.HTTP_201_CREATED,
    response_model=ApprovalPublic,
)
async def submit_plan(
    case_id: uuid.UUID, plan_id: uuid.UUID, uow: Uow, principal: CaseWorker
) -> ApprovalPublic:
    """Trình giám sát duyệt phiên bản kế hoạch mới nhất."""
    with case_errors():
        approval = await handle_submit_plan(uow, case_id, plan_id, principal=principal)
    return approval_public(approval)


# -- closure and reopening ------------------------------------------------------------------
@router.post(
    "/cases/{case_id}/closure",
    status_code=status.HTTP_201_CREATED,
    response_model=ApprovalPublic,
)
async def request_closure(
    case_id: uuid.UUID, body: ClosureRequestCreate, uow: Uow, principal: CaseWorker
) -> ApprovalPublic:
    """Đề nghị đóng hồ sơ (có mã lý do); hồ sơ chỉ đóng khi giám sát duyệt."""
    with case_errors():
        approval = await handle_request_closure(
            uow,
            RequestClosure(case_id=case_id, reason_code=body.reason_code, comment=body.comment),
            principal=principal,
        )
    return approval_public(approval)


@router.post("/cases/{case_id}/reopen", response_model=CasePublic)
async def reopen_case(
    case_id: uuid.UUID, uow: Uow, principal: CaseWorker, directory: Directory
) -> CasePublic:
    """Mở lại hồ sơ đã đóng (giai đoạn 'mở lại'; cần đánh giá lại)."""
    with case_errors():
        case = await handle_reopen_case(uow, case_id, principal=principal)
    return case_public(case, directory)


# -- deliveries and transfers ---------------------------------------------------------------
@router.post(
    "/cases/{case_id}/deliveries",
    status_code=status.HTTP_201_CREATED,
    response_model=DeliveryPublic,
)
async def create_delivery(
    case_id: uuid.UUID, body: DeliveryCreate, uow: Uow, principal: CaseWorker
) -> DeliveryPublic:
    """Ghi nhận hỗ trợ đã trao: loại, số tiền (đồng), ngày trao, khoản trong kế hoạch."""
    with case_errors():
        delivery = await handle_record_delivery(
            uow,
            RecordDelivery(
                case_id=case_id,
                kind=body.kind.value,
                amount=body.amount,
                delivered_on=body.delivered_on,
                plan_item_id=body.plan_item_id,
            ),
            principal=principal,
        )
    return delivery_public(delivery)


@router.get("/cases/{case_id}/deliveries", response_model=list[DeliveryPublic])
async def list_deliveries(
    case_id: uuid.UUID, uow: Uow, principal: CaseReader
) -> list[DeliveryPublic]:
    return [delivery_public(d) for d in await read_deliveries(uow, case_id, principal=principal)]


@router.post("/cases/{case_id}/transfer", response_model=CasePublic)
async def transfer_case(
    case_id: uuid.UUID, body: TransferCreate, uow: Uow, principal: CaseWorker, directory: Directory
) -> CasePublic:
    """Chuyển hồ sơ sang xã/phường khác trong tỉnh; cần phụ trách cả hai xã/phường."""
    with case_errors():
        case = await handle_transfer_case(
            uow,
            TransferCase(case_id=case_id, to_commune_code=body.to_commune_code),
            principal=principal,
            directory=directory,
        )
    return case_public(case, directory)


# -- approvals ------------------------------------------------------------------------------
@router.get("/approvals", response_model=list[ApprovalPublic])
async def pending_approvals(uow: Uow, principal: CaseReader) -> list[ApprovalPublic]:
    """Các yêu cầu đang chờ duyệt trong địa bàn, cũ nhất trước."""
    return [approval_public(a) for a in await read_pending_approvals(uow, principal=principal)]


@router.post("/approvals/{approval_id}/approve", response_model=ApprovalPublic)
async def approve(
    approval_id: uuid.UUID, uow: Uow, principal: Supervisor, body: DecisionCreate | None = None
) -> ApprovalPublic:
    """Giám sát duyệt (không được tự duyệt yêu cầu của chính mình)."""
    with case_errors():
        approval = await handle_decide_approval(
            uow,
            DecideApproval(
                approval_id=approval_id, approve=True, comment=body.comment if body else None
            ),
            principal=principal,
        )
    return approval_public(approval)


@router.post("/approvals/{approval_id}/reject", response_model=ApprovalPublic)
async def reject(
    approval_id: uuid.UUID, body: DecisionCreate, uow: Uow, principal: Supervisor
) -> ApprovalPublic:
    """Giám sát từ chối, kèm lý do."""
    with case_errors():
        approval = await handle_decide_approval(
            uow,
            DecideApproval(approval_id=approval_id, approve=False, comment=body.comment),
            principal=principal,
        )
    return approval_public(approval)
