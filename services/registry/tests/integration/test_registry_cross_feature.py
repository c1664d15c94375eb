"""Features that act on each other: closing a case takes its appeal off the portal; a transfer
moves the child; a departed child leaves the registry's active children."""

from __future__ import annotations

from baotro_shared.testing.harness import ServiceHarness

from test_appeals_api import Fund, Tokens

QUANG_PHU = "16522"


async def test_closing_a_case_withdraws_its_published_appeal(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = Fund(await services.start("registry"), make_token)
    appeal_id, _child_id, _ = await fund.published()
    portal = await fund.client.get("/v1/public/appeals")
    assert [a["id"] for a in portal.json()["items"]] == [appeal_id]
    appeal = (await fund.client.get(f"/v1/appeals/{appeal_id}", headers=fund.worker)).json()

    closure = await fund.client.post(
        f"/v1/cases/{appeal['case_id']}/closure",
        json={"reason_code": "goals_met"},
        headers=fund.worker,
    )
    assert closure.status_code == 201, closure.text
    approved = await fund.client.post(
        f"/v1/approvals/{closure.json()['id']}/approve", headers=fund.supervisor
    )
    assert approved.status_code == 200, approved.text

    assert (await fund.client.get("/v1/public/appeals")).json()["items"] == []
    events = [t for t, _ in await fund.outbox()]
    assert events[-3:] == ["case.stage_changed", "case.closed", "appeal.withdrawn"]


async def test_a_transferred_case_moves_its_child_to_the_receiving_commune(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = Fund(await services.start("registry"), make_token)
    child_id, case_id, _ = await fund.ready_case()
    moved = await fund.client.post(
        f"/v1/cases/{case_id}/transfer",
        json={"to_commune_code": QUANG_PHU},
        headers=fund.supervisor,
    )
    assert moved.status_code == 200, moved.text
    child = (await fund.client.get(f"/v1/children/{child_id}", headers=fund.supervisor)).json()
    assert child["commune_code"] == QUANG_PHU
    gone = await fund.client.get(f"/v1/children/{child_id}", headers=fund.worker)
    assert gone.status_code == 404  # out of the Hạc Thành worker's area now
