"""The API fuzzer finds what it is for: an operation that fails on some input is reported,
with how to reproduce it; operations that refuse bad input properly are not."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, Query

from baotro_shared.testing.api_fuzz import server_errors


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/fragile")
    async def fragile(n: int = 0) -> dict[str, int]:
        if n > 1000:
            raise RuntimeError("a number the database cannot take")
        return {"n": n}

    @app.get("/sturdy")
    async def sturdy(n: int = Query(0, le=1000)) -> dict[str, int]:
        return {"n": n}

    return app


@pytest.fixture
async def app_client() -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = _app()
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        yield app, client


async def test_an_operation_failing_on_some_input_is_reported_and_no_other(
    app_client: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = app_client

    failures = await server_errors(app, client, headers={})

    [failure] = failures
    assert failure.startswith("GET /fragile: ")
    assert "Server error" in failure
    assert "curl" in failure  # how to reproduce it


async def test_skipped_operations_are_not_sent(
    app_client: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = app_client

    assert await server_errors(app, client, headers={}, skip=["GET /fragile"]) == []
