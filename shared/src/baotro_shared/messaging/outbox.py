"""Writing events to the outbox, inside the caller's transaction."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime

from opentelemetry import propagate
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_shared.db import copy_records, json_text
from baotro_shared.events.base import EventData
from baotro_shared.events.catalogue import EventCatalogue
from baotro_shared.events.envelope import Envelope
from baotro_shared.messaging.tables import MessagingTables

_OUTBOX_COLUMNS = (
    "event_id",
    "topic",
    "event_type",
    "key",
    "payload",
    "headers",
    "created_at",
    "published_at",
    "publish_count",
)


class OutboxSignal:
    """Wakes the relay as soon as a transaction with new outbox rows commits."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()

    async def wait(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout)
        self._event.clear()


def current_trace_headers() -> dict[str, str]:
    """W3C trace context of the current span (`traceparent`, maybe `tracestate`)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


class OutboxWriter:
    """Adds events to the outbox table in a session; the session's commit makes them real."""

    def __init__(self, tables: MessagingTables, catalogue: EventCatalogue, source: str) -> None:
        self._tables = tables
        self._catalogue = catalogue
        self._source = source

    async def add(self, session: AsyncSession, data: EventData) -> Envelope:
        """Record `data` as an event to publish; returns its envelope."""
        trace = current_trace_headers()
        envelope = self._catalogue.envelope(
            data,
            source=self._source,
            traceparent=trace.get("traceparent"),
            tracestate=trace.get("tracestate"),
        )
        await self.add_envelope(session, envelope, topic=envelope.type, headers=trace)
        return envelope

    async def add_many(self, session: AsyncSession, events: Sequence[EventData]) -> list[Envelope]:
        """Record many events in one statement (COPY on PostgreSQL), the trace headers
        encoded once for all of them; returns their envelopes."""
        if not events:
            return []
        trace = current_trace_headers()
        now = datetime.now(UTC)
        traceparent, tracestate = trace.get("traceparent"), trace.get("tracestate")
        envelopes = [
            self._catalogue.envelope(
                data, source=self._source, traceparent=traceparent, tracestate=tracestate
            )
            for data in events
        ]
        headers = json_text(trace)
        await copy_records(
            session,
            self._tables.outbox,
            _OUTBOX_COLUMNS,
            [
                (e.id, e.type, e.type, e.subject, e.to_json_bytes(), headers, now, None, 0)
                for e in envelopes
            ],
        )
        return envelopes

    async def add_envelope(
        self,
        session: AsyncSession,
        envelope: Envelope,
        *,
        topic: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Record an already built envelope for `topic`."""
        await self.add_raw(
            session,
            row_id=envelope.id,
            topic=topic,
            event_type=envelope.type,
            key=envelope.subject,
            payload=envelope.to_json_bytes(),
            headers=headers,
        )

    async def add_raw(
        self,
        session: AsyncSession,
        *,
        row_id: str,
        topic: str,
        event_type: str,
        key: str,
        payload: bytes,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Record raw bytes for `topic` (dead letters keep the original bytes this way)."""
        await session.execute(
            self._tables.outbox.insert().values(
                event_id=row_id,
                topic=topic,
                event_type=event_type,
                key=key,
                payload=payload,
                headers=headers or {},
                created_at=datetime.now(UTC),
                published_at=None,
                publish_count=0,
            )
        )
