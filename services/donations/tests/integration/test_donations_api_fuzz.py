"""Every operation of the donations API, fuzzed from its own OpenAPI schema (schemathesis) by
an accountant, against the real service on PostgreSQL: no input, however malformed, gets a
server error."""

from __future__ import annotations

from collections.abc import Callable

from baotro_shared.testing.api_fuzz import server_errors
from baotro_shared.testing.harness import ServiceHarness


async def test_no_generated_request_gets_a_server_error(
    services: ServiceHarness, auth_header: Callable[..., dict[str, str]]
) -> None:
    service = await services.start(
        "donations", sepay_api_key="sepay-key", casso_checksum_key="casso-key"
    )
    accountant = auth_header("accountant", sub="ke-toan@quy")

    failures = await server_errors(service.app, service.client, headers=accountant)

    assert failures == [], "\n\n".join(failures)
