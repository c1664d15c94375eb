"""The consumer's runs on PostgreSQL: one claim statement for a run, each event once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import MetaData, select

from baotro_shared.db import create_engine, session_factory
from baotro_shared.events.catalogue import load_contracts
from baotro_shared.events.contracts.registry import CaseOpened
from baotro_shared.events.envelope import Envelope
from baotro_shared.messaging.consumer import EventConsumer, RetryPolicy
from baotro_shared.messaging.outbox import OutboxWriter
from baotro_shared.messaging.tables import messaging_tables
from baotro_shared.observability.metrics import build_metrics
from baotro_shared.testing.records import consumer_record
from baotro_shared.uow import UnitOfWork

pytestmark = pytest.mark.integration
CATALOGUE = load_contracts()


def _wire() -> bytes:
    case = CaseOpened(
        case_id=uuid.uuid4(),
        commune_code="14797",
        province_code="38",
        groups=("a",),
        opened_at=datetime(2025, 7, 1, tzinfo=UTC),
        opened_by_role="case_worker",
    )
    return CATALOGUE.envelope(case, source="/baotro/registry").to_json_bytes()


async def test_a_run_is_claimed_at_once_and_each_event_applied_once(postgres_database: str) -> None:
    engine = create_engine(postgres_database)
    metadata = MetaData()
    tables = messaging_tables(metadata)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    sessions = session_factory(engine)
    outbox = OutboxWriter(tables, CATALOGUE, "/baotro/tests")
    singles: list[str] = []
    runs: list[list[str]] = []

    async def one(uow: UnitOfWork, data: Any, envelope: Envelope) -> None:
        singles.append(envelope.id)

    async def many(uow: UnitOfWork, events: list[tuple[Any, Envelope]]) -> None:
        runs.append([envelope.id for _, envelope in events])

    consumer: EventConsumer[UnitOfWork] = EventConsumer(
        name="baotro.tests",
        handlers={"case.opened": one},
        batch_handlers={"case.opened": many},
        uow_factory=lambda: UnitOfWork(sessions, outbox),
        catalogue=CATALOGUE,
        tables=tables,
        outbox=outbox,
        metrics=build_metrics(),
        retry=RetryPolicy(max_attempts=1, backoff_initial_s=0, backoff_max_s=0),
        consumer_factory=lambda topics: None,  # type: ignore[arg-type,return-value]
    )
    old, new, twice = _wire(), _wire(), _wire()
    ids = {raw: Envelope.from_json_bytes(raw).id for raw in (old, new, twice)}
    try:
        await consumer.process(consumer_record(old, offset=0))
        batch = [old, new, twice, twice, old]
        await consumer.process_batch(
            [consumer_record(raw, offset=i + 1) for i, raw in enumerate(batch)]
        )
        async with sessions() as session:
            inbox = set((await session.scalars(select(tables.inbox.c.event_id))).all())
    finally:
        await engine.dispose()

    assert singles == [ids[old]]
    assert runs == [[ids[new], ids[twice]]]
    assert inbox == set(ids.values())
