"""Reporting unit tests: the read models on SQLite in memory, the app without a broker."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import Histogram
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool

from baotro_reporting.adapters.orm import MESSAGING, Base
from baotro_reporting.bootstrap import DIRECT_ROUTES
from baotro_reporting.entrypoints.portal import router as portal_router
from baotro_reporting.entrypoints.public_api import router as public_router
from baotro_reporting.entrypoints.reports_api import router as reports_router
from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork
from baotro_reporting.settings import ReportingSettings
from baotro_shared.events.catalogue import CATALOGUE
from baotro_shared.messaging.outbox import OutboxWriter
from baotro_shared.settings import DEVELOPMENT_SIGNING_KEY
from baotro_shared.web.auth import TokenConfig, issue_token
from baotro_shared.web.direct_routes import DirectRoutes
from baotro_shared.web.problems import install_problem_handlers

UowFactory = Callable[[], ReportingUnitOfWork]


@pytest.fixture
async def sessions() -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_async_engine("sqlite+aiosqlite://", poolclass=StaticPool)

    @event.listens_for(engine.sync_engine, "connect")
    def _foreign_keys(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


@pytest.fixture
def uow_factory(sessions: async_sessionmaker[AsyncSession]) -> UowFactory:
    outbox = OutboxWriter(MESSAGING, CATALOGUE, "/baotro/reporting")
    return lambda: ReportingUnitOfWork(sessions, outbox)


TOKENS = TokenConfig(DEVELOPMENT_SIGNING_KEY, "baotro", "baotro")


def bearer(role: str, sub: str = "tester") -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(TOKENS, sub=sub, role=role)}"}


@pytest.fixture
def headers() -> Callable[..., dict[str, str]]:
    return bearer


@pytest.fixture
def make_portal(
    uow_factory: UowFactory,
) -> Callable[..., FastAPI]:
    """The reporting routers on a stand-in runtime that only hands out units of work, the
    statement's searches answered before the routing as the service answers them."""

    def _make(settings: ReportingSettings | None = None) -> FastAPI:
        app = FastAPI()
        install_problem_handlers(app)
        for router in (public_router, reports_router, portal_router):
            app.include_router(router)
        app.state.runtime = SimpleNamespace(uow=uow_factory)
        app.state.settings = settings or ReportingSettings()
        app.state.token_config = TOKENS
        latency = Histogram("l_seconds", "t", ["method", "path", "status"], registry=None)
        app.add_middleware(DirectRoutes, routes=DIRECT_ROUTES, histogram=latency)
        return app

    return _make


@pytest.fixture
async def client(make_portal: Callable[..., FastAPI]) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_portal())
    async with httpx.AsyncClient(transport=transport, base_url="http://portal") as http:
        yield http
