"""Unit of work: one transaction per handler, the outbox inside it."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from baotro_shared.events.base import EventData
from baotro_shared.events.envelope import Envelope
from baotro_shared.messaging.outbox import OutboxSignal, OutboxWriter


class UnitOfWork:
    """`async with uow: ...; await uow.commit()`; leaving without commit rolls back.

    Services subclass it to add their repositories (built on `self.session` in `__aenter__`).
    """

    session: AsyncSession

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        outbox: OutboxWriter,
        signal: OutboxSignal | None = None,
    ) -> None:
        self._sessions = sessions
        self._outbox = outbox
        self._signal = signal
        self._pending_events = 0

    async def __aenter__(self) -> Self:
        self.session = self._sessions()
        self._pending_events = 0
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.session.rollback()
        finally:
            await self.session.close()

    async def publish(self, data: EventData) -> Envelope:
        """Add an event to the outbox in this transaction."""
        self._pending_events += 1
        return await self._outbox.add(self.session, data)

    async def publish_many(self, events: Sequence[EventData]) -> list[Envelope]:
        """Add many events to the outbox in this transaction, in one statement."""
        self._pending_events += len(events)
        return await self._outbox.add_many(self.session, events)

    async def commit(self) -> None:
        await self.session.commit()
        if self._pending_events and self._signal is not None:
            self._signal.notify()
        self._pending_events = 0

    async def rollback(self) -> None:
        await self.session.rollback()
