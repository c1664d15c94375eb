"""The outbox relay on PostgreSQL with the real broker: order, concurrency, retention."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiokafka import AIOKafkaConsumer
from sqlalchemy import MetaData, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from baotro_shared.broker_process import BrokerProcess
from baotro_shared.db import create_engine, session_factory
from baotro_shared.events.base import EventData
from baotro_shared.events.catalogue import EventCatalogue
from baotro_shared.events.envelope import Envelope
from baotro_shared.messaging.broker import build_producer, ensure_topics
from baotro_shared.messaging.outbox import OutboxSignal, OutboxWriter
from baotro_shared.messaging.relay import OutboxRelay
from baotro_shared.messaging.tables import MessagingTables, messaging_tables
from baotro_shared.observability.metrics import build_metrics
from baotro_shared.testing.postgres import PostgresDatabases

CATALOGUE = EventCatalogue()


@CATALOGUE.register
class ThingCounted(EventData):
    event_type = "thing.counted"
    version = 1
    producer = "tests"
    key_field = "thing_id"

    thing_id: str
    n: int


@pytest.fixture
async def outbox_db(
    postgres: PostgresDatabases,
) -> AsyncIterator[tuple[async_sessionmaker[AsyncSession], MessagingTables]]:
    name = f"baotro_t_relay_{uuid.uuid4().hex[:8]}"
    engine = create_engine(await postgres.create(name))
    metadata = MetaData()
    tables = messaging_tables(metadata)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield session_factory(engine), tables
    await engine.dispose()
    await postgres.drop(name)


async def _write(
    sessions: async_sessionmaker[AsyncSession], tables: MessagingTables, count: int, keys: int
) -> None:
    writer = OutboxWriter(tables, CATALOGUE, "/tests")
    async with sessions() as session, session.begin():
        for n in range(count):
            await writer.add(session, ThingCounted(thing_id=f"thing-{n % keys}", n=n))


async def _drain(bootstrap: str, topic: str, expected: int) -> list[tuple[str, int]]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    seen: list[tuple[str, int]] = []
    try:
        async with asyncio.timeout(60):
            while len(seen) < expected:
                batch = await consumer.getmany(timeout_ms=500)
                for messages in batch.values():
                    for m in messages:
                        envelope = Envelope.from_json_bytes(m.value or b"")
                        seen.append((envelope.subject, int(envelope.data["n"])))
        extra = await consumer.getmany(timeout_ms=500)
        seen += [("extra", -1) for ms in extra.values() for _ in ms]
    finally:
        await consumer.stop()
    return seen


async def test_two_relays_on_one_database_send_each_row_once_in_key_order(
    outbox_db: tuple[async_sessionmaker[AsyncSession], MessagingTables], broker: BrokerProcess
) -> None:
    sessions, tables = outbox_db
    await ensure_topics(
        broker.bootstrap_servers, ["thing.counted"], partitions=3, replication_factor=1
    )
    await _write(sessions, tables, 2000, keys=7)
    producers = [build_producer(broker.bootstrap_servers, client_id=f"r{i}") for i in range(2)]
    for p in producers:
        await p.start()
    relays = [
        OutboxRelay(
            sessions=sessions,
            tables=tables,
            producer=p,
            signal=OutboxSignal(),
            metrics=build_metrics(),
            batch_size=100,
        )
        for p in producers
    ]
    sent = await asyncio.gather(*(r.publish_pending() for r in relays))
    while sum(sent) < 2000:  # a relay that found the lock taken sends nothing this round
        sent.append(await relays[0].publish_pending())
    for p in producers:
        await p.stop()

    seen = await _drain(broker.bootstrap_servers, "thing.counted", 2000)
    assert len(seen) == 2000
    assert sorted(n for _, n in seen) == list(range(2000))
    by_key: dict[str, list[int]] = {}
    for key, n in seen:
        by_key.setdefault(key, []).append(n)
    for numbers in by_key.values():
        assert numbers == sorted(numbers), "events of one aggregate overtook each other"
    assert sum(sent) == 2000
    async with sessions() as session:
        pending = (
            await session.execute(
                select(func.count())
                .select_from(tables.outbox)
                .where(tables.outbox.c.published_at.is_(None))
            )
        ).scalar_one()
    assert pending == 0


async def test_prune_deletes_only_published_rows_older_than_the_retention(
    outbox_db: tuple[async_sessionmaker[AsyncSession], MessagingTables], broker: BrokerProcess
) -> None:
    sessions, tables = outbox_db
    await _write(sessions, tables, 10, keys=2)
    old = datetime.now(UTC) - timedelta(days=400)
    async with sessions() as session, session.begin():
        await session.execute(
            update(tables.outbox)
            .where(tables.outbox.c.id <= 6)
            .values(created_at=old, published_at=old)
        )
        await session.execute(
            update(tables.outbox).where(tables.outbox.c.id == 7).values(created_at=old)
        )
    producer = build_producer(broker.bootstrap_servers, client_id="prune")
    relay = OutboxRelay(
        sessions=sessions,
        tables=tables,
        producer=producer,
        signal=OutboxSignal(),
        metrics=build_metrics(),
    )
    pruned = await relay.prune(before=datetime.now(UTC) - timedelta(days=365))
    assert pruned == 6
    async with sessions() as session:
        left = (await session.execute(select(tables.outbox.c.id))).scalars().all()
    assert sorted(left) == [7, 8, 9, 10]  # row 7 is old but was never published
