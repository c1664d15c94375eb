"""HTTP API of the reference data: public (no personal data), except editing at-risk categories."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from baotro_registry.domain.legacy_communes import LegacyDirectory, legacy_directory
from baotro_registry.domain.legal_groups import LEGAL_GROUPS
from baotro_registry.entrypoints.dependencies import Directory, Uow
from baotro_registry.entrypoints.import_schemas import (
    AtRiskCategoryPublic,
    AtRiskCategoryPut,
    CommunePublic,
    LegalGroupPublic,
    ResolvedCommunePublic,
)
from baotro_registry.service_layer.reference_handlers import (
    SaveAtRiskCategory,
    Subgroup,
    handle_list_at_risk,
    handle_list_subgroups,
    handle_save_at_risk,
    handle_save_subgroup,
    resolve_commune,
)
from baotro_registry.settings import RegistrySettings
from baotro_shared.web.auth import Principal, Role, require_roles
from baotro_shared.web.problems import ProblemError, problem_response

router = APIRouter(prefix="/v1", tags=["reference"])

FundAdmin = Annotated[Principal, Depends(require_roles(Role.FUND_ADMIN))]
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def _legacy(request: Request) -> LegacyDirectory:
    settings: RegistrySettings = request.app.state.settings
    return legacy_directory(settings.province_code)


Legacy = Annotated[LegacyDirectory, Depends(_legacy)]


@router.get("/reference/groups", response_model=list[LegalGroupPublic])
async def legal_groups() -> list[LegalGroupPublic]:
    """14 nhóm trẻ em có hoàn cảnh đặc biệt (Điều 10 Luật Trẻ em 2016)."""
    return [
        LegalGroupPublic(code=g.code, name_vi=g.name_vi, sensitive=g.sensitive)
        for g in LEGAL_GROUPS.values()
    ]


@router.get("/reference/communes", response_model=list[CommunePublic])
async def communes(directory: Directory) -> list[CommunePublic]:
    """Các xã/phường của tỉnh (đơn vị hành chính từ 01/7/2025)."""
    return [
        CommunePublic(code=c.code, name=c.name)
        for c in sorted(directory.communes.values(), key=lambda c: c.code)
    ]


@router.get(
    "/reference/communes/resolve",
    response_model=ResolvedCommunePublic,
    responses={
        404: {"description": "Không tìm thấy"},
        409: {"description": "Tên trùng ở nhiều huyện"},
    },
)
async def resolve(
    request: Request,
    legacy: Legacy,
    q: Annotated[
        str, Query(min_length=1, max_length=200, description="Mã hoặc tên xã/phường, cũ hay mới")
    ],
    district: Annotated[
        str | None, Query(max_length=200, description="Huyện cũ (trước 01/7/2025)")
    ] = None,
    legacy_only: Annotated[
        bool, Query(alias="legacy", description="Chỉ tìm trong các đơn vị cũ (trước 01/7/2025)")
    ] = False,
) -> ResolvedCommunePublic | JSONResponse:
    """Tìm xã/phường mới từ mã hoặc tên xã/phường cũ (kèm huyện cũ) hay mới."""
    found = resolve_commune(legacy, q, district or None, old_only=legacy_only)
    if found.commune is not None:
        c = found.commune
        return ResolvedCommunePublic(
            code=c.code,
            name=c.name,
            converted=c.converted,
            old_code=c.old_code,
            old_name=c.old_name,
            old_district_name=c.old_district_name,
            other_codes=list(c.other_codes),
        )
    if len(found.ambiguous) > 1:
        return problem_response(
            request,
            409,
            "Tên này có ở nhiều huyện cũ; hãy thêm tham số district (huyện cũ).",
            slug="ambiguous-commune",
            extra={
                "candidates": [
                    {"old_code": o.code, "old_name": o.name, "old_district_name": o.district_name}
                    for o in found.ambiguous
                ]
            },
        )
    raise ProblemError(404, f"Không tìm thấy xã/phường '{q}' trong danh mục mới hay cũ của tỉnh.")


@router.get("/reference/at-risk", response_model=list[AtRiskCategoryPublic])
async def at_risk(uow: Uow, include_inactive: bool = False) -> list[AtRiskCategoryPublic]:
    """Danh mục trẻ em có nguy cơ rơi vào hoàn cảnh đặc biệt (quỹ tự điều chỉnh)."""
    found = await handle_list_at_risk(uow, include_inactive=include_inactive)
    return [AtRiskCategoryPublic(code=c.code, name_vi=c.name_vi, active=c.active) for c in found]


@router.put("/reference/at-risk/{code}", response_model=AtRiskCategoryPublic)
async def save_at_risk(
    code: str, body: AtRiskCategoryPut, uow: Uow, principal: FundAdmin
) -> JSONResponse:
    """Thêm, đổi tên hoặc ngừng dùng một yếu tố nguy cơ (active=false); không bao giờ xóa."""
    if not _CODE.match(code):
        raise ProblemError(
            422,
            "Mã yếu tố nguy cơ gồm chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu bằng "
            "chữ cái, 2–40 ký tự (ví dụ: poor_household).",
            errors=[{"field": "code", "message": "không đúng định dạng"}],
        )
    saved, created = await handle_save_at_risk(
        uow,
        SaveAtRiskCategory(code=code, name_vi=body.name_vi, active=body.active),
        principal=principal,
    )
    public = AtRiskCategoryPublic(code=saved.code, name_vi=saved.name_vi, active=saved.active)
    return JSONResponse(public.model_dump(), status_code=201 if created else 200)


class SubgroupPublic(BaseModel):
    code: str
    group_code: str
    name_vi: str
    active: bool


class SubgroupPut(BaseModel):
    group_code: str = Field(min_length=1, max_length=4, examples=["c"])
    name_vi: str = Field(min_length=3, max_length=300)
    active: bool = True


_SUBGROUP_CODE = re.compile(r"^[a-zđ][a-z0-9_]{0,19}$")


@router.get("/reference/subgroups", response_model=list[SubgroupPublic])
async def subgroups(uow: Uow, include_inactive: bool = False) -> list[SubgroupPublic]:
    """Nhóm con theo Nghị định 56/2017/NĐ-CP (quỹ bổ sung, điều chỉnh)."""
    found = await handle_list_subgroups(uow, include_inactive=include_inactive)
    return [SubgroupPublic(**s.__dict__) for s in found]


@router.put("/reference/subgroups/{code}", response_model=SubgroupPublic)
async def save_subgroup(
    code: str, body: SubgroupPut, uow: Uow, principal: FundAdmin
) -> JSONResponse:
    """Thêm, đổi tên hoặc ngừng dùng một nhóm con; không bao giờ xóa."""
    code = code.strip().lower()
    if not _SUBGROUP_CODE.match(code):
        raise ProblemError(
            422,
            "Mã nhóm con gồm chữ thường và chữ số, bắt đầu bằng mã nhóm (ví dụ: c5, d1).",
            errors=[{"field": "code", "message": "không đúng định dạng"}],
        )
    saved, created = await handle_save_subgroup(
        uow,
        Subgroup(code, body.group_code.strip().lower(), body.name_vi, body.active),
        principal=principal,
    )
    return JSONResponse(
        SubgroupPublic(**saved.__dict__).model_dump(), status_code=201 if created else 200
    )
