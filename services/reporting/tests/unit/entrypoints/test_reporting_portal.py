"""The public portal's home page: Vietnamese, figures from the read models."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from types import SimpleNamespace

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool

from baotro_reporting.adapters.orm import MESSAGING, Base, CaseView
from baotro_reporting.entrypoints.portal import router
from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork
from baotro_reporting.settings import ReportingSettings
from baotro_shared.events.catalogue import CATALOGUE
from baotro_shared.messaging.outbox import OutboxWriter


@pytest.fixture
async def sessions() -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_async_engine("sqlite+aiosqlite://", poolclass=StaticPool)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


def _portal(sessions: async_sessionmaker[AsyncSession], settings: ReportingSettings) -> FastAPI:
    """The portal router alone, on a stand-in runtime that only hands out units of work."""
    outbox = OutboxWriter(MESSAGING, CATALOGUE, settings.source)
    app = FastAPI()
    app.include_router(router)
    app.state.runtime = SimpleNamespace(uow=lambda: ReportingUnitOfWork(sessions, outbox))
    app.state.settings = settings
    return app


async def _home(app: FastAPI) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portal") as client:
        return await client.get("/")


async def _open_cases(sessions: async_sessionmaker[AsyncSession], communes: list[str]) -> None:
    async with sessions() as session, session.begin():
        await session.execute(
            insert(CaseView),
            [
                {
                    "case_id": uuid.uuid4(),
                    "commune_code": code,
                    "status": "open",
                    "stage": "new",
                    "opened_at": datetime(2025, 7, 1, tzinfo=UTC),
                }
                for code in communes
            ],
        )


async def test_home_page_is_vietnamese_html(sessions: async_sessionmaker[AsyncSession]) -> None:
    response = await _home(_portal(sessions, ReportingSettings()))

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="vi">' in response.text
    assert '<meta charset="utf-8">' in response.text
    assert "<title>Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa</title>" in response.text
    assert "Trẻ em đang được theo dõi, hỗ trợ" in response.text


async def test_home_page_shows_open_cases_and_communes(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _open_cases(sessions, ["14797", "14797", "16522"])

    page = (await _home(_portal(sessions, ReportingSettings()))).text

    assert '<p class="figure">3</p>' in page
    assert "hồ sơ đang mở tại 2 xã, phường." in page


async def test_home_page_groups_thousands_the_vietnamese_way(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _open_cases(sessions, ["14797"] * 1234)

    page = (await _home(_portal(sessions, ReportingSettings()))).text

    assert '<p class="figure">1.234</p>' in page


async def test_home_page_escapes_the_fund_name(sessions: async_sessionmaker[AsyncSession]) -> None:
    settings = ReportingSettings(fund_name="Quỹ <script>alert(1)</script> & bạn")

    page = (await _home(_portal(sessions, settings))).text

    assert "<script>" not in page
    assert "Quỹ &lt;script&gt;alert(1)&lt;/script&gt; &amp; bạn" in page
