"""The outbox relay: publishes committed outbox rows, then marks them published."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from aiokafka import AIOKafkaProducer
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from baotro_shared.messaging.outbox import OutboxSignal
from baotro_shared.messaging.tables import MessagingTables
from baotro_shared.observability.metrics import ServiceMetrics

log = structlog.get_logger(__name__)
RELAY_LOCK_KEY = 0x6261_6F74_726F  # "baotro": one relay publishes at a time per database


class OutboxRelay:
    """Moves outbox rows to the broker in id order.

    At-least-once: a crash after the broker acknowledged and before the rows were marked
    published re-sends them; consumers drop the duplicates by event id. On PostgreSQL, several
    replicas of a service may run a relay: a transaction-scoped advisory lock lets one of them
    publish at a time (so events of one aggregate never overtake each other), and rows are read
    `FOR UPDATE SKIP LOCKED`. Published rows are kept `retention` long, then pruned.
    """

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        tables: MessagingTables,
        producer: AIOKafkaProducer,
        signal: OutboxSignal,
        metrics: ServiceMetrics,
        batch_size: int = 500,
        poll_interval_s: float = 0.2,
        retention: timedelta = timedelta(days=3650),
        prune_every_s: float = 3600.0,
    ) -> None:
        self._sessions = sessions
        self._outbox = tables.outbox
        self._producer = producer
        self._signal = signal
        self._metrics = metrics
        self._batch_size = batch_size
        self._poll_interval_s = poll_interval_s
        self._stopping = asyncio.Event()
        self._retention = retention
        self._prune_every_s = prune_every_s
        self._last_prune = float("-inf")
        self._last_backlog = float("-inf")
        self._backlog_every_s = 5.0

    async def run(self) -> None:
        """Publish until `stop()`; errors are logged and retried with backoff."""
        backoff = self._poll_interval_s
        while not self._stopping.is_set():
            try:
                sent = await self.publish_pending()
                await self._maybe_prune()
                backoff = self._poll_interval_s
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox.relay.failed")
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            if sent < self._batch_size:
                await self._signal.wait(self._poll_interval_s)

    def stop(self) -> None:
        self._stopping.set()
        self._signal.notify()

    async def publish_pending(self) -> int:
        """Publish every pending row, batch by batch; returns how many were sent."""
        total = 0
        while True:
            sent = await self.publish_batch()
            total += sent
            if sent < self._batch_size:
                break
        now = time.monotonic()
        if now - self._last_backlog >= self._backlog_every_s:
            self._last_backlog = now
            await self.refresh_backlog()  # a COUNT(*): on a timer, and on each /metrics scrape
        return total

    async def publish_batch(self) -> int:
        """One transaction: lock a batch, send it, wait for every ack, mark it published."""
        async with self._sessions() as session, session.begin():
            if not await self._lead(session):
                return 0
            rows = (
                await session.execute(
                    select(
                        self._outbox.c.id,
                        self._outbox.c.topic,
                        self._outbox.c.key,
                        self._outbox.c.payload,
                        self._outbox.c.headers,
                    )
                    .where(self._outbox.c.published_at.is_(None))
                    .order_by(self._outbox.c.id)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            await self._send(rows)
            await self._mark_published(session, [r.id for r in rows])
        for row in rows:
            self._metrics.outbox_published.labels(topic=row.topic).inc()
        log.debug("outbox.relay.published", count=len(rows))
        return len(rows)

    async def _lead(self, session: AsyncSession) -> bool:
        """On PostgreSQL, take the relay lock for this transaction, or let another relay lead."""
        if session.bind.dialect.name != "postgresql":
            return True
        locked = (
            await session.execute(select(func.pg_try_advisory_xact_lock(RELAY_LOCK_KEY)))
        ).scalar_one()
        return bool(locked)

    async def _maybe_prune(self) -> None:
        now = time.monotonic()
        if now - self._last_prune < self._prune_every_s:
            return
        self._last_prune = now
        pruned = await self.prune(before=datetime.now(UTC) - self._retention)
        if pruned:
            log.info("outbox.relay.pruned", rows=pruned)

    async def prune(self, *, before: datetime) -> int:
        """Delete published rows created before `before` (the retention of the event log)."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(self._outbox).where(
                    self._outbox.c.published_at.is_not(None), self._outbox.c.created_at < before
                )
            )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def _send(self, rows: Sequence[Row[Any]]) -> None:
        futures = []
        for row in rows:
            headers = [(k, str(v).encode()) for k, v in (row.headers or {}).items()]
            futures.append(
                await self._producer.send(
                    row.topic, value=row.payload, key=row.key.encode(), headers=headers
                )
            )
        await asyncio.gather(*futures)

    async def _mark_published(self, session: AsyncSession, ids: list[int]) -> None:
        await session.execute(
            update(self._outbox)
            .where(self._outbox.c.id.in_(ids))
            .values(
                published_at=datetime.now(UTC),
                publish_count=self._outbox.c.publish_count + 1,
            )
        )

    async def refresh_backlog(self) -> int:
        async with self._sessions() as session:
            backlog = (
                await session.execute(
                    select(func.count())
                    .select_from(self._outbox)
                    .where(self._outbox.c.published_at.is_(None))
                )
            ).scalar_one()
        self._metrics.outbox_backlog.set(backlog)
        return int(backlog)
