"""Registry HTTP API."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from baotro_registry.domain.case import Case, CaseRejectedError, CaseStatus
from baotro_registry.domain.communes import CommuneDirectory
from baotro_registry.entrypoints.dependencies import Directory, Uow
from baotro_registry.entrypoints.schemas import CaseCreate, CasePage, CasePublic
from baotro_registry.service_layer.case_handlers import OpenCase, handle_open_case
from baotro_shared.web.auth import Principal, Role, require_roles
from baotro_shared.web.problems import ProblemError

router = APIRouter(prefix="/v1", tags=["cases"])


CaseWriter = Annotated[
    Principal, Depends(require_roles(Role.CASE_WORKER, Role.SUPERVISOR, Role.FUND_ADMIN))
]
CaseReader = Annotated[
    Principal,
    Depends(require_roles(Role.CASE_WORKER, Role.SUPERVISOR, Role.FUND_ADMIN, Role.AUDITOR)),
]


def _public(case: Case, directory: CommuneDirectory) -> CasePublic:
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


@router.post("/cases", status_code=status.HTTP_201_CREATED, response_model=CasePublic)
async def create_case(
    body: CaseCreate, uow: Uow, principal: CaseWriter, directory: Directory
) -> CasePublic:
    """Mở hồ sơ (case) cho trẻ em tại một xã/phường, thuộc một hoặc nhiều nhóm a … o."""
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
    return _public(case, directory)


@router.get("/cases/{case_id}", response_model=CasePublic)
async def read_case(
    case_id: uuid.UUID, uow: Uow, principal: CaseReader, directory: Directory
) -> CasePublic:
    async with uow:
        case = await uow.cases.get(case_id, communes=principal.scope_filter())
    if case is None:
        raise ProblemError(404, "Không tìm thấy hồ sơ này trong địa bàn của bạn.")
    return _public(case, directory)


@router.get("/cases", response_model=CasePage)
async def list_cases(
    uow: Uow,
    principal: CaseReader,
    directory: Directory,
    commune_code: str | None = None,
    case_status: Annotated[CaseStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
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
        items=[_public(c, directory) for c in cases], total=total, limit=limit, offset=offset
    )
