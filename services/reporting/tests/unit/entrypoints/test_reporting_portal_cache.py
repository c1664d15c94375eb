"""The portal renders /ung-ho once per process and keeps the home page's totals a few
seconds (per app: another app, another cache)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from baotro_reporting.adapters.money_queries import MoneyQueries
from baotro_reporting.entrypoints import portal
from baotro_reporting.entrypoints.portal_cache import PortalCache
from baotro_reporting.settings import ReportingSettings


async def test_figures_are_computed_again_once_they_are_too_old() -> None:
    now = [100.0]
    cache = PortalCache(ttl_s=30, clock=lambda: now[0])
    computed: list[int] = []

    async def compute() -> int:
        computed.append(len(computed))
        return len(computed)

    first = await cache.figures("home", compute)
    now[0] += 29.9
    second = await cache.figures("home", compute)
    now[0] += 0.2
    third = await cache.figures("home", compute)

    assert (first, second, third) == (1, 1, 2)


def test_a_page_is_rendered_and_encoded_once() -> None:
    cache = PortalCache(ttl_s=0)
    rendered: list[str] = []

    def build() -> str:
        rendered.append("x")
        return f"<p>Ủng hộ {len(rendered)}</p>"

    pages = [cache.page("/ung-ho", build) for _ in range(3)]
    assert pages == ["<p>Ủng hộ 1</p>".encode()] * 3
    assert rendered == ["x"]


async def test_the_give_page_is_rendered_once_per_app(
    make_portal: Callable[..., FastAPI], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[ReportingSettings] = []
    real = portal._give_page

    def counting(settings: ReportingSettings) -> str:
        calls.append(settings)
        return real(settings)

    monkeypatch.setattr(portal, "_give_page", counting)
    for _ in range(2):
        transport = httpx.ASGITransport(app=make_portal())
        async with httpx.AsyncClient(transport=transport, base_url="http://portal") as http:
            pages = [(await http.get("/ung-ho")).text for _ in range(3)]
        assert len(set(pages)) == 1
        assert "Quét mã VietQR" in pages[0]

    assert len(calls) == 2


async def test_home_totals_are_kept_for_the_configured_seconds(
    make_portal: Callable[..., FastAPI], monkeypatch: pytest.MonkeyPatch
) -> None:
    queried: list[str] = []
    real = MoneyQueries.received_total

    async def counting(self: MoneyQueries, **kwargs: Any) -> int:
        queried.append("received")
        return await real(self, **kwargs)

    monkeypatch.setattr(MoneyQueries, "received_total", counting)
    cached = make_portal(ReportingSettings(portal_figures_ttl_s=60))
    fresh = make_portal(ReportingSettings(portal_figures_ttl_s=0))
    for app in (cached, fresh):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal") as http:
            for _ in range(3):
                assert (await http.get("/")).status_code == 200

    assert len(queried) == 1 + 3
