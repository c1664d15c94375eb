"""Busy GET routes answered ahead of the app's middlewares and routing (a rejected request
too, as a problem); everything else, and every request the endpoint fails, left to the app."""

from __future__ import annotations

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CollectorRegistry, Histogram

from baotro_shared.web.direct_routes import DirectRoutes
from baotro_shared.web.latency import LatencyMiddleware
from baotro_shared.web.problems import ProblemError, install_problem_handlers

routed: list[bool] = []


async def search(request: Request) -> Response:
    """Records whether FastAPI's router took the request (it sets the scope's endpoint)."""
    routed.append("endpoint" in request.scope)
    if request.query_params.get("q") == "bad":
        raise ProblemError(422, "Từ khóa không hợp lệ.")
    if request.query_params.get("q") == "boom":
        raise RuntimeError("boom")
    return JSONResponse({"q": request.query_params.get("q", "")})


def _app(registry: CollectorRegistry) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.get("/search")(search)
    app.post("/search")(search)

    @app.get("/other")
    async def other() -> dict[str, str]:
        return {"other": "yes"}

    histogram = Histogram("l_seconds", "t", ["method", "path", "status"], registry=registry)
    app.add_middleware(LatencyMiddleware, histogram=histogram)
    app.add_middleware(DirectRoutes, routes={"/search": search}, histogram=histogram)
    return app


def _client(app: FastAPI) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://t")


async def _search(q: str) -> tuple[httpx.Response, CollectorRegistry]:
    routed.clear()
    registry = CollectorRegistry()
    async with _client(_app(registry)) as client:
        return await client.get("/search", params={"q": q}), registry


def _count(registry: CollectorRegistry, status: str) -> float | None:
    labels = {"method": "GET", "path": "/search", "status": status}
    return registry.get_sample_value("l_seconds_count", labels)


async def test_a_direct_get_is_answered_without_the_router_and_timed_by_its_route() -> None:
    response, registry = await _search("Nguyễn")

    assert response.status_code == 200
    assert response.json() == {"q": "Nguyễn"}
    assert routed == [False]
    assert _count(registry, "200") == 1


async def test_a_rejected_request_is_answered_directly_as_the_app_answers_a_problem() -> None:
    response, registry = await _search("bad")
    assert routed == [False]  # run once, not again by the route
    async with _client(_app(CollectorRegistry())) as client:
        by_the_route = await client.post("/search", params={"q": "bad"})  # POST: the app's

    assert routed == [False, True]
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"] == "Từ khóa không hợp lệ."
    assert response.json()["instance"] == "/search"
    assert _count(registry, "422") == 1
    assert response.json() == by_the_route.json()


async def test_a_failure_goes_to_the_app_whose_error_handling_answers_it() -> None:
    response, registry = await _search("boom")

    assert response.status_code == 500
    assert routed == [False, True]
    assert _count(registry, "500") == 1


async def test_other_methods_and_paths_go_to_the_app() -> None:
    routed.clear()
    async with _client(_app(CollectorRegistry())) as client:
        posted = await client.post("/search", params={"q": "x"})
        other = await client.get("/other")
        missing = await client.get("/search/more")

    assert posted.json() == {"q": "x"}
    assert routed == [True]
    assert other.json() == {"other": "yes"}
    assert missing.status_code == 404
