"""Consents of children."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_registry.adapters.orm_children import ConsentRecord
from baotro_registry.domain.consent import Consent, ConsentGiver, ConsentPurpose


def _to_domain(r: ConsentRecord) -> Consent:
    return Consent(
        id=r.id,
        child_id=r.child_id,
        purpose=ConsentPurpose(r.purpose),
        given_by=ConsentGiver(r.given_by),
        given_on=r.given_on,
        recorded_by=r.recorded_by,
        recorded_at=r.recorded_at,
        withdrawn_at=r.withdrawn_at,
    )


class ConsentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, consent: Consent) -> None:
        self._session.add(
            ConsentRecord(
                id=consent.id,
                child_id=consent.child_id,
                purpose=consent.purpose.value,
                given_by=consent.given_by.value,
                given_on=consent.given_on,
                recorded_by=consent.recorded_by,
                recorded_at=consent.recorded_at,
            )
        )
        await self._session.flush()

    async def for_child(self, child_id: uuid.UUID) -> list[Consent]:
        rows = (
            await self._session.execute(
                select(ConsentRecord)
                .where(ConsentRecord.child_id == child_id)
                .order_by(ConsentRecord.recorded_at)
            )
        ).scalars()
        return [_to_domain(r) for r in rows]

    async def get(self, consent_id: uuid.UUID) -> Consent | None:
        row = await self._session.get(ConsentRecord, consent_id)
        return _to_domain(row) if row else None

    async def withdraw(self, consent_id: uuid.UUID, *, at: datetime, by: str) -> None:
        row = await self._session.get(ConsentRecord, consent_id)
        if row is None:
            raise LookupError(consent_id)
        row.withdrawn_at = at
        row.withdrawn_by = by
        await self._session.flush()
