"""Deliveries: added once per dedupe key, claimed by the dispatcher, updated with outcomes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from baotro_notifications.adapters.orm_deliveries import DeliveryRecord
from baotro_notifications.adapters.upsert import insert_unless_exists
from baotro_notifications.domain.notices import DeliveryStatus, NoticeKind

TABLE: Table = DeliveryRecord.__table__  # type: ignore[assignment]


def new_delivery(
    *,
    kind: NoticeKind,
    dedupe_key: str,
    now: datetime,
    donor_id: uuid.UUID | None,
    status: DeliveryStatus = DeliveryStatus.PENDING,
    **fields: Any,
) -> dict[str, Any]:
    """The column values of a new delivery, due now."""
    return {
        "id": uuid.uuid4(),
        "kind": kind.value,
        "dedupe_key": dedupe_key,
        "status": status.value,
        "donor_id": donor_id,
        "attempts": 0,
        "lookup_failures": 0,
        "next_attempt_at": now,
        "created_at": now,
        "updated_at": now,
        **fields,
    }


class DeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_unless_exists(self, values: dict[str, Any]) -> bool:
        """Insert a delivery; False when its dedupe key is already taken (a redelivery)."""
        return await insert_unless_exists(self._session, TABLE, values)

    async def get(self, delivery_id: uuid.UUID, *, lock: bool = False) -> DeliveryRecord | None:
        query = select(DeliveryRecord).where(DeliveryRecord.id == delivery_id)
        if lock:
            query = query.with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def get_many(
        self, ids: list[uuid.UUID], *, lock: bool = False
    ) -> dict[uuid.UUID, DeliveryRecord]:
        """Deliveries by id (in id order when locked, so concurrent lockers cannot deadlock)."""
        if not ids:
            return {}
        query = select(DeliveryRecord).where(DeliveryRecord.id.in_(ids))
        if lock:
            query = query.order_by(DeliveryRecord.id).with_for_update()
        return {row.id: row for row in (await self._session.execute(query)).scalars().all()}

    async def by_key(self, dedupe_key: str, *, lock: bool = False) -> DeliveryRecord | None:
        query = select(DeliveryRecord).where(DeliveryRecord.dedupe_key == dedupe_key)
        if lock:
            query = query.with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def latest_correction(self, delivery_id: uuid.UUID) -> DeliveryRecord | None:
        """The newest correction of a delivery (what the donor was told last)."""
        query = (
            select(DeliveryRecord)
            .where(DeliveryRecord.corrects_id == delivery_id)
            .order_by(DeliveryRecord.created_at.desc(), DeliveryRecord.id.desc())
            .limit(1)
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def claim_due(
        self, now: datetime, *, limit: int, lease_until: datetime
    ) -> list[DeliveryRecord]:
        """Pending deliveries due now, leased to the caller (`FOR UPDATE SKIP LOCKED`): another
        dispatcher skips them, and a crash only delays them until the lease ends."""
        query = (
            select(DeliveryRecord)
            .where(
                DeliveryRecord.status == DeliveryStatus.PENDING.value,
                DeliveryRecord.next_attempt_at <= now,
            )
            .order_by(DeliveryRecord.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = (await self._session.execute(query)).scalars().all()
        for row in rows:
            row.next_attempt_at = lease_until
        return list(rows)

    async def search(
        self,
        *,
        status: DeliveryStatus | None,
        donation_id: uuid.UUID | None,
        donor_id: uuid.UUID | None,
        kind: NoticeKind | None,
        limit: int,
        offset: int,
    ) -> tuple[list[tuple[DeliveryRecord, bool]], int]:
        """A page of deliveries (newest first) with whether each has a letter, and the count;
        the letters themselves are not loaded."""
        conditions = []
        if status is not None:
            conditions.append(DeliveryRecord.status == status.value)
        if donation_id is not None:
            conditions.append(DeliveryRecord.donation_id == donation_id)
        if donor_id is not None:
            conditions.append(DeliveryRecord.donor_id == donor_id)
        if kind is not None:
            conditions.append(DeliveryRecord.kind == kind.value)
        total = (
            await self._session.execute(
                select(func.count()).select_from(DeliveryRecord).where(*conditions)
            )
        ).scalar_one()
        rows = (
            await self._session.execute(
                select(DeliveryRecord, DeliveryRecord.letter_pdf.is_not(None))
                .options(defer(DeliveryRecord.letter_pdf))
                .where(*conditions)
                .order_by(DeliveryRecord.created_at.desc(), DeliveryRecord.id)
                .limit(limit)
                .offset(offset)
            )
        ).all()
        return [(row[0], bool(row[1])) for row in rows], int(total)
