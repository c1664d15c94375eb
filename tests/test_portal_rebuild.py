"""The money read models are rebuilt from the event log: reset reporting, replay donations'
outbox through the real broker, and every figure of the statement and a report comes back
identical."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from baotro_shared.testing.harness import RunningService, ServiceHarness
from baotro_shared.testing.plugin import bearer, eventually

Tokens = Callable[..., str]


async def _statement(reporting: RunningService) -> list[tuple[Any, ...]]:
    response = await reporting.client.get("/v1/public/statement", params={"size": "100"})
    assert response.status_code == 200, response.text
    return sorted(tuple(item.values()) for item in response.json()["items"])


async def _figures(reporting: RunningService, headers: dict[str, str]) -> dict[str, Any]:
    created = await reporting.client.post(
        "/v1/reports", json={"kind": "periodic", "period": "2026"}, headers=headers
    )
    assert created.status_code == 202, created.text
    report = (
        await reporting.client.get(f"/v1/reports/{created.json()['id']}", headers=headers)
    ).json()
    assert report["status"] == "done", report
    return {k: report[k] for k in ("received_total", "spent_total")}


async def test_reset_and_replay_give_back_the_same_statement_and_report(
    services: ServiceHarness, make_token: Tokens
) -> None:
    donations = await services.start("donations")
    reporting = await services.start("reporting")
    accountant = bearer(make_token, "accountant", sub="ke-toan@quy")
    admin = bearer(make_token, "fund_admin", sub="giam-doc@quy")
    ids = []
    for amount, day in [
        (2_000_000, "2026-02-01"),
        (350_000, "2026-03-08"),
        (5_000_000, "2026-06-01"),
    ]:
        given = await donations.client.post(
            "/v1/donations",
            json={"channel": "cash", "amount": amount, "received_on": day},
            headers=accountant,
        )
        assert given.status_code == 201, given.text
        ids.append(given.json()["id"])
    reversed_ = await donations.client.post(
        f"/v1/donations/{ids[1]}/reverse",
        json={"reason": "Trả lại", "on": "2026-03-09"},
        headers=accountant,
    )
    assert reversed_.status_code == 200, reversed_.text
    asked = await donations.client.post(
        "/v1/disbursements",
        json={
            "amount": 1_200_000,
            "purpose": "nutrition",
            "paid_from": "CASH",
            "planned_on": "2026-06-05",
            "groups": ["c"],
            "commune_code": "16522",
            "public_description": "Sữa cho trẻ em",
        },
        headers=accountant,
    )
    assert asked.status_code == 201, asked.text
    approved = await donations.client.post(
        f"/v1/disbursements/{asked.json()['id']}/approve",
        json={"paid_on": "2026-06-05"},
        headers=admin,
    )
    assert approved.status_code == 200, approved.text

    async def lines(expected: int) -> list[tuple[Any, ...]] | None:
        current = await _statement(reporting)
        return current if len(current) == expected else None

    original = await eventually(lambda: lines(5), message="the statement never had 5 lines")
    figures = await _figures(reporting, admin)
    assert figures == {"received_total": 7_000_000, "spent_total": 1_200_000}

    reset = await reporting.client.post("/v1/admin/read-models/reset", headers=admin)
    assert reset.status_code == 200
    assert await _statement(reporting) == []
    assert (await _figures(reporting, admin))["received_total"] == 0
    replay = await donations.client.post("/v1/admin/replay", json={}, headers=admin)
    assert replay.status_code == 200
    assert replay.json()["scheduled"] >= 5

    rebuilt = await eventually(lambda: lines(5), message="the statement was never rebuilt")
    assert rebuilt == original
    assert await _figures(reporting, admin) == figures
