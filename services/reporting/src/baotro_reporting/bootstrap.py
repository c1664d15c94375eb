"""Wiring: settings → runtime → app. Nothing is built at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from baotro_reporting.adapters.orm import Base
from baotro_reporting.entrypoints.api import router
from baotro_reporting.entrypoints.consumers import BATCH_HANDLERS, HANDLERS
from baotro_reporting.entrypoints.portal import router as portal_router
from baotro_reporting.entrypoints.portal import statement_page
from baotro_reporting.entrypoints.public_api import router as public_router
from baotro_reporting.entrypoints.public_api import statement
from baotro_reporting.entrypoints.reports_api import router as reports_router
from baotro_reporting.entrypoints.statement_search import build_statement_reader
from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork
from baotro_reporting.settings import ReportingSettings
from baotro_shared.runtime import ServiceDefinition, ServiceRuntime
from baotro_shared.web.admin import admin_router
from baotro_shared.web.app import create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"
PUBLIC_PAGES = ("/", "/hoan-canh", "/ung-ho", "/sao-ke", "/bao-cao", "/v1/public/statement")
"""Read-only public pages: with no span exporter they get no server span (a sampled-out span
and its route lookup were a third of the Python time of /ung-ho, profiled); they publish no
event a trace id would follow."""
DIRECT_ROUTES = {"/v1/public/statement": statement, "/sao-ke": statement_page}
"""The statement's searches, the busiest requests: answered ahead of the middlewares and
the routing when they get no server span (`baotro_shared.web.direct_routes`)."""


def definition() -> ServiceDefinition[ReportingUnitOfWork]:
    return ServiceDefinition(
        name="reporting",
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        uow_class=ReportingUnitOfWork,
        handlers=HANDLERS,
        batch_handlers=BATCH_HANDLERS,
    )


def build_runtime(settings: ReportingSettings) -> ServiceRuntime[ReportingUnitOfWork]:
    return ServiceRuntime(settings, definition())


def create_app(settings: ReportingSettings | None = None) -> FastAPI:
    settings = settings or ReportingSettings()
    runtime = build_runtime(settings)
    app = create_service_app(
        runtime,
        title="Bảo Trợ — Reporting",
        description="Số liệu tổng hợp, báo cáo định kỳ và cổng thông tin công khai của Quỹ.",
        # the public API and pages first: a request is matched against routers in order
        routers=[public_router, portal_router, router, reports_router, admin_router()],
        untraced_paths=() if settings.otlp_endpoint else PUBLIC_PAGES,
        direct_routes=None if settings.otlp_endpoint else DIRECT_ROUTES,
    )
    reader = build_statement_reader(settings, runtime.uow, runtime.metrics.registry)
    app.state.statement_reader = reader
    _run_with_app(app, reader.start, reader.close)
    return app


def _run_with_app(
    app: FastAPI, start: Callable[[], None], close: Callable[[], Awaitable[None]]
) -> None:
    """Run `start` once the runtime has started, `close` when the app stops, before the
    runtime it wraps stops."""
    serve = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with serve(app):
            start()
            try:
                yield
            finally:
                await close()

    app.router.lifespan_context = lifespan
