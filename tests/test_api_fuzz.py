"""Every operation of every service's API, fuzzed from the service's own OpenAPI schema
(schemathesis), as the staff role most of it needs, against the real service on PostgreSQL
and the broker: no generated request, however malformed, gets a server error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from baotro_shared.testing.api_fuzz import server_errors
from baotro_shared.testing.harness import ServiceHarness

SERVICES: list[tuple[str, str, dict[str, Any]]] = [
    ("registry", "supervisor", {}),
    # With the webhooks' secrets set, so that their endpoints read what they are sent.
    ("donations", "accountant", {"sepay_api_key": "sepay-key", "casso_checksum_key": "casso"}),
    ("notifications", "fund_admin", {}),
    ("reporting", "fund_admin", {}),
]


@pytest.mark.parametrize(("name", "role", "settings"), SERVICES, ids=[s[0] for s in SERVICES])
async def test_no_generated_request_gets_a_server_error(
    services: ServiceHarness,
    auth_header: Callable[..., dict[str, str]],
    name: str,
    role: str,
    settings: dict[str, Any],
) -> None:
    service = await services.start(name, **settings)
    staff = auth_header(role, sub="fuzz@quy")

    failures = await server_errors(service.app, service.client, headers=staff)

    assert failures == [], "\n\n".join(failures)
