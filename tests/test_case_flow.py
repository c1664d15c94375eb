"""The proof flow: registry POST /v1/cases → outbox → case.opened → reporting's stats."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from baotro_shared.testing.harness import ServiceHarness
from baotro_shared.testing.plugin import eventually

from flow import Headers, open_case, stats, wait_for_open_total


async def test_cases_opened_in_registry_appear_in_reporting_stats(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry")
    reporting = await services.start("reporting")
    admin = auth_header("fund_admin")
    await open_case(registry, admin, "14797", ["a", "d"])
    await open_case(registry, admin, "14797", ["d"])
    await open_case(registry, admin, "16522", ["n"])

    result = await wait_for_open_total(reporting, admin, 3)
    assert result == {
        "open_total": 3,
        "by_commune": {"14797": 2, "16522": 1},
        "by_group": {"a": 1, "d": 2, "n": 1},
    }


async def test_reporting_stats_are_scoped_to_the_callers_communes(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry")
    reporting = await services.start("reporting")
    admin = auth_header("fund_admin")
    await open_case(registry, admin, "14797", ["a"])
    await open_case(registry, admin, "16522", ["b"])
    await wait_for_open_total(reporting, admin, 2)

    scoped = await stats(reporting, auth_header("case_worker", ["16522"]))
    assert scoped == {"open_total": 1, "by_commune": {"16522": 1}, "by_group": {"b": 1}}
    unauthenticated = await reporting.client.get("/v1/stats/cases")
    assert unauthenticated.status_code == 401


async def test_metrics_expose_outbox_backlog_consumer_lag_and_dead_letters(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry")
    reporting = await services.start("reporting")
    admin = auth_header("fund_admin")
    await open_case(registry, admin, "14797", ["a"])
    await wait_for_open_total(reporting, admin, 1)

    registry_metrics = (await registry.client.get("/metrics")).text
    assert "baotro_outbox_backlog 0.0" in registry_metrics
    assert 'baotro_outbox_published_total{topic="case.opened"} 1.0' in registry_metrics
    assert "baotro_http_request_duration_seconds_count" in registry_metrics
    reporting_metrics = (await reporting.client.get("/metrics")).text
    assert 'baotro_consumer_lag{partition="' in reporting_metrics
    assert "baotro_dead_letters 0.0" in reporting_metrics
    assert (
        'baotro_consumer_processed_total{outcome="handled",type="case.opened"} 1.0'
        in reporting_metrics
    )
    ready = await reporting.client.get("/readyz")
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": "ok", "broker": "ok", "consumer": "ok"},
    }


async def test_closed_and_transferred_cases_are_counted_right_in_reporting(
    services: ServiceHarness, auth_header: Headers, make_token: Callable[..., str]
) -> None:
    registry = await services.start("registry")
    reporting = await services.start("reporting")
    admin = auth_header("fund_admin")
    worker = {"Authorization": f"Bearer {make_token('case_worker', ['14797'], sub='can-bo')}"}
    supervisor = {"Authorization": f"Bearer {make_token('supervisor', None, sub='giam-sat')}"}
    closing = await open_case(registry, worker, "14797", ["a"])
    moving = await open_case(registry, worker, "14797", ["d"])
    await open_case(registry, admin, "16522", ["n"])
    await wait_for_open_total(reporting, admin, 3)

    closure = await registry.client.post(
        f"/v1/cases/{closing['id']}/closure", json={"reason_code": "goals_met"}, headers=worker
    )
    assert closure.status_code == 201, closure.text
    approved = await registry.client.post(
        f"/v1/approvals/{closure.json()['id']}/approve", headers=supervisor
    )
    assert approved.status_code == 200, approved.text
    moved = await registry.client.post(
        f"/v1/cases/{moving['id']}/transfer", json={"to_commune_code": "16522"}, headers=supervisor
    )
    assert moved.status_code == 200, moved.text

    expected = {"open_total": 2, "by_commune": {"16522": 2}, "by_group": {"d": 1, "n": 1}}

    async def probe() -> dict[str, Any] | None:
        current = await stats(reporting, admin)
        return current if current == expected else None

    await eventually(probe, timeout=30.0, message="reporting never showed the close and transfer")

    reopened = await registry.client.post(f"/v1/cases/{closing['id']}/reopen", headers=supervisor)
    assert reopened.status_code == 200, reopened.text
    result = await wait_for_open_total(reporting, admin, 3)
    assert result["by_commune"] == {"14797": 1, "16522": 2}
