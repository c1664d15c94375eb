"""Request latency is recorded by route template and status, errors included."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Histogram

from baotro_shared.web.latency import LatencyMiddleware


def _app(histogram: Histogram) -> FastAPI:
    app = FastAPI()

    @app.get("/items/{item_id}")
    async def item(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    app.add_middleware(LatencyMiddleware, histogram=histogram)
    return app


def _count(registry: CollectorRegistry, method: str, path: str, status: str) -> float:
    value = registry.get_sample_value(
        "latency_seconds_count", {"method": method, "path": path, "status": status}
    )
    return value or 0.0


async def test_latency_is_recorded_per_route_template_and_status() -> None:
    registry = CollectorRegistry()
    histogram = Histogram(
        "latency_seconds", "test", ["method", "path", "status"], registry=registry
    )
    transport = httpx.ASGITransport(app=_app(histogram), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get("/items/1")).status_code == 200
        assert (await client.get("/items/2")).status_code == 200
        assert (await client.get("/items/x")).status_code == 422
        assert (await client.get("/nowhere")).status_code == 404
        assert (await client.get("/boom")).status_code == 500
    assert _count(registry, "GET", "/items/{item_id}", "200") == 2
    assert _count(registry, "GET", "/items/{item_id}", "422") == 1
    assert _count(registry, "GET", "unmatched", "404") == 1
    assert _count(registry, "GET", "/boom", "500") == 1


@pytest.mark.parametrize("kind", ["lifespan", "websocket"])
async def test_other_scopes_pass_through(kind: str) -> None:
    seen = []

    async def app(scope: dict[str, object], receive: object, send: object) -> None:
        seen.append(scope["type"])

    registry = CollectorRegistry()
    histogram = Histogram("l_seconds", "t", ["method", "path", "status"], registry=registry)
    await LatencyMiddleware(app, histogram)({"type": kind}, None, None)  # type: ignore[arg-type]
    assert seen == [kind]
