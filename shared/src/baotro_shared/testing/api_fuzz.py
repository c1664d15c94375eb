"""Fuzzing a service's HTTP API from its own OpenAPI schema (schemathesis): every operation
gets generated requests — valid ones, and ones that break the schema in every way it allows —
and none may answer with a server error.

The service runs on the test's event loop (the harness's in-process app); the generated
cases are drawn by Hypothesis in a worker thread and each request is sent on that loop.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable, Mapping
from typing import Any

import httpx
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.generation.case import Case

EXAMPLES = 30
"""Cases per operation: enough to reach every parameter's edges, a few seconds a service."""
_SENT = ("headers", "params", "json", "content", "data", "files")


async def server_errors(
    app: FastAPI,
    client: httpx.AsyncClient,
    *,
    headers: Mapping[str, str],
    skip: Iterable[str] = (),
    examples: int = EXAMPLES,
) -> list[str]:
    """The operations of `app` (but `skip`, as "METHOD /path") that answered a generated
    request with a server error, each with schemathesis's account of it (how to reproduce)."""
    loop = asyncio.get_running_loop()
    left_out = set(skip)
    return await asyncio.to_thread(_fuzz, app, client, dict(headers), left_out, examples, loop)


def _fuzz(
    app: FastAPI,
    client: httpx.AsyncClient,
    headers: dict[str, str],
    skip: set[str],
    examples: int,
    loop: asyncio.AbstractEventLoop,
) -> list[str]:
    schema = schemathesis.openapi.from_dict(app.openapi())
    failures: list[str] = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            failures.append(f"unreadable operation in the schema: {result.err()}")
            continue
        operation = result.ok()
        if operation.label in skip:
            continue

        # No shrinking: a failure is reported as found (schemathesis shows how to reproduce
        # it), and a slow endpoint cannot make the run take minutes.
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
            # The same cases every run (CI finds what a developer finds); BAOTRO_FUZZ_RANDOM=1
            # draws new ones, to look further.
            derandomize=not os.environ.get("BAOTRO_FUZZ_RANDOM"),
        )
        @given(case=operation.as_strategy())
        def sent(case: Case[Any]) -> None:
            kwargs = case.as_transport_kwargs(base_url=str(client.base_url))
            kwargs["headers"] = {**kwargs.get("headers", {}), **headers}
            answer = asyncio.run_coroutine_threadsafe(_send(client, kwargs), loop)
            case.validate_response(answer.result(timeout=60), checks=[not_a_server_error])

        try:
            sent()
        except (Exception, BaseExceptionGroup) as error:  # every operation's failure is reported
            failures.append(f"{operation.label}: {error}"[:3000])
    return failures


async def _send(client: httpx.AsyncClient, kwargs: dict[str, Any]) -> httpx.Response:
    sent = {k: kwargs[k] for k in _SENT if k in kwargs}
    if sent.get("files"):
        # A generated form field may be a number: a browser sends its text.
        sent["files"] = [
            (name, (filename, value if isinstance(value, str | bytes) else str(value)))
            for name, (filename, value, *_) in sent["files"]
        ]
    request = client.build_request(kwargs["method"], kwargs["url"], **sent)
    await request.aread()  # a multipart body is a stream: read it, for the checks to see it
    return await client.send(request)
