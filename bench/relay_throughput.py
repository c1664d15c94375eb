"""Figure 1: outbox relay throughput beside a raw aiokafka producer, on the same broker.

The relay is the real `OutboxRelay` on the registry's real schema (its Alembic migrations),
with the services' batch size; its producer comes from `build_producer`, as in the services.
The clock starts when every row is committed and pending, and stops when `publish_pending()`
returns: every row sent, every ack received (`acks=all`), every row marked published.

The raw producer (same `build_producer` settings) sends the same keys, values and headers
with no database: once with every send in flight before awaiting the acks (the ceiling),
and once awaiting the acks every `batch_size` messages (the relay's batch shape).

Runs are interleaved (raw, raw batched, relay on each database; again) and the median run
is reported, with the spread, since a small shared machine is noisy.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from baotro_shared.db import create_engine, is_sqlite, session_factory
from baotro_shared.messaging.broker import build_producer, ensure_topics
from baotro_shared.messaging.outbox import OutboxSignal
from baotro_shared.messaging.relay import OutboxRelay
from baotro_shared.messaging.tables import MessagingTables, messaging_tables
from baotro_shared.migrations import upgrade_to_head
from baotro_shared.observability.metrics import build_metrics
from baotro_shared.services import SERVICES
from baotro_shared.settings import ServiceSettings
from baotro_shared.testing.postgres import PostgresDatabases
from bench.environment import cpu_seconds
from bench.events import TOPIC, OutboxMessage

BATCH_SIZE: int = ServiceSettings.model_fields["outbox_batch_size"].default
POLL_INTERVAL_S: float = ServiceSettings.model_fields["outbox_poll_interval_s"].default
PARTITIONS: int = ServiceSettings.model_fields["topic_partitions"].default
INSERT_CHUNK = 2_000


@dataclass
class Rates:
    """Events per second, and this process's CPU per event, of the runs of one contender."""

    label: str
    runs: list[float] = field(default_factory=list)
    cpu_us_per_event: list[float] = field(default_factory=list)

    def add(self, events: int, seconds: float, cpu: float = 0.0) -> None:
        self.runs.append(events / seconds)
        self.cpu_us_per_event.append(cpu / events * 1e6)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def median_cpu_us(self) -> float:
        """Median CPU µs per event spent in this process (the broker's CPU is not counted)."""
        return statistics.median(self.cpu_us_per_event)

    def spread(self) -> str:
        """`min–max` of the runs, for the notes column."""
        return f"{min(self.runs):,.0f}–{max(self.runs):,.0f}/s over {len(self.runs)} runs"


@dataclass(frozen=True)
class ThroughputResult:
    events: int
    payload_bytes: float
    raw_pipelined: Rates
    raw_batched: Rates
    relays: list[Rates]
    fills: list[Rates]
    """How fast each database took the pending rows in bulk (set-up, not a figure)."""
    read_back: int
    """Records of the topic read back from the broker after every run (all runs summed)."""
    expected: int


async def _started_producer(bootstrap: str, client_id: str) -> AIOKafkaProducer:
    producer = build_producer(bootstrap, client_id=client_id)
    await producer.start()
    # fetch the topic's metadata now, so that no run pays for it inside the clock
    await producer.partitions_for(TOPIC)
    return producer


async def raw_producer_seconds(
    producer: AIOKafkaProducer, messages: Sequence[OutboxMessage], *, ack_every: int | None
) -> float:
    """Send `messages` with a bare producer; `ack_every=None` keeps all of them in flight."""
    step = ack_every or len(messages)
    started = time.perf_counter()
    for first in range(0, len(messages), step):
        futures = [
            await producer.send(TOPIC, value=m.value, key=m.key, headers=m.headers)
            for m in messages[first : first + step]
        ]
        await asyncio.gather(*futures)
    return time.perf_counter() - started


