"""HTTP API of public appeals: staff drafting and review, and the anonymised public list."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from baotro_registry.domain.appeal import (
    NEED_NAMES_VI,
    Appeal,
    AppealRefusedError,
    AppealStatus,
    NeedKind,
)
from baotro_registry.entrypoints.appeal_schemas import (
    AppealCreate,
    AppealPortal,
    AppealPortalPage,
    AppealRejection,
    AppealReview,
    AppealStaff,
    AppealStaffPage,
)
from baotro_registry.entrypoints.dependencies import Directory, Uow
from baotro_registry.service_layer.appeal_handlers import (
    CreateAppeal,
    handle_approve_appeal,
    handle_create_appeal,
    handle_list_appeals,
    handle_public_appeals,
    handle_read_appeal,
    handle_reject_appeal,
    handle_withdraw_appeal,
)
from baotro_registry.service_layer.child_handlers import sees_personal_data
from baotro_shared.web.auth import Principal, Role, require_roles
from baotro_shared.web.paging import Offset
from baotro_shared.web.problems import ProblemError

router = APIRouter(prefix="/v1")

Drafter = Annotated[Principal, Depends(require_roles(Role.CASE_WORKER, Role.SUPERVISOR))]
Supervisor = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR))]
Reader = Annotated[
    Principal,
    Depends(require_roles(Role.CASE_WORKER, Role.SUPERVISOR, Role.FUND_ADMIN, Role.AUDITOR)),
]


def _problem(exc: AppealRefusedError) -> ProblemError:
    errors = [{"field": exc.field, "message": exc.message}] if exc.field else None
    return ProblemError(exc.status, exc.message, errors=errors)


def _staff(a: Appeal, principal: Principal) -> AppealStaff:
    """The staff view; the review comment (it may name the child) only for the roles that see
    children's personal data."""
    return AppealStaff(
        id=a.id,
        case_id=a.case_id,
        child_id=a.child_id,
        commune_code=a.commune_code,
        alias=a.alias,
        age_band=a.age_band,
        province_code=a.province_code,
        province_name=a.province_name,
        need_kind=a.need_kind,
        need_name=NEED_NAMES_VI[a.need_kind],
        amount_sought=a.amount_sought,
        amount_raised=a.amount_raised,
        story=a.story,
        status=a.status,
        created_by=a.created_by,
        created_at=a.created_at,
        reviewed_by=a.reviewed_by,
        reviewed_at=a.reviewed_at,
        review_comment=a.review_comment if sees_personal_data(principal) else None,
        published_at=a.published_at,
        withdrawn_at=a.withdrawn_at,
        withdraw_reason=a.withdraw_reason,
    )


def _portal(a: Appeal) -> AppealPortal:
    assert a.published_at is not None
    return AppealPortal(
        id=a.id,
        alias=a.alias,
        age_band=a.age_band,
        province_name=a.province_name,
        need_kind=a.need_kind,
        need_name=NEED_NAMES_VI[a.need_kind],
        amount_sought=a.amount_sought,
        amount_raised=a.amount_raised,
        story=a.story,
        published_at=a.published_at,
    )


@router.post(
    "/cases/{case_id}/appeals",
    status_code=status.HTTP_201_CREATED,
    response_model=AppealStaff,
    tags=["appeals"],
)
async def create_appeal(
    case_id: uuid.UUID, body: AppealCreate, uow: Uow, principal: Drafter, directory: Directory
) -> AppealStaff:
    """Lập bài kêu gọi ẩn danh từ hồ sơ (bí danh, nhóm tuổi, tỉnh, nhu cầu, số tiền); chờ
    giám sát duyệt. Câu chuyện có thông tin cá nhân bị từ chối."""
    try:
        appeal = await handle_create_appeal(
            uow,
            case_id,
            CreateAppeal(
                need_kind=body.need_kind, amount_sought=body.amount_sought, story=body.story
            ),
            principal=principal,
            directory=directory,
        )
    except AppealRefusedError as exc:
        raise _problem(exc) from exc
    return _staff(appeal, principal)


@router.get("/appeals", response_model=AppealStaffPage, tags=["appeals"])
async def list_appeals(
    uow: Uow,
    principal: Reader,
    appeal_status: Annotated[AppealStatus | None, Query(alias="status")] = None,
    case_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> AppealStaffPage:
    appeals, total = await handle_list_appeals(
        uow, principal=principal, status=appeal_status, case_id=case_id, limit=limit, offset=offset
    )
    return AppealStaffPage(
        items=[_staff(a, principal) for a in appeals], total=total, limit=limit, offset=offset
    )


@router.get("/appeals/{appeal_id}", response_model=AppealStaff, tags=["appeals"])
async def read_appeal(appeal_id: uuid.UUID, uow: Uow, principal: Reader) -> AppealStaff:
    try:
        return _staff(await handle_read_appeal(uow, appeal_id, principal=principal), principal)
    except AppealRefusedError as exc:
        raise _problem(exc) from exc


@router.post("/appeals/{appeal_id}/approve", response_model=AppealStaff, tags=["appeals"])
async def approve_appeal(
    appeal_id: uuid.UUID, uow: Uow, principal: Supervisor, body: AppealReview | None = None
) -> AppealStaff:
    """Giám sát duyệt và đăng bài (không tự duyệt bài của mình)."""
    try:
        appeal = await handle_approve_appeal(
            uow, appeal_id, principal=principal, comment=body.comment if body else None
        )
    except AppealRefusedError as exc:
        raise _problem(exc) from exc
    return _staff(appeal, principal)


@router.post("/appeals/{appeal_id}/reject", response_model=AppealStaff, tags=["appeals"])
async def reject_appeal(
    appeal_id: uuid.UUID, body: AppealRejection, uow: Uow, principal: Supervisor
) -> AppealStaff:
    """Giám sát trả lại bài, kèm lý do."""
    try:
        appeal = await handle_reject_appeal(
            uow, appeal_id, principal=principal, comment=body.comment
        )
    except AppealRefusedError as exc:
        raise _problem(exc) from exc
    return _staff(appeal, principal)


@router.post("/appeals/{appeal_id}/withdraw", response_model=AppealStaff, tags=["appeals"])
async def withdraw_appeal(appeal_id: uuid.UUID, uow: Uow, principal: Supervisor) -> AppealStaff:
    """Gỡ bài khỏi cổng thông tin ngay."""
    try:
        appeal = await handle_withdraw_appeal(uow, appeal_id, principal=principal)
    except AppealRefusedError as exc:
        raise _problem(exc) from exc
    return _staff(appeal, principal)


@router.get("/public/appeals", response_model=AppealPortalPage, tags=["public"])
async def public_appeals(
    uow: Uow,
    need_kind: NeedKind | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Offset = 0,
) -> AppealPortalPage:
    """Các bài kêu gọi đang đăng, chỉ ở dạng ẩn danh (không cần đăng nhập)."""
    appeals, total = await handle_public_appeals(
        uow, need_kind=need_kind, limit=limit, offset=offset
    )
    return AppealPortalPage(
        items=[_portal(a) for a in appeals], total=total, limit=limit, offset=offset
    )
