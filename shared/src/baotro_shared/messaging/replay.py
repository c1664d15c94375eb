"""Replay: put published outbox rows back in the queue so the relay sends them again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from baotro_shared.messaging.tables import MessagingTables
from baotro_shared.timeutil import to_utc


async def schedule_replay(
    sessions: async_sessionmaker[AsyncSession],
    tables: MessagingTables,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> int:
    """Mark published events of `[since, until)` pending again; returns how many.

    The relay then re-sends them in their original order, interleaved correctly with new
    events because it always publishes by outbox id. Consumers skip what they already applied.
    A naive bound is Vietnam time.
    """
    outbox = tables.outbox
    stmt = update(outbox).where(outbox.c.published_at.is_not(None))
    if since is not None:
        stmt = stmt.where(outbox.c.created_at >= to_utc(since))
    if until is not None:
        stmt = stmt.where(outbox.c.created_at < to_utc(until))
    async with sessions() as session, session.begin():
        result = await session.execute(stmt.values(published_at=None))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def published_count(
    sessions: async_sessionmaker[AsyncSession], tables: MessagingTables
) -> int:
    """How many outbox rows were already published (the service's event log)."""
    async with sessions() as session:
        count = (
            await session.execute(
                select(func.count())
                .select_from(tables.outbox)
                .where(tables.outbox.c.published_at.is_not(None))
            )
        ).scalar_one()
    return int(count)
