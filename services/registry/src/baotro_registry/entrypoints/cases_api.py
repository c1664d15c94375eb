"""Registry HTTP API: opening, reading and listing cases; the lifecycle routes are mounted here."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from baotro_registry.domain.case import CaseRejectedError, CaseStatus
from baotro_registry.entrypoints.case_lifecycle_api import router as lifecycle_router
from baotro_registry.entrypoints.case_schemas import CaseDetailPublic
from baotro_registry.entrypoints.case_views import case_detail_public, case_public
from baotro_registry.entrypoints.dependencies import Directory, Uow
from baotro_registry.entrypoints.schemas import CaseCreate, CasePage, CasePublic
from baotro_registry.service_layer.case_handlers import OpenCase, handle_open_case
from baotro_registry.service_layer.case_queries import read_case_detail
from baotro_shared.web.auth import Principal, Role, require_roles
from baotro_shared.web.paging import Offset
from baotro_shared.web.problems import ProblemError

router = APIRouter(prefix="/v1", tags=["cases"])


CaseWriter = Annotated[
    Principal, Depends(require_roles(Role.CASE_WORKER, Role.SUPERVISOR, Role.FUND_ADMIN))
]
CaseReader = Annotated[
    Principal,
    Depends(require_roles(Role.CASE_WORKER, Role.SUPERVISOR, Role.FUND_ADMIN, Role.AUDITOR)),
]


@router.post("/cases", status_code=status.HTTP_201_CREATED, response_model=CasePublic)
async def create_case(
    body: CaseCreate, uow: Uow, principal: CaseWriter, directory: Directory
) -> CasePublic:
    """Mở hồ sơ (case) cho trẻ em tại một xã/phường, thuộc một hoặc nhiều nhóm a … o.

    Khi gắn với trẻ đã đăng ký (`child_id`), trẻ phải thuộc địa bàn của người mở và hồ sơ mở
    tại xã/phường nơi trẻ được đăng ký.
    """
    try:
        case = await handle_open_case(
            uow,
            OpenCase(commune_code=body.commune_code, groups=body.groups, child_id=body.child_id),
            principal=principal,
            directory=directory,
        )
    except CaseRejectedError as exc:
        raise ProblemError(
            422, exc.message, errors=[{"field": exc.field, "message": exc.message}]
        ) from exc
    return case_public(case, directory)


@router.get("/cases/{case_id}", response_model=CaseDetailPublic)
async def read_case(
    case_id: uuid.UUID, uow: Uow, principal: CaseReader, directory: Directory
) -> CaseDetailPublic:
    """Hồ sơ, kế hoạch hỗ trợ đang áp dụng, phiên bản mới nhất và các yêu cầu duyệt."""
    detail = await read_case_detail(uow, case_id, principal=principal)
    return case_detail_public(detail, directory)


@router.get("/cases", response_model=CasePage)
async def list_cases(
    uow: Uow,
    principal: CaseReader,
    directory: Directory,
    commune_code: str | None = None,
    case_status: Annotated[CaseStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> CasePage:
    async with uow:
        cases, total = await uow.cases.list(
            communes=principal.scope_filter(),
            commune_code=commune_code,
            status=case_status,
            limit=limit,
            offset=offset,
        )
    return CasePage(
        items=[case_public(c, directory) for c in cases], total=total, limit=limit, offset=offset
    )


router.include_router(lifecycle_router)
