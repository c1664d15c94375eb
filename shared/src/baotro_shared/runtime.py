"""What a running service is: engine, outbox relay, consumer, metrics, all from its settings."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Generic, TypeVar

import structlog
from aiokafka import AIOKafkaProducer
from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from baotro_shared.db import create_engine, session_factory
from baotro_shared.events.catalogue import EventCatalogue, dead_letter_topic, load_contracts
from baotro_shared.messaging.broker import (
    build_consumer,
    build_producer,
    ensure_topics,
    total_messages,
)
from baotro_shared.messaging.consumer import (
    BatchHandler,
    EventConsumer,
    Handler,
    RedriveResult,
    RetryPolicy,
)
from baotro_shared.messaging.outbox import OutboxSignal, OutboxWriter
from baotro_shared.messaging.relay import OutboxRelay
from baotro_shared.messaging.replay import published_count, schedule_replay
from baotro_shared.messaging.tables import MessagingTables, messaging_tables
from baotro_shared.migrations import upgrade_to_head
from baotro_shared.observability.metrics import ServiceMetrics, build_metrics
from baotro_shared.settings import ServiceSettings
from baotro_shared.uow import UnitOfWork

log = structlog.get_logger(__name__)
U = TypeVar("U", bound=UnitOfWork)


@dataclass(frozen=True)
class ServiceDefinition(Generic[U]):
    """What makes one service itself: its tables, migrations, unit of work and handlers."""

    name: str
    metadata: MetaData
    migrations: Path
    uow_class: Callable[..., U]
    handlers: Mapping[str, Handler[U]] = field(default_factory=dict)
    batch_handlers: Mapping[str, BatchHandler[U]] = field(default_factory=dict)
    """For some of `handlers`' types: several events at once (`EventConsumer`)."""
    on_start: Callable[[Callable[[], U]], Awaitable[object]] | None = None
    """Run once when the service starts, after the migrations, with the unit-of-work
    factory (e.g. tidying work a previous process left half done)."""


