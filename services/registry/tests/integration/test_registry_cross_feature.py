"""Features that act on each other: closing a case takes its appeal off the portal; a transfer
moves the child; a departed child leaves the registry's active children."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from aiokafka import AIOKafkaProducer

from baotro_shared.broker_process import BrokerProcess
from baotro_shared.events.catalogue import CATALOGUE
from baotro_shared.events.contracts.donations import DonationReceived, DonationReversed
from baotro_shared.events.envelope import Envelope
from baotro_shared.testing.harness import ServiceHarness
from baotro_shared.testing.plugin import eventually

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


async def test_money_raised_per_appeal_follows_donations_exactly_once(
    services: ServiceHarness, make_token: Tokens, broker: BrokerProcess
) -> None:
    fund = Fund(await services.start("registry"), make_token)
    appeal_id, _, _ = await fund.published()
    gift = DonationReceived(
        donation_id=uuid.uuid4(),
        fund_code="TH",
        amount=1_250_000,
        received_on=date(2026, 11, 26),
        recorded_at=datetime.now(UTC),
        channel="bank",
        target_kind="appeal",
        target_id=appeal_id,
        restricted=True,
    )
    envelope = CATALOGUE.envelope(gift, source="/baotro/donations")
    await _send(broker, envelope, times=2)  # the broker may deliver twice

    async def raised() -> int | None:
        items = (await fund.client.get("/v1/public/appeals")).json()["items"]
        value = int(items[0]["amount_raised"])
        return value if value else None

    assert await eventually(raised) == 1_250_000
    refund = DonationReversed(
        donation_id=gift.donation_id,
        reversal_id=uuid.uuid4(),
        amount=250_000,
        target_kind="appeal",
        target_id=appeal_id,
        reason="refund",
        reversed_at=datetime.now(UTC),
    )
    await _send(broker, CATALOGUE.envelope(refund, source="/baotro/donations"), times=1)

    async def after_refund() -> bool:
        items = (await fund.client.get("/v1/public/appeals")).json()["items"]
        return int(items[0]["amount_raised"]) == 1_000_000

    await eventually(after_refund)
    processed = fund.registry.runtime.metrics.registry.get_sample_value(
        "baotro_consumer_processed_total", {"type": "donation.received", "outcome": "duplicate"}
    )
    assert processed == 1


async def _send(broker: BrokerProcess, envelope: Envelope, *, times: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap_servers, acks="all")
    await producer.start()
    try:
        for _ in range(times):
            await producer.send_and_wait(
                envelope.type, envelope.to_json_bytes(), key=envelope.subject.encode()
            )
    finally:
        await producer.stop()
