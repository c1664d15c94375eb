"""Outbox, inbox and dead letters under failure, with PostgreSQL and the real broker."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer

from baotro_reporting.adapters.repository import CaseViewRepository
from baotro_shared.broker_process import BrokerProcess
from baotro_shared.events.contracts.registry import CaseOpened
from baotro_shared.messaging.consumer import EventConsumer
from baotro_shared.messaging.relay import OutboxRelay
from baotro_shared.testing.harness import ServiceHarness
from baotro_shared.testing.plugin import eventually

from flow import Headers, counter_value, open_case, stats, wait_for_open_total


async def test_relay_killed_after_publishing_before_marking_still_applies_once(
    services: ServiceHarness, auth_header: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = await services.start("registry")
    reporting = await services.start("reporting")
    admin = auth_header("fund_admin")

    original = OutboxRelay._mark_published
    kills = 0

    async def killed_once(self: OutboxRelay, session: Any, ids: list[int]) -> None:
        nonlocal kills
        if kills == 0:
            kills += 1
            raise RuntimeError("relay killed after the broker acknowledged")
        await original(self, session, ids)

    monkeypatch.setattr(OutboxRelay, "_mark_published", killed_once)
    await open_case(registry, admin, "14797", ["a"])

    async def published() -> bool:
        outbox = registry.runtime.tables.outbox
        async with registry.runtime.sessions() as session:
            rows = (await session.execute(outbox.select())).mappings().all()
        return bool(rows) and all(r["published_at"] is not None for r in rows)

    await eventually(published, message="the relay never marked the row published")
    assert kills == 1
    await wait_for_open_total(reporting, admin, 1)

    async def duplicate_seen() -> bool:
        return (
            counter_value(
                reporting,
                "baotro_consumer_processed_total",
                type="case.opened",
                outcome="duplicate",
            )
            >= 1
        )

    await eventually(duplicate_seen, message="the re-sent copy never reached the consumer")
    assert (await stats(reporting, admin))["open_total"] == 1
    inbox = reporting.runtime.tables.inbox
    async with reporting.runtime.sessions() as session:
        assert len((await session.execute(inbox.select())).all()) == 1


async def test_consumer_killed_after_commit_before_offset_commit_applies_once(
    services: ServiceHarness, auth_header: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = await services.start("registry")
    reporting = await services.start("reporting")
    admin = auth_header("fund_admin")

    original = EventConsumer._commit_offset
    kills = 0

    async def killed_once(self: EventConsumer[Any], consumer: Any, tp: Any, offset: int) -> None:
        nonlocal kills
        if kills == 0:
            kills += 1
            raise RuntimeError("consumer killed after its database commit")
        await original(self, consumer, tp, offset)

    monkeypatch.setattr(EventConsumer, "_commit_offset", killed_once)
    await open_case(registry, admin, "14797", ["a"])

    async def duplicate_seen() -> bool:
        return (
            counter_value(
                reporting,
                "baotro_consumer_processed_total",
                type="case.opened",
                outcome="duplicate",
            )
            >= 1
        )

    # the consumer task dies, is restarted by its supervisor, and the event is redelivered
    await eventually(duplicate_seen, timeout=60, message="the event was never redelivered")
    assert kills == 1
    assert (await stats(reporting, admin))["open_total"] == 1
    await open_case(registry, admin, "16522", ["b"])
    await wait_for_open_total(reporting, admin, 2)


async def test_poison_event_goes_to_the_dlq_partition_flows_and_redrive_applies_it(
    services: ServiceHarness,
    auth_header: Headers,
    monkeypatch: pytest.MonkeyPatch,
    broker: BrokerProcess,
) -> None:
    registry = await services.start("registry")
    reporting = await services.start("reporting", topic_partitions=1)
    admin = auth_header("fund_admin")
    original = CaseViewRepository.apply_opened
    bug_active = True
    attempts = 0

    async def buggy(self: CaseViewRepository, event: CaseOpened) -> None:
        nonlocal attempts
        if bug_active and event.commune_code == "16522":
            attempts += 1
            raise ValueError("projection bug for this commune")
        await original(self, event)

    monkeypatch.setattr(CaseViewRepository, "apply_opened", buggy)
    poison = await open_case(registry, admin, "16522", ["b"])
    await open_case(registry, admin, "14797", ["a"])
    await open_case(registry, admin, "14797", ["c"])

    # the two healthy events behind the poison one are applied
    await wait_for_open_total(reporting, admin, 2)
    # consumer_max_attempts (3) in the test settings, plus the try of the batch it came in
    # when the consumer fetched it together with the healthy events (then split one by one)
    assert attempts in (3, 4)

    dead = await reporting.client.get("/v1/admin/dead-letters", headers=admin)
    assert dead.status_code == 200
    [letter] = dead.json()
    assert letter["topic"] == "case.opened"
    assert "projection bug" in letter["error"]
    assert letter["attempts"] == 3
    assert counter_value(reporting, "baotro_dead_letters") == 1

    dlq_message = await _first_message(broker.bootstrap_servers, "case.opened.dlq")
    headers = dict(dlq_message.headers)
    assert b"projection bug" in headers["baotro-error"]
    assert json.loads(dlq_message.value)["subject"] == poison["id"]

    bug_active = False  # the fix is deployed
    redrive = await reporting.client.post("/v1/admin/dead-letters/redrive", json={}, headers=admin)
    assert redrive.json() == {"redriven": 1, "still_failing": 0}
    assert (await stats(reporting, admin))["by_commune"] == {"14797": 2, "16522": 1}
    assert (await reporting.client.get("/v1/admin/dead-letters", headers=admin)).json() == []


async def _first_message(bootstrap: str, topic: str) -> Any:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    try:
        return await asyncio.wait_for(consumer.getone(), 30)
    finally:
        await consumer.stop()
