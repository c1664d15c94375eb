"""The public portal: server-rendered Vietnamese pages, no login, no JavaScript."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from baotro_reporting.adapters.portal_queries import CampaignProgress, PublicAppeal
from baotro_reporting.adapters.rendering import qr_png_base64, render
from baotro_reporting.domain.labels import AGE_BANDS, label
from baotro_reporting.domain.periods import parse_period
from baotro_reporting.domain.statement import StatementPage, StatementQueryError
from baotro_reporting.entrypoints.portal_cache import portal_cache
from baotro_reporting.entrypoints.statement_csv import csv_response
from baotro_reporting.entrypoints.statement_params import FIELDS, query_string, statement_form
from baotro_reporting.entrypoints.statement_search import statement_reader
from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork
from baotro_reporting.settings import ReportingSettings
from baotro_shared.runtime import ServiceRuntime
from baotro_shared.timeutil import today_in_vietnam
from baotro_shared.vietqr import VietQRError, build_payload
from baotro_shared.web.problems import ProblemError

router = APIRouter(include_in_schema=False)


async def _runtime(request: Request) -> ServiceRuntime[ReportingUnitOfWork]:
    # async: a plain function would be run in a worker thread on every request
    runtime: ServiceRuntime[ReportingUnitOfWork] = request.app.state.runtime
    return runtime


async def _settings(request: Request) -> ReportingSettings:
    settings: ReportingSettings = request.app.state.settings
    return settings


Runtime = Annotated[ServiceRuntime[ReportingUnitOfWork], Depends(_runtime)]
Settings = Annotated[ReportingSettings, Depends(_settings)]


def _page(template: str, settings: ReportingSettings, current: str, **context: object) -> str:
    return render(template, fund_name=settings.fund_name, current=current, **context)


@dataclass(frozen=True)
class HomeFigures:
    """This year's totals and the running campaigns: a few seconds old at most."""

    year: int
    received: int
    spent: int
    gifts: int
    open_total: int
    communes: int
    campaigns: list[CampaignProgress]


async def _home_figures(runtime: ServiceRuntime[ReportingUnitOfWork], fund: str) -> HomeFigures:
    today = today_in_vietnam()
    year = parse_period(str(today.year))
    async with runtime.uow() as uow:
        stats = await uow.case_views.stats(communes=None)
        return HomeFigures(
            year=today.year,
            received=await uow.money.received_total(fund_code=fund, start=year.start, end=year.end),
            spent=await uow.money.spent_total(fund_code=fund, start=year.start, end=year.end),
            gifts=await uow.money.gift_count(fund_code=fund, start=year.start, end=year.end),
            open_total=stats.open_total,
            communes=len(stats.by_commune),
            campaigns=await uow.portal.campaigns(today=today, fund_code=fund),
        )


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, runtime: Runtime, settings: Settings) -> HTMLResponse:
    """Activities: this year's totals, running campaigns (cached for a few seconds), news."""
    fund = settings.fund_code
    cache = portal_cache(request, settings.portal_figures_ttl_s)
    figures = await cache.figures(f"home:{fund}", lambda: _home_figures(runtime, fund))
    async with runtime.uow() as uow:
        news = await uow.portal.news()
    html = _page(
        "portal/index.html",
        settings,
        "/",
        year=figures.year,
        received=figures.received,
        spent=figures.spent,
        gifts=figures.gifts,
        open_total=figures.open_total,
        communes=figures.communes,
        campaigns=figures.campaigns,
        news=news,
    )
    return HTMLResponse(html)


