"""Reporting HTTP API: statistics from the read models."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from baotro_reporting.service_layer.projections import reset_read_models
from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork
from baotro_shared.runtime import ServiceRuntime
from baotro_shared.web.auth import CurrentPrincipal, Principal, Role, require_roles

router = APIRouter(prefix="/v1", tags=["stats"])


def _runtime(request: Request) -> ServiceRuntime[ReportingUnitOfWork]:
    runtime: ServiceRuntime[ReportingUnitOfWork] = request.app.state.runtime
    return runtime


Runtime = Annotated[ServiceRuntime[ReportingUnitOfWork], Depends(_runtime)]


class CaseStatsPublic(BaseModel):
    open_total: int
    by_commune: dict[str, int]
    by_group: dict[str, int]


@router.get("/stats/cases", response_model=CaseStatsPublic)
async def case_stats(runtime: Runtime, principal: CurrentPrincipal) -> CaseStatsPublic:
    """Số hồ sơ đang mở, theo xã/phường và theo nhóm (trong địa bàn của người hỏi)."""
    async with runtime.uow() as uow:
        stats = await uow.case_views.stats(communes=principal.scope_filter())
    return CaseStatsPublic(
        open_total=stats.open_total, by_commune=stats.by_commune, by_group=stats.by_group
    )


class RebuildResult(BaseModel):
    status: str


@router.post("/admin/read-models/reset", response_model=RebuildResult, tags=["admin"])
async def reset(
    request: Request,
    runtime: Runtime,
    _admin: Annotated[Principal, Depends(require_roles(Role.FUND_ADMIN))],
) -> RebuildResult:
    """Empty the read models; then `baotro replay` on the producers rebuilds them."""
    consumer = runtime.consumer
    assert consumer is not None
    await reset_read_models(runtime.uow(), runtime.tables, consumer=consumer.name)
    reader = getattr(request.app.state, "statement_reader", None)
    if reader is not None:
        reader.forget()  # what this process keeps is of the statement just emptied
    return RebuildResult(status="reset")
