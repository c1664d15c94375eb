"""Reports API: request a periodic report or the yearly disclosure, follow it, download it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, Request, status
from fastapi.responses import Response
from pydantic import BaseModel, Field

from baotro_reporting.adapters.orm import ReportRow
from baotro_reporting.domain.periods import PeriodError
from baotro_reporting.service_layer.reports import RequestReport, generate_report, request_report
from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork
from baotro_reporting.settings import ReportingSettings
from baotro_shared.runtime import ServiceRuntime
from baotro_shared.web.auth import Principal, Role, require_roles
from baotro_shared.web.problems import ProblemError

router = APIRouter(prefix="/v1/reports", tags=["reports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _runtime(request: Request) -> ServiceRuntime[ReportingUnitOfWork]:
    runtime: ServiceRuntime[ReportingUnitOfWork] = request.app.state.runtime
    return runtime


def _settings(request: Request) -> ReportingSettings:
    settings: ReportingSettings = request.app.state.settings
    return settings


Runtime = Annotated[ServiceRuntime[ReportingUnitOfWork], Depends(_runtime)]
Settings = Annotated[ReportingSettings, Depends(_settings)]
Requester = Annotated[Principal, Depends(require_roles(Role.FUND_ADMIN, Role.ACCOUNTANT))]
Reader = Annotated[
    Principal, Depends(require_roles(Role.FUND_ADMIN, Role.ACCOUNTANT, Role.AUDITOR))
]


class ReportCreate(BaseModel):
    kind: Literal["periodic", "disclosure"]
    fund: str | None = Field(None, description="mã quỹ; mặc định quỹ của cổng thông tin")
    period: str = Field(description='"2026-06" (tháng), "2026-Q2" (quý) hoặc "2026" (năm)')
    publish: bool | None = Field(
        None, description="đăng lên /bao-cao; mặc định: có với báo cáo công khai (disclosure)"
    )


class ReportPublic(BaseModel):
    id: uuid.UUID
    kind: str
    fund: str
    period: str
    status: str = Field(description="pending | done | failed")
    published: bool
    requested_at: datetime
    generated_at: datetime | None
    error: str | None
    received_total: int | None
    spent_total: int | None
    xlsx_url: str | None
    pdf_url: str | None


def _public(row: ReportRow) -> ReportPublic:
    done = row.status == "done"
    return ReportPublic(
        id=row.id,
        kind=row.kind,
        fund=row.fund_code,
        period=row.period,
        status=row.status,
        published=row.published,
        requested_at=row.requested_at,
        generated_at=row.generated_at,
        error=row.error,
        received_total=row.received_total,
        spent_total=row.spent_total,
        xlsx_url=f"/v1/reports/{row.id}.xlsx" if done else None,
        pdf_url=f"/v1/reports/{row.id}.pdf" if done else None,
    )


@router.post("", response_model=ReportPublic, status_code=status.HTTP_202_ACCEPTED)
async def create_report(
    body: ReportCreate,
    background: BackgroundTasks,
    runtime: Runtime,
    settings: Settings,
    principal: Requester,
) -> ReportPublic:
    """Lập báo cáo định kỳ hoặc báo cáo công khai năm; tệp XLSX và PDF được lập ở nền."""
    command = RequestReport(
        kind=body.kind,
        fund_code=body.fund or settings.fund_code,
        period=body.period,
        publish=body.kind == "disclosure" if body.publish is None else body.publish,
        requested_by=principal.sub,
    )
    try:
        row = await request_report(runtime.uow(), command)
    except PeriodError as exc:
        raise ProblemError(
            422, exc.message, errors=[{"field": "period", "message": exc.message}]
        ) from exc
    background.add_task(generate_report, runtime.uow, row.id, fund_name=settings.fund_name)
    return _public(row)


async def _stored(runtime: ServiceRuntime[ReportingUnitOfWork], report_id: uuid.UUID) -> ReportRow:
    async with runtime.uow() as uow:
        row = await uow.records.detached_report(report_id)
    if row is None:
        raise ProblemError(404, "Không tìm thấy báo cáo.")
    return row


def _file(row: ReportRow, content: bytes | None, media_type: str, suffix: str) -> Response:
    if row.status != "done" or content is None:
        raise ProblemError(409, "Báo cáo chưa lập xong; hãy thử lại sau ít phút.")
    name = f"bao-cao-{row.kind}-{row.fund_code}-{row.period}.{suffix}"
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/{report_id}.xlsx")
async def report_xlsx(report_id: uuid.UUID, runtime: Runtime, _reader: Reader) -> Response:
    """Tệp Excel của báo cáo."""
    row = await _stored(runtime, report_id)
    return _file(row, row.xlsx, XLSX, "xlsx")


@router.get("/{report_id}.pdf")
async def report_pdf(report_id: uuid.UUID, runtime: Runtime, _reader: Reader) -> Response:
    """Tệp PDF của báo cáo."""
    row = await _stored(runtime, report_id)
    return _file(row, row.pdf, "application/pdf", "pdf")


@router.get("/{report_id}", response_model=ReportPublic)
async def report_status(report_id: uuid.UUID, runtime: Runtime, _reader: Reader) -> ReportPublic:
    """Trạng thái của báo cáo và đường dẫn tải tệp."""
    return _public(await _stored(runtime, report_id))
