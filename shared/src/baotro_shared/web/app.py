"""The FastAPI application of a service: lifespan, problems, health, metrics, tracing."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, Histogram, generate_latest
from starlette.types import ASGIApp

from baotro_shared.observability.tracing import instrument_app
from baotro_shared.runtime import ServiceRuntime
from baotro_shared.web.auth import TokenConfig
from baotro_shared.web.direct_routes import DirectEndpoint, DirectRoutes
from baotro_shared.web.latency import LatencyMiddleware
from baotro_shared.web.nul_guard import NulGuard
from baotro_shared.web.problems import install_problem_handlers


def health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="Database and broker reachable")
    async def readyz(request: Request) -> JSONResponse:
        runtime: ServiceRuntime[Any] = request.app.state.runtime
        checks = await runtime.readiness()
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not_ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        runtime: ServiceRuntime[Any] = request.app.state.runtime
        if runtime.relay is not None:
            await runtime.relay.refresh_backlog()
        return Response(generate_latest(runtime.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return router


def create_service_app(
    runtime: ServiceRuntime[Any],
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    on_startup: Callable[[], Awaitable[None]] | None = None,
    untraced_paths: Sequence[str] = (),
    direct_routes: Mapping[str, DirectEndpoint] | None = None,
    raw_body_paths: Sequence[str] = (),
) -> FastAPI:
    """Build the app; the runtime starts with the app's lifespan and stops with it.

    Requests to `untraced_paths` (exact paths, e.g. public pages when no span is exported)
    get no server span: the tracing middleware lets them through after one pattern match.
    GET requests to a path of `direct_routes` are answered by its endpoint ahead of the
    middlewares and the routing (`DirectRoutes`: busy public pages; they get no server span,
    so give only paths of `untraced_paths`).

    Text with a NUL character is refused at the door (`NulGuard`), but in the bodies of
    requests to paths starting with one of `raw_body_paths`: their endpoints read the raw
    bytes and keep what they refuse (webhooks).
    """

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        if on_startup is not None:
            await on_startup()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title=title, description=description, version="0.1.0", lifespan=lifespan)
    s = runtime.settings
    app.state.runtime = runtime
    app.state.settings = s
    app.state.token_config = TokenConfig(s.jwt_secret, s.jwt_issuer, s.jwt_audience)
    install_problem_handlers(app)
    app.include_router(health_router())
    for router in routers:
        app.include_router(router)

    app.add_middleware(NulGuard, raw_body_paths=tuple(raw_body_paths))
    app.add_middleware(LatencyMiddleware, histogram=runtime.metrics.http_latency)
    instrument_app(app, untraced_paths)
    if direct_routes:
        if not set(direct_routes) <= set(untraced_paths):
            raise ValueError("direct routes get no server span: give only untraced paths")
        _answer_directly(app, direct_routes, runtime.metrics.http_latency)
    return app


def _answer_directly(
    app: FastAPI, routes: Mapping[str, DirectEndpoint], histogram: Histogram
) -> None:
    """Wrap the app's middlewares (built at its first request) in `DirectRoutes`, the way the
    tracing instrumentation wraps them."""
    build = app.build_middleware_stack

    def build_with_direct_routes() -> ASGIApp:
        return DirectRoutes(build(), routes=routes, histogram=histogram)

    app.build_middleware_stack = build_with_direct_routes  # type: ignore[method-assign]