@dataclass(frozen=True)
class AppealCard:
    appeal: PublicAppeal
    qr_png: str | None

    def __getattr__(self, name: str) -> object:
        return getattr(self.appeal, name)

    @property
    def age_band_label(self) -> str:
        return label(AGE_BANDS, self.appeal.age_band, self.appeal.age_band)

    @property
    def percent(self) -> int | None:
        sought = self.appeal.amount_sought
        return max(0, min(100, self.appeal.raised * 100 // sought)) if sought else None


@router.get("/hoan-canh", response_class=HTMLResponse)
async def appeals(runtime: Runtime, settings: Settings) -> HTMLResponse:
    """Published appeals, anonymised as registry publishes them, each with its own code."""
    async with runtime.uow() as uow:
        found = await uow.portal.appeals()
    cards = [
        AppealCard(a, qr_png_base64(a.vietqr_payload) if a.vietqr_payload else None) for a in found
    ]
    html = _page(
        "portal/appeals.html",
        settings,
        "/hoan-canh",
        appeals=cards,
        account=settings.vietqr_account(),
    )
    return HTMLResponse(html)


def _give_page(settings: ReportingSettings) -> str:
    account = settings.vietqr_account()
    qr: str | None = None
    if account is not None and account.bin:
        try:
            payload = build_payload(account.bin, account.number, memo=settings.general_memo)
            qr = qr_png_base64(payload)
        except VietQRError:
            qr = None
    return _page(
        "portal/give.html",
        settings,
        "/ung-ho",
        accounts=settings.accounts,
        qr_png=qr,
        memo=settings.general_memo,
    )


@router.get("/ung-ho", response_class=HTMLResponse)
async def give(request: Request) -> HTMLResponse:
    """How to give: the fund's own accounts and a general VietQR code. The page depends on
    the settings alone: it is rendered once per process."""
    # reads the request itself: FastAPI's dependency handling was a tenth of this page's
    # Python time (profiled)
    settings: ReportingSettings = request.app.state.settings
    cache = portal_cache(request, settings.portal_figures_ttl_s)
    return HTMLResponse(cache.page("/ung-ho", lambda: _give_page(settings)))


@router.get("/sao-ke", response_class=HTMLResponse)
async def statement_page(request: Request) -> HTMLResponse:
    """The public statement with its search form, pages and CSV link."""
    # reads the request itself: FastAPI's dependency handling took a tenth of a search's
    # Python time (profiled)
    settings: ReportingSettings = request.app.state.settings
    error: str | None = None
    result: StatementPage | None = None
    try:
        form = statement_form(
            request, fund_code=settings.fund_code, default_size=settings.statement_page_size
        )
        result = await statement_reader(request).search(form.query)
    except StatementQueryError as exc:
        error = exc.message
    raw = {name: request.query_params.get(name, "") for name in FIELDS}
    search = {name: raw[name] for name in ("q", "min", "max", "from", "to", "kind")}

    def page_query(page: int) -> str:
        return query_string({**search, "size": raw["size"]}, page=page)

    html = _page(
        "portal/statement.html",
        settings,
        "/sao-ke",
        form=search,
        error=error,
        result=result,
        csv_query=query_string(search),
        page_query=page_query,
    )
    return HTMLResponse(html, status_code=422 if error else 200)


@router.get("/sao-ke.csv")
async def statement_csv(request: Request, runtime: Runtime, settings: Settings) -> Response:
    """The search result as CSV (UTF-8 with BOM, so Excel reads the diacritics)."""
    try:
        form = statement_form(request, fund_code=settings.fund_code, default_size=20)
    except StatementQueryError as exc:
        raise ProblemError(422, exc.message) from exc
    return csv_response(runtime, form.query)


@dataclass(frozen=True)
class ReportLink:
    report_id: str
    title: str
    generated_at: datetime | None


@router.get("/bao-cao", response_class=HTMLResponse)
async def reports(runtime: Runtime, settings: Settings) -> HTMLResponse:
    """Published disclosures, as PDF."""
    async with runtime.uow() as uow:
        published = await uow.portal.published_reports()
    links = [
        ReportLink(
            r.report_id,
            ("Báo cáo công khai " if r.kind == "disclosure" else "Báo cáo ")
            + parse_period(r.period).label.lower(),
            r.generated_at,
        )
        for r in published
    ]
    return HTMLResponse(_page("portal/reports.html", settings, "/bao-cao", reports=links))


@router.get("/bao-cao/{report_id}.pdf")
async def published_pdf(report_id: uuid.UUID, runtime: Runtime) -> Response:
    """The PDF of a published report (an unpublished one is not found)."""
    async with runtime.uow() as uow:
        report = await uow.records.detached_report(report_id)
    if report is None or not report.published or report.pdf is None:
        raise ProblemError(404, "Không tìm thấy báo cáo công khai này.")
    return Response(
        report.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="bao-cao-{report.period}.pdf"'},
    )
