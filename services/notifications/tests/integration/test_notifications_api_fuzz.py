"""Every operation of the notifications API, fuzzed from its own OpenAPI schema (schemathesis) by a
fund admin (what most of it needs), against the real service on PostgreSQL: no input,
however malformed, gets a server error."""

from __future__ import annotations

from collections.abc import Callable

from baotro_shared.testing.api_fuzz import server_errors
from baotro_shared.testing.harness import ServiceHarness


async def test_no_generated_request_gets_a_server_error(
    services: ServiceHarness, auth_header: Callable[..., dict[str, str]]
) -> None:
    service = await services.start("notifications")
    staff = auth_header("fund_admin", sub="fuzz@quy")

    failures = await server_errors(service.app, service.client, headers=staff)

    assert failures == [], "\n\n".join(failures)
