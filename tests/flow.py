"""Helpers of the cross-service tests: open cases in registry, read reporting's stats."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from baotro_shared.testing.harness import RunningService
from baotro_shared.testing.plugin import eventually


async def open_case(
    registry: RunningService, headers: dict[str, str], commune: str, groups: list[str]
) -> dict[str, Any]:
    response = await registry.client.post(
        "/v1/cases", json={"commune_code": commune, "groups": groups}, headers=headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def stats(reporting: RunningService, headers: dict[str, str]) -> dict[str, Any]:
    response = await reporting.client.get("/v1/stats/cases", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def wait_for_open_total(
    reporting: RunningService, headers: dict[str, str], expected: int, timeout: float = 30.0
) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        current = await stats(reporting, headers)
        return current if current["open_total"] == expected else None

    result: dict[str, Any] = await eventually(
        probe, timeout=timeout, message=f"reporting never showed {expected} open cases"
    )
    return result


def counter_value(service: RunningService, name: str, **labels: str) -> float:
    value = service.runtime.metrics.registry.get_sample_value(name, labels)
    return float(value or 0.0)


Headers = Callable[..., dict[str, str]]