class ServiceRuntime(Generic[U]):
    """Owns the engine, the producer, the relay and the consumer of one service."""

    def __init__(
        self,
        settings: ServiceSettings,
        definition: ServiceDefinition[U],
        *,
        catalogue: EventCatalogue | None = None,
        migrate_on_start: bool = True,
    ) -> None:
        self.settings = settings
        self.definition = definition
        self.catalogue = catalogue or load_contracts()
        self.migrate_on_start = migrate_on_start
        self.metrics: ServiceMetrics = build_metrics()
        self.tables: MessagingTables = messaging_tables(definition.metadata)
        self.signal = OutboxSignal()
        self.outbox = OutboxWriter(self.tables, self.catalogue, settings.source)
        self.engine: AsyncEngine = create_engine(settings.database_url)
        self.sessions: async_sessionmaker[AsyncSession] = session_factory(self.engine)
        self.producer: AIOKafkaProducer | None = None
        self.relay: OutboxRelay | None = None
        self.consumer: EventConsumer[U] | None = self._build_consumer()
        self._tasks: list[asyncio.Task[None]] = []
        self._broker_ready = asyncio.Event()

    def uow(self) -> U:
        """A new unit of work (one transaction)."""
        return self.definition.uow_class(self.sessions, self.outbox, self.signal)

    def _build_consumer(self) -> EventConsumer[U] | None:
        if not self.definition.handlers:
            return None
        s = self.settings
        return EventConsumer(
            name=s.consumer_group,
            handlers=self.definition.handlers,
            uow_factory=self.uow,
            catalogue=self.catalogue,
            tables=self.tables,
            outbox=self.outbox,
            metrics=self.metrics,
            retry=RetryPolicy(
                s.consumer_max_attempts, s.consumer_backoff_initial_s, s.consumer_backoff_max_s
            ),
            consumer_factory=lambda topics: build_consumer(
                s.kafka_bootstrap_servers,
                group_id=s.consumer_group,
                topics=topics,
                client_id=f"baotro-{s.service_name}",
                session_timeout_ms=s.consumer_session_timeout_ms,
                fetch_max_wait_ms=s.consumer_fetch_max_wait_ms,
            ),
            poll_timeout_ms=s.consumer_poll_timeout_ms,
            batch_size=s.consumer_batch_size,
            batch_handlers=self.definition.batch_handlers,
        )

    @property
    def produced_topics(self) -> list[str]:
        return [spec.topic for spec in self.catalogue.produced_by(self.definition.name)]

    @property
    def all_topics(self) -> list[str]:
        consumed = list(self.definition.handlers)
        topics = set(self.produced_topics) | set(consumed)
        return sorted(topics | {dead_letter_topic(t) for t in consumed})

    async def migrate(self) -> None:
        await upgrade_to_head(self.engine, self.definition.migrations)

    async def start(self) -> None:
        """Migrate, then connect to the broker in the background (retrying until it answers)."""
        if self.migrate_on_start:
            await self.migrate()
        if self.definition.on_start is not None:
            await self.definition.on_start(self.uow)
        self._tasks.append(asyncio.create_task(self._connect_and_run(), name="broker-supervisor"))

    async def _connect_and_run(self) -> None:
        delay = 0.5
        while True:
            try:
                await self._connect()
                break
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("broker.unreachable", error=str(exc), retry_in_s=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
        assert self.relay is not None
        self._tasks.append(asyncio.create_task(self._supervise("relay", self.relay.run)))
        if self.consumer is not None:
            self._tasks.append(asyncio.create_task(self._supervise("consumer", self.consumer.run)))
        self._broker_ready.set()

    async def _connect(self) -> None:
        s = self.settings
        await ensure_topics(
            s.kafka_bootstrap_servers,
            self.all_topics,
            partitions=s.topic_partitions,
            replication_factor=s.topic_replication_factor,
        )
        await self._maybe_replay()
        producer = build_producer(s.kafka_bootstrap_servers, client_id=f"baotro-{s.service_name}")
        await producer.start()
        self.producer = producer
        self.relay = OutboxRelay(
            sessions=self.sessions,
            tables=self.tables,
            producer=producer,
            signal=self.signal,
            metrics=self.metrics,
            batch_size=s.outbox_batch_size,
            poll_interval_s=s.outbox_poll_interval_s,
            retention=timedelta(days=s.outbox_retention_days),
        )
        if self.consumer is not None:
            self.metrics.dead_letters.set(await self.consumer.dead_letter_count())
        log.info("broker.connected", bootstrap=s.kafka_bootstrap_servers)

    async def _maybe_replay(self) -> None:
        """The bundled broker keeps nothing across restarts: re-publish the event log."""
        mode = self.settings.replay_on_start
        if mode == "never" or not self.produced_topics:
            return
        published = await published_count(self.sessions, self.tables)
        if not published:
            return
        if mode == "auto":
            held = await total_messages(self.settings.kafka_bootstrap_servers, self.produced_topics)
            if held > 0:
                return
        count = await schedule_replay(self.sessions, self.tables)
        log.info("outbox.replay.scheduled", events=count, reason=f"replay_on_start={mode}")

    def supervised(self, name: str, run: Callable[[], Awaitable[None]]) -> asyncio.Task[None]:
        """A task running `run`, restarted with backoff when it crashes (for a service's own
        background work; the caller cancels it)."""
        return asyncio.create_task(
            self._supervise(name, run), name=f"{self.settings.service_name}-{name}"
        )

    async def _supervise(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        delay = 0.5
        while True:
            try:
                await run()
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("runtime.task.crashed", task=name, restart_in_s=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    async def wait_broker_ready(self, timeout: float = 30.0) -> None:
        await asyncio.wait_for(self._broker_ready.wait(), timeout)

    async def stop(self) -> None:
        if self.relay is not None:
            self.relay.stop()
        if self.consumer is not None:
            self.consumer.stop()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        if self.producer is not None:
            with contextlib.suppress(Exception):
                await self.producer.stop()
            self.producer = None
        await self.engine.dispose()

    async def replay(self, **window: Any) -> int:
        count = await schedule_replay(self.sessions, self.tables, **window)
        self.signal.notify()
        return count

    async def redrive(self, ids: list[int] | None = None) -> RedriveResult:
        if self.consumer is None:
            return RedriveResult(0, 0)
        return await self.consumer.redrive(ids)

    async def readiness(self) -> dict[str, str]:
        """`ok` or the reason, for the database and the broker."""
        checks: dict[str, str] = {}
        try:
            async with self.engine.connect() as conn:
                await asyncio.wait_for(conn.execute(text("SELECT 1")), 3)
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"unreachable: {type(exc).__name__}"
        producer = self.producer
        if producer is None:
            checks["broker"] = "connecting"
        else:
            try:
                await asyncio.wait_for(producer.client.fetch_all_metadata(), 3)
                checks["broker"] = "ok"
            except Exception as exc:
                checks["broker"] = f"unreachable: {type(exc).__name__}"
        if self.consumer is not None:
            checks["consumer"] = "ok" if self.consumer.assigned else "joining"
        return checks
