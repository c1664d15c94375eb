"""A few busy GET routes answered before FastAPI's routing, as plain ASGI middleware.

FastAPI finds a route by trying each in turn, then wraps the endpoint in its request handling
(dependencies, exception wrappers, an exit stack): about a fifth of the CPU of a public
statement search served from memory (profiled on the portal: 1,000,000 lines, 50 clients).
`DirectRoutes` sits inside the service's middlewares (latency by route, error pages, traces
still see every request) and calls the endpoint of an exact path itself. The route stays
declared as usual: it documents the endpoint in OpenAPI, and it answers whatever the lane
passes on — another method, and a request the endpoint rejects with a `ProblemError` (its
problem+json comes from the app's handlers, as for any route).

An endpoint given here takes the `Request` alone and reads what it needs from it (no
dependencies are solved).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from baotro_shared.web.problems import ProblemError

DirectEndpoint = Callable[[Request], Awaitable[Response]]


class DirectRoutes:
    def __init__(self, app: ASGIApp, routes: Mapping[str, DirectEndpoint]) -> None:
        self._app = app
        self._routes = dict(routes)
        self._declared: dict[str, BaseRoute | None] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = None
        if scope["type"] == "http" and scope["method"] == "GET":
            endpoint = self._routes.get(scope["path"])
        if endpoint is None:
            await self._app(scope, receive, send)
            return
        try:
            response = await endpoint(Request(scope, receive))
        except ProblemError:
            await self._app(scope, receive, send)  # the route answers it, as documented
            return
        scope["route"] = self._route(scope)
        await response(scope, receive, send)

    def _route(self, scope: Scope) -> BaseRoute | None:
        """The declared route of the path (what latency metrics label a request with)."""
        path: str = scope["path"]
        if path not in self._declared:
            routes: list[BaseRoute] = scope["app"].routes if "app" in scope else []
            self._declared[path] = next(
                (r for r in routes if getattr(r, "path", None) == path), None
            )
        return self._declared[path]
