"""The PII access audit: one row per child whose personal fields someone read."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_registry.adapters.orm_children import PiiAccessRecord


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record_reads(
        self,
        *,
        actor_sub: str,
        actor_role: str,
        child_ids: Iterable[uuid.UUID],
        fields: Iterable[str],
        action: str,
        path: str,
    ) -> int:
        now = datetime.now(UTC)
        field_list = sorted(set(fields))
        rows = [
            PiiAccessRecord(
                at=now,
                actor_sub=actor_sub,
                actor_role=actor_role,
                child_id=child_id,
                fields=field_list,
                action=action,
                path=path[:300],
            )
            for child_id in child_ids
        ]
        self._session.add_all(rows)
        await self._session.flush()
        return len(rows)

    async def list(
        self,
        *,
        child_id: uuid.UUID | None = None,
        actor_sub: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[PiiAccessRecord], int]:
        stmt = select(PiiAccessRecord)
        if child_id is not None:
            stmt = stmt.where(PiiAccessRecord.child_id == child_id)
        if actor_sub is not None:
            stmt = stmt.where(PiiAccessRecord.actor_sub == actor_sub)
        if since is not None:
            stmt = stmt.where(PiiAccessRecord.at >= since)
        if until is not None:
            stmt = stmt.where(PiiAccessRecord.at < until)
        total = (
            await self._session.execute(select(func.count()).select_from(stmt.subquery()))
        ).scalar_one()
        rows = (
            await self._session.execute(
                stmt.order_by(PiiAccessRecord.at.desc(), PiiAccessRecord.id.desc())
                .limit(limit)
                .offset(offset)
            )
        ).scalars()
        return list(rows), int(total)
