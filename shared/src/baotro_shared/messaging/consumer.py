"""Idempotent consumers: inbox row and effect in one transaction, offsets after the commit."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.structs import OffsetAndMetadata
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.trace import Link, SpanKind
from pydantic import ValidationError
from sqlalchemy import Executable, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_shared.events.base import EventData
from baotro_shared.events.catalogue import EventCatalogue, UnknownEventError, dead_letter_topic
from baotro_shared.events.envelope import Envelope
from baotro_shared.messaging.outbox import OutboxWriter
from baotro_shared.messaging.tables import MessagingTables
from baotro_shared.observability.metrics import ServiceMetrics
from baotro_shared.uow import UnitOfWork

log = structlog.get_logger(__name__)
tracer = trace.get_tracer("baotro.messaging")

U = TypeVar("U", bound=UnitOfWork)
Handler = Callable[[U, Any, Envelope], Awaitable[None]]
BatchHandler = Callable[[U, list[tuple[Any, Envelope]]], Awaitable[None]]
"""Applies several events of one type at once, in their order (each new: claimed already)."""


class PoisonMessageError(Exception):
    """A message that can never be handled (not an envelope, unknown type): no retries."""


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    backoff_initial_s: float = 0.2
    backoff_max_s: float = 10.0

    def delay(self, attempt: int) -> float:
        """Exponential backoff before attempt `attempt + 1`."""
        return float(min(self.backoff_initial_s * (2 ** (attempt - 1)), self.backoff_max_s))


@dataclass(frozen=True)
class RedriveResult:
    redriven: int
    still_failing: int


class EventConsumer(Generic[U]):
    """Consumes the topics of its handlers as one consumer group member.

    Each event is handled in a transaction that also records `(consumer, event_id)` in the
    inbox: a redelivered event finds its inbox row and is skipped. The events fetched together
    from one partition (up to `batch_size`) share one transaction — one commit instead of one
    per event, which is what lets a consumer keep up with hundreds of events a second; if any
    of them fails, that transaction is rolled back and the events are handled again one by one,
    so a failing event is retried and dead-lettered alone and the others are applied. Offsets
    are committed only after the transactions. A handler that keeps failing is retried with
    backoff, then the event goes to the dead letters (a table row and `<topic>.dlq`, written
    in one transaction) and the partition moves on.
    """

    def __init__(
        self,
        *,
        name: str,
        handlers: Mapping[str, Handler[U]],
        uow_factory: Callable[[], U],
        catalogue: EventCatalogue,
        tables: MessagingTables,
        outbox: OutboxWriter,
        metrics: ServiceMetrics,
        retry: RetryPolicy,
        consumer_factory: Callable[[list[str]], AIOKafkaConsumer],
        poll_timeout_ms: int = 200,
        batch_size: int = 100,
        batch_handlers: Mapping[str, BatchHandler[U]] | None = None,
    ) -> None:
        self.name = name
        self._handlers = dict(handlers)
        self._batch_handlers = dict(batch_handlers or {})
        unknown = set(self._batch_handlers) - set(self._handlers)
        if unknown:
            raise ValueError(f"batch handlers without a handler for one event: {sorted(unknown)}")
        self._uow_factory = uow_factory
        self._catalogue = catalogue
        self._tables = tables
        self._outbox = outbox
        self._metrics = metrics
        self._retry = retry
        self._consumer_factory = consumer_factory
        self._poll_timeout_ms = poll_timeout_ms
        self._batch_size = max(1, batch_size)
        self._claims: dict[str, Executable] = {}
        self._claims_returning: dict[str, Executable] = {}
        self._stopping = asyncio.Event()
        self._consumer: AIOKafkaConsumer | None = None

    @property
    def topics(self) -> list[str]:
        return sorted(self._handlers)

    @property
    def assigned(self) -> bool:
        """Joined its group and holds partitions: events published now will be consumed."""
        consumer = self._consumer
        return consumer is not None and bool(consumer.assignment())

    async def run(self) -> None:
        """Consume until `stop()`."""
        consumer = self._consumer_factory(self.topics)
        self._consumer = consumer
        await consumer.start()
        log.info("consumer.started", consumer=self.name, topics=self.topics)
        try:
            while not self._stopping.is_set():
                batches = await consumer.getmany(timeout_ms=self._poll_timeout_ms)
                for tp, messages in batches.items():
                    next_offset: int | None = None
                    for start in range(0, len(messages), self._batch_size):
                        if self._stopping.is_set():
                            break
                        chunk = messages[start : start + self._batch_size]
                        await self.process_batch(chunk)
                        next_offset = chunk[-1].offset + 1
                    if next_offset is not None:
                        # once per partition and batch: a crash before it only redelivers
                        # events the inbox already holds
                        await self._commit_offset(consumer, tp, next_offset)
                self._update_lag(consumer)
        finally:
            self._consumer = None
            await consumer.stop()
            log.info("consumer.stopped", consumer=self.name)

    def stop(self) -> None:
        self._stopping.set()

    async def _commit_offset(
        self, consumer: AIOKafkaConsumer, tp: TopicPartition, offset: int
    ) -> None:
        await consumer.commit({tp: OffsetAndMetadata(offset, "")})

    def _update_lag(self, consumer: AIOKafkaConsumer) -> None:
        for tp in consumer.assignment():
            high = consumer.highwater(tp)
            if high is None:
                continue
            try:
                position = consumer._subscription.subscription.assignment.state_value(tp).position
            except (AttributeError, KeyError):
                continue
            if position is not None:
                self._metrics.consumer_lag.labels(tp.topic, str(tp.partition)).set(high - position)

    async def process_batch(self, messages: list[ConsumerRecord[bytes, bytes]]) -> None:
        """Handle messages of one partition in one transaction; one by one if any fails."""
        if len(messages) == 1:
            await self.process(messages[0])
            return
        try:
            envelopes = [self._parse(message.value or b"") for message in messages]
            outcomes = await self._handle_together(envelopes)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.info(
                "consumer.batch.split",
                consumer=self.name,
                events=len(messages),
                error=_describe(exc),
            )
            for message in messages:
                await self.process(message)
            return
        for envelope, handled in zip(envelopes, outcomes, strict=True):
            outcome = "handled" if handled else "duplicate"
            self._metrics.consumer_processed.labels(envelope.type, outcome).inc()

    async def _handle_together(self, envelopes: list[Envelope]) -> list[bool]:
        outcomes: list[bool] = []
        async with self._uow_factory() as uow:
            for event_type, same_type in itertools.groupby(envelopes, key=lambda e: e.type):
                run = list(same_type)
                batch_handler = self._batch_handlers.get(event_type)
                if batch_handler is None or len(run) == 1:
                    for envelope in run:
                        outcomes.append(await self._apply(uow, envelope))
                else:
                    outcomes += await self._apply_run(uow, batch_handler, run)
            await uow.commit()
        return outcomes

    async def _apply_run(self, uow: U, handler: BatchHandler[U], run: list[Envelope]) -> list[bool]:
        """Claim events of one type in one statement and give the new ones to `handler`
        (not committed); an event twice in the run counts once."""
        events = [self._data(envelope) for envelope in run]
        claimed = await self._claim_many(uow.session, run)
        outcomes: list[bool] = []
        new: list[tuple[Any, Envelope]] = []
        for data, envelope in zip(events, run, strict=True):
            is_new = envelope.id in claimed
            claimed.discard(envelope.id)
            outcomes.append(is_new)
            if is_new:
                new.append((data, envelope))
        if not new:
            return outcomes
        event_type = run[0].type
        links = [
            Link(context) for _, envelope in new if (context := _span_context(envelope)) is not None
        ]
        with tracer.start_as_current_span(
            f"{event_type} process",
            kind=SpanKind.CONSUMER,
            links=links,
            attributes={
                "messaging.system": "kafka",
                "messaging.destination.name": event_type,
                "messaging.batch.message_count": len(new),
                "messaging.consumer.group.name": self.name,
            },
        ):
            await handler(uow, new)
        log.debug("consumer.events.applied", consumer=self.name, type=event_type, events=len(new))
        return outcomes

    async def process(self, message: ConsumerRecord[bytes, bytes]) -> None:
        """Handle one message with retries; dead-letter it when it cannot be handled."""
        attempt = 0
        while True:
            attempt += 1
            try:
                envelope = self._parse(message.value or b"")
                handled = await self.handle(envelope)
                outcome = "handled" if handled else "duplicate"
                self._metrics.consumer_processed.labels(envelope.type, outcome).inc()
                return
            except asyncio.CancelledError:
                raise
            except PoisonMessageError as exc:
                await self._dead_letter(message, exc, attempt)
                return
            except Exception as exc:
                self._metrics.consumer_failures.labels(message.topic).inc()
                log.warning(
                    "consumer.handler.failed",
                    consumer=self.name,
                    topic=message.topic,
                    attempt=attempt,
                    error=_describe(exc),
                )
                if attempt >= self._retry.max_attempts:
                    await self._dead_letter(message, exc, attempt)
                    return
                await asyncio.sleep(self._retry.delay(attempt))

    def _parse(self, raw: bytes) -> Envelope:
        try:
            envelope = Envelope.from_json_bytes(raw)
        except ValidationError as exc:
            raise PoisonMessageError(f"not a valid CloudEvents envelope: {exc}") from exc
        if envelope.type not in self._handlers:
            raise PoisonMessageError(f"no handler for event type {envelope.type!r}")
        return envelope

    async def handle(self, envelope: Envelope) -> bool:
        """Apply one event exactly once; returns False when it had been applied already."""
        async with self._uow_factory() as uow:
            applied = await self._apply(uow, envelope)
            if applied:
                await uow.commit()
        return applied

    async def _apply(self, uow: U, envelope: Envelope) -> bool:
        """Claim the event in the inbox and run its handler in `uow` (not committed)."""
        parent = propagate.extract(
            {
                k: v
                for k, v in (
                    ("traceparent", envelope.traceparent),
                    ("tracestate", envelope.tracestate),
                )
                if v
            }
        )
        token = otel_context.attach(parent)
        try:
            with tracer.start_as_current_span(
                f"{envelope.type} process",
                kind=SpanKind.CONSUMER,
                attributes={
                    "messaging.system": "kafka",
                    "messaging.destination.name": envelope.type,
                    "messaging.message.id": envelope.id,
                    "messaging.kafka.message.key": envelope.subject,
                    "messaging.consumer.group.name": self.name,
                },
            ):
                data = self._data(envelope)
                if not await self._claim(uow.session, envelope):
                    return False
                await self._handlers[envelope.type](uow, data, envelope)
                log.debug(
                    "consumer.event.applied",
                    consumer=self.name,
                    type=envelope.type,
                    event_id=envelope.id,
                )
                return True
        finally:
            otel_context.detach(token)

    def _data(self, envelope: Envelope) -> EventData:
        try:
            return self._catalogue.parse(envelope)
        except (UnknownEventError, ValidationError) as exc:
            raise PoisonMessageError(f"payload does not match its contract: {exc}") from exc

    def _inbox_row(self, envelope: Envelope, at: datetime) -> dict[str, Any]:
        return {
            "consumer": self.name,
            "event_id": envelope.id,
            "event_type": envelope.type,
            "processed_at": at,
        }

    async def _claim(self, session: AsyncSession, envelope: Envelope) -> bool:
        values = self._inbox_row(envelope, datetime.now(UTC))
        result = await session.execute(self._claim_statement(session.bind.dialect.name), values)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def _claim_many(self, session: AsyncSession, envelopes: list[Envelope]) -> set[str]:
        """Claim `envelopes` in one statement; the ids of those not claimed before."""
        now = datetime.now(UTC)
        rows = [self._inbox_row(envelope, now) for envelope in envelopes]
        statement = self._claims_returning.get(session.bind.dialect.name)
        if statement is None:
            statement = self._claim_statement(session.bind.dialect.name).returning(  # type: ignore[attr-defined]
                self._tables.inbox.c.event_id
            )
            self._claims_returning[session.bind.dialect.name] = statement
        result = await session.execute(statement, rows)
        return set(result.scalars())

    def _claim_statement(self, dialect: str) -> Executable:
        """INSERT … ON CONFLICT DO NOTHING into the inbox, built once (compiled once)."""
        statement = self._claims.get(dialect)
        if statement is None:
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            statement = insert(self._tables.inbox).on_conflict_do_nothing()
            self._claims[dialect] = statement
        return statement

    async def _dead_letter(
        self, message: ConsumerRecord[bytes, bytes], exc: BaseException, attempts: int
    ) -> None:
        raw = message.value or b""
        event_id = _event_id_of(raw) or str(
            uuid.uuid5(uuid.NAMESPACE_URL, f"{message.topic}/{message.partition}/{message.offset}")
        )
        error = _describe(exc)
        dead = self._tables.dead_letters
        async with self._uow_factory() as uow:
            session = uow.session
            existing = (
                await session.execute(
                    select(dead.c.id).where(
                        dead.c.consumer == self.name, dead.c.event_id == event_id
                    )
                )
            ).scalar_one_or_none()
            if existing is None:
                await session.execute(
                    dead.insert().values(
                        consumer=self.name,
                        event_id=event_id,
                        topic=message.topic,
                        partition=message.partition,
                        offset=message.offset,
                        payload=raw,
                        error=error,
                        attempts=attempts,
                        status="dead",
                        created_at=datetime.now(UTC),
                    )
                )
            else:
                await session.execute(
                    update(dead)
                    .where(dead.c.id == existing)
                    .values(error=error, attempts=dead.c.attempts + attempts, status="dead")
                )
            await self._outbox.add_raw(
                session,
                row_id=str(uuid.uuid4()),
                topic=dead_letter_topic(message.topic),
                event_type=message.topic,
                key=(message.key or b"").decode("utf-8", "replace") or event_id,
                payload=raw,
                headers={
                    "baotro-error": error[:2000],
                    "baotro-consumer": self.name,
                    "baotro-original-topic": message.topic,
                    "baotro-original-partition": str(message.partition),
                    "baotro-original-offset": str(message.offset),
                    "baotro-attempts": str(attempts),
                },
            )
            await uow.commit()
        self._metrics.dead_letters.inc()
        log.error(
            "consumer.event.dead_lettered",
            consumer=self.name,
            topic=message.topic,
            event_id=event_id,
            attempts=attempts,
            error=error,
        )

    async def redrive(self, ids: list[int] | None = None) -> RedriveResult:
        """Handle dead letters again (after a fix); those that pass leave the dead letters."""
        dead = self._tables.dead_letters
        async with self._uow_factory() as uow:
            stmt = select(dead.c.id, dead.c.payload).where(
                dead.c.consumer == self.name, dead.c.status == "dead"
            )
            if ids is not None:
                stmt = stmt.where(dead.c.id.in_(ids))
            rows = (await uow.session.execute(stmt.order_by(dead.c.id))).all()
        redriven = failing = 0
        for row in rows:
            try:
                envelope = self._parse(row.payload)
                await self.handle(envelope)
                status: dict[str, Any] = {"status": "redriven", "redriven_at": datetime.now(UTC)}
                redriven += 1
            except Exception as exc:
                status = {"error": _describe(exc), "attempts": dead.c.attempts + 1}
                failing += 1
            async with self._uow_factory() as uow:
                await uow.session.execute(update(dead).where(dead.c.id == row.id).values(**status))
                await uow.commit()
        self._metrics.dead_letters.set(await self.dead_letter_count())
        log.info("consumer.redrive.done", consumer=self.name, redriven=redriven, failing=failing)
        return RedriveResult(redriven=redriven, still_failing=failing)

    async def dead_letter_count(self) -> int:
        dead = self._tables.dead_letters
        async with self._uow_factory() as uow:
            rows = (
                await uow.session.execute(
                    select(dead.c.id).where(dead.c.consumer == self.name, dead.c.status == "dead")
                )
            ).all()
        return len(rows)


def _span_context(envelope: Envelope) -> trace.SpanContext | None:
    """The span that published `envelope`, when it carries one."""
    if not envelope.traceparent:
        return None
    carrier = {"traceparent": envelope.traceparent}
    if envelope.tracestate:
        carrier["tracestate"] = envelope.tracestate
    context = trace.get_current_span(propagate.extract(carrier)).get_span_context()
    return context if context.is_valid else None


def _event_id_of(raw: bytes) -> str | None:
    try:
        return Envelope.from_json_bytes(raw).id
    except (ValidationError, ValueError):
        return None


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