class RelayTarget:
    """One migrated database whose outbox is refilled before each timed relay run."""

    def __init__(
        self, label: str, engine: AsyncEngine, producer: AIOKafkaProducer, tables: MessagingTables
    ) -> None:
        self.label = label
        self._tables = tables
        self._engine = engine
        self._sessions = session_factory(engine)
        self._producer = producer
        self._sqlite = is_sqlite(str(engine.url))

    async def fill(self, messages: Sequence[OutboxMessage]) -> float:
        """Empty the outbox, then commit every message as a pending row; returns seconds."""
        async with self._engine.begin() as conn:
            statement = "DELETE FROM outbox" if self._sqlite else "TRUNCATE outbox"
            await conn.execute(text(statement))
        started = time.perf_counter()
        for first in range(0, len(messages), INSERT_CHUNK):
            chunk = [m.row for m in messages[first : first + INSERT_CHUNK]]
            async with self._sessions() as session, session.begin():
                await session.execute(self._tables.outbox.insert(), chunk)
        elapsed = time.perf_counter() - started
        if not self._sqlite:
            # what autovacuum would have done by now on a table that filled up gradually
            async with self._engine.begin() as conn:
                await conn.execute(text("ANALYZE outbox"))
        return elapsed

    async def relay_seconds(self, expected: int) -> float:
        """Time one `publish_pending()` of a full outbox by a new `OutboxRelay`."""
        relay = OutboxRelay(
            sessions=self._sessions,
            tables=self._tables,
            producer=self._producer,
            signal=OutboxSignal(),
            metrics=build_metrics(),
            batch_size=BATCH_SIZE,
            poll_interval_s=POLL_INTERVAL_S,
        )
        started = time.perf_counter()
        sent = await relay.publish_pending()
        elapsed = time.perf_counter() - started
        backlog = await relay.refresh_backlog()
        if sent != expected or backlog != 0:
            raise RuntimeError(
                f"relay on {self.label}: sent {sent}, backlog {backlog}, expected {expected}"
            )
        return elapsed


@contextlib.asynccontextmanager
async def relay_target(label: str, database_url: str, bootstrap: str) -> AsyncIterator[RelayTarget]:
    # the registry's own schema (its migrations), so the relay reads the table it reads in service
    registry = SERVICES["registry"].definition()
    engine = create_engine(database_url)
    producer: AIOKafkaProducer | None = None
    try:
        await upgrade_to_head(engine, registry.migrations)
        producer = await _started_producer(bootstrap, f"bench-relay-{label.lower()}")
        yield RelayTarget(label, engine, producer, messaging_tables(registry.metadata))
    finally:
        if producer is not None:
            await producer.stop()
        await engine.dispose()


async def count_records(bootstrap: str, topic: str, expected: int, timeout: float = 60) -> int:
    """Read `topic` from the start and count its records (stops at `expected` or when idle).

    Counted by reading, not from end offsets: Tansu answers ListOffsets(latest) with the base
    offset of the last batch + 1, which under-counts batched writes.
    """
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest"
    )
    await consumer.start()
    count = 0
    deadline = time.monotonic() + timeout
    try:
        while count < expected and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=2000, max_records=5000)
            if not batches:
                break
            count += sum(len(records) for records in batches.values())
    finally:
        await consumer.stop()
    return count


async def measure_throughput(
    *,
    bootstrap: str,
    postgres: PostgresDatabases,
    messages: Sequence[OutboxMessage],
    repeats: int,
    with_sqlite: bool,
) -> ThroughputResult:
    """A warm-up send, then `repeats` interleaved rounds of every contender."""
    n = len(messages)
    await ensure_topics(bootstrap, [TOPIC], partitions=PARTITIONS, replication_factor=1)
    raw_pipelined, raw_batched = Rates("raw, all in flight"), Rates(f"raw, acks per {BATCH_SIZE}")
    relays = [Rates("PostgreSQL")] + ([Rates("SQLite")] if with_sqlite else [])
    fills = [Rates(r.label) for r in relays]
    name = f"baotro_bench_{uuid.uuid4().hex[:8]}_relay"
    pg_url = await postgres.create(name)
    with tempfile.TemporaryDirectory(prefix="baotro-bench-") as tmp:
        sqlite_url = f"sqlite+aiosqlite:///{Path(tmp) / 'relay.db'}"
        raw = await _started_producer(bootstrap, "bench-raw")
        try:
            async with contextlib.AsyncExitStack() as stack:
                targets = [
                    await stack.enter_async_context(relay_target(label, url, bootstrap))
                    for label, url in (("PostgreSQL", pg_url), ("SQLite", sqlite_url))
                    if label in {r.label for r in relays}
                ]
                sent = n  # the warm-up: the broker's first writes are slower
                await raw_producer_seconds(raw, messages, ack_every=None)
                for _ in range(repeats):
                    for rates, ack_every in ((raw_pipelined, None), (raw_batched, BATCH_SIZE)):
                        cpu = cpu_seconds()
                        wall = await raw_producer_seconds(raw, messages, ack_every=ack_every)
                        rates.add(n, wall, cpu_seconds() - cpu)
                        sent += n
                    for target, rates, fill in zip(targets, relays, fills, strict=True):
                        fill.add(n, await target.fill(messages))
                        cpu = cpu_seconds()
                        wall = await target.relay_seconds(n)
                        rates.add(n, wall, cpu_seconds() - cpu)
                        sent += n
        finally:
            await raw.stop()
            await postgres.drop(name)
    # every run above was acknowledged; reading the topic back proves the broker holds it all
    held = await count_records(bootstrap, TOPIC, sent)
    payload_bytes = sum(len(m.value) for m in messages) / n
    return ThroughputResult(n, payload_bytes, raw_pipelined, raw_batched, relays, fills, held, sent)
