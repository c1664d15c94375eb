"""Registry HTTP API: children, duplicates and links, consents, the PII access audit."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from baotro_registry.adapters.key_rotation import rotate_keys
from baotro_registry.domain.children import Child, ChildRejectedError, ChildStatus, PersonalData
from baotro_registry.domain.communes import CommuneDirectory
from baotro_registry.domain.consent import Consent
from baotro_registry.domain.duplicates import DuplicateCandidate
from baotro_registry.entrypoints.children_schemas import (
    AuditEntryPublic,
    AuditPage,
    ChildCreate,
    ChildPage,
    ChildPersonalPublic,
    ChildPublic,
    ChildUpdate,
    ConsentCreate,
    ConsentPublic,
    DuplicatePublic,
    LinkCreate,
    LinkPublic,
)
from baotro_registry.entrypoints.dependencies import Directory, Uow
from baotro_registry.service_layer.child_handlers import (
    DuplicatesFoundError,
    RegisterChild,
    UpdateChild,
    handle_link,
    handle_list_children,
    handle_read_child,
    handle_register_child,
    handle_update_child,
    sees_personal_data,
)
from baotro_registry.service_layer.consent_handlers import (
    handle_give_consent,
    handle_list_consents,
    handle_withdraw_consent,
)
from baotro_registry.service_layer.unit_of_work import RegistryUnitOfWork
from baotro_registry.settings import RegistrySettings
from baotro_shared.runtime import ServiceRuntime
from baotro_shared.timeutil import today_in_vietnam
from baotro_shared.web.auth import Principal, Role, require_roles
from baotro_shared.web.paging import Offset
from baotro_shared.web.problems import ProblemError, problem_response

router = APIRouter(prefix="/v1", tags=["children"])

Writer = Annotated[Principal, Depends(require_roles(Role.CASE_WORKER, Role.SUPERVISOR))]
Reader = Annotated[
    Principal,
    Depends(
        require_roles(
            Role.CASE_WORKER, Role.SUPERVISOR, Role.AUDITOR, Role.FUND_ADMIN, Role.SERVICE
        )
    ),
]
Auditor = Annotated[Principal, Depends(require_roles(Role.AUDITOR, Role.FUND_ADMIN))]


def _initials(name: str) -> str:
    return " ".join(part[0].upper() + "." for part in name.split() if part)


def _duplicate(c: DuplicateCandidate, principal: Principal) -> DuplicatePublic:
    in_scope = principal.may_access(c.child.commune_code)
    return DuplicatePublic(
        child_id=c.child.id,
        level=c.level.value,
        score=c.score,
        reasons=list(c.reasons),
        commune_code=c.child.commune_code,
        birth_year=c.child.birth_year,
        initials=_initials(c.child.personal.full_name) if in_scope else None,
    )


def _public(
    child: Child,
    directory: CommuneDirectory,
    *,
    personal: bool,
    duplicates: list[DuplicatePublic] | None = None,
) -> ChildPublic:
    commune = directory.get(child.commune_code)
    p = child.personal
    return ChildPublic(
        id=child.id,
        commune_code=child.commune_code,
        commune_name=commune.name if commune else None,
        birth_year=child.birth_year,
        sex=child.sex,
        groups=list(child.groups),
        subgroups=list(child.subgroups),
        at_risk=list(child.at_risk),
        status=child.status.value,
        created_at=child.created_at,
        updated_at=child.updated_at,
        personal=ChildPersonalPublic(**p.__dict__) if personal else None,
        possible_duplicates=duplicates or [],
    )


def _rejected(exc: ChildRejectedError) -> ProblemError:
    return ProblemError(422, exc.message, errors=[{"field": exc.field, "message": exc.message}])


@router.post(
    "/children",
    status_code=status.HTTP_201_CREATED,
    response_model=ChildPublic,
    responses={409: {"description": "Có hồ sơ nhiều khả năng trùng; cần xác nhận"}},
)
async def register_child(
    body: ChildCreate, request: Request, uow: Uow, principal: Writer, directory: Directory
) -> ChildPublic | JSONResponse:
    """Đăng ký trẻ; kiểm tra hồ sơ trùng trước (không bao giờ tự gộp)."""
    personal = PersonalData(**body.model_dump(include=set(PersonalData.field_names())))
    try:
        result = await handle_register_child(
            uow,
            RegisterChild(
                personal=personal,
                commune_code=body.commune_code,
                birth_year=body.birth_year,
                sex=body.sex,
                groups=body.groups,
                at_risk=body.at_risk,
                confirm_not_duplicate=body.confirm_not_duplicate,
                subgroups=tuple(body.subgroups),
            ),
            principal=principal,
            directory=directory,
            path=request.url.path,
        )
    except ChildRejectedError as exc:
        raise _rejected(exc) from exc
    except DuplicatesFoundError as exc:
        return problem_response(
            request,
            409,
            "Có hồ sơ nhiều khả năng là cùng một trẻ. Hãy xem các hồ sơ dưới đây; nếu đúng là "
            "trẻ khác, gửi lại với confirm_not_duplicate=true, hoặc liên kết hồ sơ.",
            slug="likely-duplicate",
            extra={
                "candidates": [
                    _duplicate(c, principal).model_dump(mode="json") for c in exc.candidates
                ]
            },
        )
    return _public(
        result.child,
        directory,
        personal=True,
        duplicates=[_duplicate(c, principal) for c in result.possible_duplicates],
    )


@router.get("/children", response_model=ChildPage)
async def list_children(
    request: Request,
    uow: Uow,
    principal: Reader,
    directory: Directory,
    commune_code: str | None = None,
    group: str | None = None,
    child_status: Annotated[ChildStatus | None, Query(alias="status")] = None,
    age_from: Annotated[int | None, Query(ge=0, le=25)] = None,
    age_to: Annotated[int | None, Query(ge=0, le=25)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> ChildPage:
    """Danh sách trẻ trong địa bàn, lọc theo xã, nhóm, tuổi, trạng thái; có phân trang."""
    year = today_in_vietnam().year
    children, total = await handle_list_children(
        uow,
        principal=principal,
        path=request.url.path,
        commune_code=commune_code,
        group=group,
        status=child_status,
        birth_year_from=year - age_to if age_to is not None else None,
        birth_year_to=year - age_from if age_from is not None else None,
        limit=limit,
        offset=offset,
    )
    personal = sees_personal_data(principal)
    return ChildPage(
        items=[_public(c, directory, personal=personal) for c in children],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/children/{child_id}", response_model=ChildPublic)
async def read_child(
    child_id: uuid.UUID, request: Request, uow: Uow, principal: Reader, directory: Directory
) -> ChildPublic:
    child = await handle_read_child(uow, child_id, principal=principal, path=request.url.path)
    if child is None:
        raise ProblemError(404, "Không tìm thấy trẻ này trong địa bàn của bạn.")
    return _public(child, directory, personal=sees_personal_data(principal))


@router.patch("/children/{child_id}", response_model=ChildPublic)
async def update_child(
    child_id: uuid.UUID,
    body: ChildUpdate,
    request: Request,
    uow: Uow,
    principal: Writer,
    directory: Directory,
) -> ChildPublic:
    try:
        child = await handle_update_child(
            uow,
            child_id,
            UpdateChild(changes=body.model_dump(exclude_unset=True)),
            principal=principal,
            directory=directory,
            path=request.url.path,
        )
    except ChildRejectedError as exc:
        raise _rejected(exc) from exc
    if child is None:
        raise ProblemError(404, "Không tìm thấy trẻ này trong địa bàn của bạn.")
    return _public(child, directory, personal=True)


@router.post("/children/{child_id}/link", response_model=LinkPublic, status_code=201)
async def link_children(
    child_id: uuid.UUID, body: LinkCreate, uow: Uow, principal: Writer
) -> LinkPublic:
    """Ghi quyết định của cán bộ: hai hồ sơ là cùng một trẻ, hay là hai trẻ khác nhau."""
    if not await handle_link(
        uow, child_id, body.other_child_id, body.decision, principal=principal
    ):
        raise ProblemError(404, "Không tìm thấy một trong hai hồ sơ (hoặc hai hồ sơ là một).")
    return LinkPublic(
        child_id=child_id,
        other_child_id=body.other_child_id,
        decision=body.decision,
        decided_by=principal.sub,
        decided_at=datetime.now().astimezone(),
    )


def _consent(c: Consent) -> ConsentPublic:
    return ConsentPublic(
        id=c.id,
        child_id=c.child_id,
        purpose=c.purpose,
        given_by=c.given_by,
        given_on=c.given_on,
        recorded_by=c.recorded_by,
        recorded_at=c.recorded_at,
        withdrawn_at=c.withdrawn_at,
        active=c.active,
    )


@router.post(
    "/children/{child_id}/consents",
    response_model=ConsentPublic,
    status_code=201,
    tags=["consents"],
)
async def give_consent(
    child_id: uuid.UUID, body: ConsentCreate, uow: Uow, principal: Writer
) -> ConsentPublic:
    consent = await handle_give_consent(
        uow,
        child_id,
        purpose=body.purpose,
        given_by=body.given_by,
        given_on=body.given_on,
        principal=principal,
    )
    return _consent(consent)


@router.get("/children/{child_id}/consents", response_model=list[ConsentPublic], tags=["consents"])
async def list_consents(child_id: uuid.UUID, uow: Uow, principal: Reader) -> list[ConsentPublic]:
    consents = await handle_list_consents(uow, child_id, principal=principal)
    if consents is None:
        raise ProblemError(404, "Không tìm thấy trẻ này trong địa bàn của bạn.")
    return [_consent(c) for c in consents]


@router.post("/consents/{consent_id}/withdraw", response_model=ConsentPublic, tags=["consents"])
async def withdraw_consent(consent_id: uuid.UUID, uow: Uow, principal: Writer) -> ConsentPublic:
    """Rút lại sự đồng ý; bài kêu gọi dựa trên sự đồng ý này bị gỡ ngay."""
    return _consent(await handle_withdraw_consent(uow, consent_id, principal=principal))


@router.get("/audit", response_model=AuditPage, tags=["audit"])
async def audit_log(
    uow: Uow,
    _auditor: Auditor,
    child_id: uuid.UUID | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> AuditPage:
    """Nhật ký truy cập thông tin cá nhân của trẻ: ai, khi nào, trẻ nào, trường nào."""
    async with uow:
        rows, total = await uow.audit.list(
            child_id=child_id,
            actor_sub=actor,
            since=since,
            until=until,
            limit=limit,
            offset=offset,
        )
        items = [AuditEntryPublic.model_validate(r, from_attributes=True) for r in rows]
    return AuditPage(
        items=items,
        total=total,
        limit=limit,
        offset=offset,
    )


class RotationPublic(BaseModel):
    active_key: str
    values: dict[str, int]
    total: int


@router.post("/admin/rotate-keys", response_model=RotationPublic, tags=["admin"])
async def rotate_encryption_keys(
    request: Request,
    _admin: Annotated[Principal, Depends(require_roles(Role.FUND_ADMIN))],
) -> RotationPublic:
    """Mã hóa lại dữ liệu cá nhân bằng khóa đang dùng, để có thể bỏ khóa cũ."""
    runtime: ServiceRuntime[RegistryUnitOfWork] = request.app.state.runtime
    settings: RegistrySettings = request.app.state.settings
    cipher = settings.cipher()
    result = await rotate_keys(runtime.sessions, cipher, runtime.definition.metadata)
    return RotationPublic(active_key=cipher.active_key_id, values=result.values, total=result.total)
