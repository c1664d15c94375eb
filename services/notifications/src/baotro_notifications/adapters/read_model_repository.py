"""The read models fed by other services' events: gifts, campaigns, appeals, pledges,
sponsorships, and the open unit summaries."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_notifications.adapters.orm_read_models import (
    AppealRecord,
    CampaignRecord,
    EarlyReversalRecord,
    GiftRecord,
    PledgeRecord,
    SponsorshipRecord,
    UnitSummaryRecord,
)
from baotro_notifications.adapters.upsert import insert_unless_exists


def _table(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


@dataclass(frozen=True)
class GroupTotals:
    """The gifts of one unit summary as they stand (reversals deducted)."""

    gifts: int
    total: int
    first_on: date | None
    last_on: date | None


class ReadModelRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # gifts -------------------------------------------------------------------------------
    async def add_gift(self, values: dict[str, Any]) -> bool:
        """Remember a gift; False when it was already known (a redelivered event)."""
        return await insert_unless_exists(self._session, _table(GiftRecord), values)

    async def gift(self, donation_id: uuid.UUID, *, lock: bool = False) -> GiftRecord | None:
        """A gift; without `lock`, one already loaded in this transaction is not read again."""
        if not lock:
            return await self._session.get(GiftRecord, donation_id)
        query = select(GiftRecord).where(GiftRecord.donation_id == donation_id).with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def load_gifts(self, donation_ids: list[uuid.UUID]) -> None:
        """Read many gifts in one query (later `gift()` calls of this transaction find them)."""
        if donation_ids:
            await self._session.execute(
                select(GiftRecord).where(GiftRecord.donation_id.in_(set(donation_ids)))
            )

    async def group_totals(self, group_id: uuid.UUID) -> GroupTotals:
        row = (
            await self._session.execute(
                select(
                    func.count(),
                    func.coalesce(func.sum(GiftRecord.amount - GiftRecord.reversed_amount), 0),
                    func.min(GiftRecord.received_on),
                    func.max(GiftRecord.received_on),
                ).where(
                    GiftRecord.summary_group_id == group_id,
                    GiftRecord.amount > GiftRecord.reversed_amount,
                )
            )
        ).one()
        return GroupTotals(int(row[0]), int(row[1]), row[2], row[3])

    async def keep_early_reversal(
        self, *, reversal_id: uuid.UUID, donation_id: uuid.UUID, amount: int, remaining: int | None
    ) -> None:
        await insert_unless_exists(
            self._session,
            _table(EarlyReversalRecord),
            {
                "reversal_id": reversal_id,
                "donation_id": donation_id,
                "amount": amount,
                "remaining_amount": remaining,
            },
        )

    async def take_early_reversals(self, donation_id: uuid.UUID) -> list[tuple[int, int | None]]:
        """(amount, remaining) of the reversals that came before the gift, now removed."""
        rows = (
            await self._session.execute(
                select(EarlyReversalRecord.amount, EarlyReversalRecord.remaining_amount).where(
                    EarlyReversalRecord.donation_id == donation_id
                )
            )
        ).all()
        if rows:
            await self._session.execute(
                delete(EarlyReversalRecord).where(EarlyReversalRecord.donation_id == donation_id)
            )
        return [(int(a), None if r is None else int(r)) for a, r in rows]

    # names a letter may print ------------------------------------------------------------
    async def campaign_name(self, campaign_id: uuid.UUID | None) -> str | None:
        if campaign_id is None:
            return None
        row = await self._session.get(CampaignRecord, campaign_id)
        return row.name if row else None

    async def appeal_alias(self, appeal_id: uuid.UUID | None) -> str | None:
        if appeal_id is None:
            return None
        row = await self._session.get(AppealRecord, appeal_id)
        return row.alias if row else None

    async def pledge(self, pledge_id: uuid.UUID | None) -> PledgeRecord | None:
        return None if pledge_id is None else await self._session.get(PledgeRecord, pledge_id)

    async def remember(self, model: type[Any], values: dict[str, Any]) -> bool:
        """Insert a campaign/appeal/pledge/sponsorship once."""
        return await insert_unless_exists(self._session, _table(model), values)

    async def end_sponsorship(self, sponsorship_id: uuid.UUID, ended_on: date) -> None:
        await self._session.execute(
            update(SponsorshipRecord)
            .where(SponsorshipRecord.sponsorship_id == sponsorship_id)
            .values(ended_on=ended_on)
        )

    # unit summaries ----------------------------------------------------------------------
    async def join_open_summary(
        self,
        *,
        open_key: str,
        unit_id: uuid.UUID,
        pledge_id: uuid.UUID,
        campaign_id: uuid.UUID | None,
        now: datetime,
    ) -> uuid.UUID:
        """The open summary of `open_key` (created if none), its quiet period restarted."""
        await insert_unless_exists(
            self._session,
            _table(UnitSummaryRecord),
            {
                "id": uuid.uuid4(),
                "unit_id": unit_id,
                "pledge_id": pledge_id,
                "campaign_id": campaign_id,
                "open_key": open_key,
                "opened_at": now,
                "last_gift_at": now,
            },
        )
        group = (
            await self._session.execute(
                select(UnitSummaryRecord)
                .where(UnitSummaryRecord.open_key == open_key)
                .with_for_update()
            )
        ).scalar_one()
        group.last_gift_at = now
        return group.id

    async def close_quiet_summaries(
        self, cutoff: datetime, now: datetime, *, limit: int
    ) -> Sequence[UnitSummaryRecord]:
        """Close the open summaries whose last gift came before `cutoff`."""
        rows = (
            (
                await self._session.execute(
                    select(UnitSummaryRecord)
                    .where(
                        UnitSummaryRecord.open_key.is_not(None),
                        UnitSummaryRecord.last_gift_at <= cutoff,
                    )
                    .order_by(UnitSummaryRecord.last_gift_at)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            )
            .scalars()
            .all()
        )
        for row in rows:
            row.open_key = None
            row.closed_at = now
        return rows

    async def summary(self, group_id: uuid.UUID) -> UnitSummaryRecord | None:
        return await self._session.get(UnitSummaryRecord, group_id)
