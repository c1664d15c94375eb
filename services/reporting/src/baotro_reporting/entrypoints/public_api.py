"""The public JSON API (no login): the statement search; and the news staff write."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field

from baotro_reporting.domain.statement import StatementQueryError
from baotro_reporting.entrypoints.statement_csv import csv_response
from baotro_reporting.entrypoints.statement_params import statement_form
from baotro_reporting.entrypoints.statement_search import (
    STATEMENT_PARAMETERS,
    page_json,
    statement_reader,
)
from baotro_reporting.service_layer.news import NewsRefusedError, publish_news
from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork
from baotro_reporting.settings import ReportingSettings
from baotro_shared.runtime import ServiceRuntime
from baotro_shared.web.auth import Principal, Role, require_roles
from baotro_shared.web.problems import ProblemError

router = APIRouter(prefix="/v1")


async def _runtime(request: Request) -> ServiceRuntime[ReportingUnitOfWork]:
    # async: a plain function would be run in a worker thread on every request
    runtime: ServiceRuntime[ReportingUnitOfWork] = request.app.state.runtime
    return runtime


async def _settings(request: Request) -> ReportingSettings:
    settings: ReportingSettings = request.app.state.settings
    return settings


Runtime = Annotated[ServiceRuntime[ReportingUnitOfWork], Depends(_runtime)]
Settings = Annotated[ReportingSettings, Depends(_settings)]
Editor = Annotated[Principal, Depends(require_roles(Role.FUND_ADMIN))]


class StatementLinePublic(BaseModel):
    date: date
    kind: str = Field(description="donation | reversal | disbursement")
    kind_label: str
    name: str = Field(
        description='public name or "Nhà hảo tâm ẩn danh"; for a disbursement its purpose'
    )
    amount: int = Field(description="đồng; negative for reversals and disbursements")
    purpose: str
    memo: str


class StatementPagePublic(BaseModel):
    items: list[StatementLinePublic]
    page: int
    size: int
    total: int
    total_is_exact: bool
    has_next: bool


@router.get(
    "/public/statement",
    response_model=StatementPagePublic,
    tags=["public"],
    openapi_extra=STATEMENT_PARAMETERS,
)
async def statement(request: Request) -> Response:
    """Sao kê công khai: tìm theo tên/nội dung (không phân biệt dấu, hoa thường), số tiền, ngày.

    Mỗi từ gõ vào khớp với một từ trọn vẹn, từ cuối cùng khớp cả phần đầu của một từ
    ("nguyen van a" tìm thấy "Nguyễn Văn A", "Nguyễn Văn Anh"); nhiều từ phải đứng liền nhau
    theo đúng thứ tự. `total` đếm tới 50 dòng (rồi từng bậc 50 khi xem các trang sau):
    `total_is_exact` là false khi còn nhiều hơn. Dòng mới ghi vào sao kê có trong kết quả
    tìm kiếm chậm nhất khoảng một giây sau khi được ghi."""
    # reads the request itself: FastAPI's parameters and dependencies were a tenth of a
    # search's Python time (profiled); they stay documented in `STATEMENT_PARAMETERS`
    settings: ReportingSettings = request.app.state.settings
    try:
        form = statement_form(
            request, fund_code=settings.fund_code, default_size=settings.statement_page_size
        )
    except StatementQueryError as exc:
        raise ProblemError(422, exc.message) from exc
    result = await statement_reader(request).search(form.query)
    return Response(page_json(result), media_type="application/json")


@router.get("/public/statement.csv", tags=["public"], response_class=StreamingResponse)
async def statement_csv(
    request: Request, runtime: Runtime, settings: Settings
) -> StreamingResponse:
    """The same search as CSV (UTF-8 with BOM), every matching line."""
    try:
        form = statement_form(request, fund_code=settings.fund_code, default_size=20)
    except StatementQueryError as exc:
        raise ProblemError(422, exc.message) from exc
    return csv_response(runtime, form.query)


class NewsCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20_000)
    published_at: datetime | None = None


class NewsPublic(BaseModel):
    id: uuid.UUID
    title: str
    body: str
    published_at: datetime


@router.post("/news", response_model=NewsPublic, status_code=status.HTTP_201_CREATED, tags=["news"])
async def create_news(body: NewsCreate, runtime: Runtime, editor: Editor) -> NewsPublic:
    """Đăng tin hoạt động lên trang chủ cổng thông tin (quản trị Quỹ)."""
    try:
        post = await publish_news(
            runtime.uow(),
            title=body.title,
            body=body.body,
            author=editor.sub,
            published_at=body.published_at,
        )
    except NewsRefusedError as exc:
        raise ProblemError(422, exc.message) from exc
    return NewsPublic(id=post.id, title=post.title, body=post.body, published_at=post.published_at)


@router.get("/news", response_model=list[NewsPublic], tags=["news"])
async def list_news(runtime: Runtime) -> list[NewsPublic]:
    """Tin hoạt động mới nhất (công khai)."""
    async with runtime.uow() as uow:
        posts = await uow.portal.news(limit=50)
    return [
        NewsPublic(id=p.id, title=p.title, body=p.body, published_at=p.published_at) for p in posts
    ]
