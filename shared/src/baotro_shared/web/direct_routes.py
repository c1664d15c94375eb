"""A few busy GET routes answered ahead of the app's middlewares and routing (plain ASGI).

Every request to a FastAPI service passes through half a dozen middlewares (errors, traces,
FastAPI's own telemetry and body limit, latency), then FastAPI finds its route by trying
each in turn and wraps the endpoint in its request handling (dependencies, exception
wrappers, an exit stack): together about a third of the CPU of a public statement search
served from memory (profiled on the portal: 1,000,000 lines, 50 clients).

`DirectRoutes` wraps the whole app and calls the endpoint of an exact path itself, timing it
in the service's latency histogram under the route's path. A `ProblemError` the endpoint
raises (a rejected search) is answered as the app answers it (problem+json). On any other
failure the request goes on to the app, whose route runs it again and answers the
documented way, with its error logs and metrics (the endpoint runs twice, on failures only).
The route stays declared as usual, for OpenAPI and for those requests. Services turn it on
only for pages that get no server span (`create_service_app`).

An endpoint given here takes the `Request` alone and reads what it needs from it (no
dependencies are solved).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping

from prometheus_client import Histogram
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from baotro_shared.web.problems import ProblemError, problem_error_response

DirectEndpoint = Callable[[Request], Awaitable[Response]]


class DirectRoutes:
    def __init__(
        self, app: ASGIApp, routes: Mapping[str, DirectEndpoint], histogram: Histogram
    ) -> None:
        self.app = app
        """`app`, as every middleware names it: FastAPI looks down the chain for the tracing
        middleware (when it finds none, it traces every request itself)."""
        self._routes = dict(routes)
        self._histogram = histogram

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = None
        if scope["type"] == "http" and scope["method"] == "GET":
            endpoint = self._routes.get(scope["path"])
        if endpoint is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request = Request(scope, receive)
        try:
            response: Response = await endpoint(request)
        except ProblemError as exc:
            response = problem_error_response(request, exc)
        except Exception:  # the route answers it, as documented (and logs a failure)
            await self.app(scope, receive, send)
            return
        await response(scope, receive, send)
        self._histogram.labels("GET", scope["path"], str(response.status_code)).observe(
            time.perf_counter() - started
        )
