"""Commendation rules and proposals, and the standings of donors over a period (aggregated from
the read models: gifts less reversals, sponsorships held, pledges brought to their target)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Integer, Table, and_, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_notifications.adapters.orm_commendations import (
    CommendationRecord,
    CommendationRuleRecord,
)
from baotro_notifications.adapters.orm_read_models import (
    GiftRecord,
    PledgeRecord,
    SponsorshipRecord,
)
from baotro_notifications.adapters.upsert import insert_unless_exists
from baotro_notifications.domain.commendation import (
    CommendationRule,
    CommendationStatus,
    DonorStanding,
)

EVIDENCE_DONATIONS_MAX = 200
"""Donation ids kept as evidence per proposal (the count is always complete)."""


def rule_of(row: CommendationRuleRecord) -> CommendationRule:
    return CommendationRule(
        id=row.id,
        year=row.year,
        name=row.name,
        award=row.award,
        period_start=row.period_start,
        period_end=row.period_end,
        donor_kinds=frozenset(row.donor_kinds),
        min_total=row.min_total,
        min_sponsorships=row.min_sponsorships,
        min_campaigns_mobilised=row.min_campaigns_mobilised,
        signer_title=row.signer_title,
        signer_name=row.signer_name,
    )


class CommendationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # rules -------------------------------------------------------------------------------
    def add_rule(self, row: CommendationRuleRecord) -> None:
        self._session.add(row)

    async def rule(self, rule_id: uuid.UUID) -> CommendationRuleRecord | None:
        return await self._session.get(CommendationRuleRecord, rule_id)

    async def rules(self, *, year: int | None) -> Sequence[CommendationRuleRecord]:
        query = select(CommendationRuleRecord).order_by(
            CommendationRuleRecord.year, CommendationRuleRecord.created_at
        )
        if year is not None:
            query = query.where(CommendationRuleRecord.year == year)
        return (await self._session.execute(query)).scalars().all()

    # proposals ---------------------------------------------------------------------------
    async def propose(self, values: dict[str, Any]) -> bool:
        """Insert a proposal; False when this donor was already proposed for the rule and
        period (the unique constraint decides, even under concurrent evaluations)."""
        table: Table = CommendationRecord.__table__  # type: ignore[assignment]
        return await insert_unless_exists(self._session, table, values)

    async def get(
        self, commendation_id: uuid.UUID, *, lock: bool = False
    ) -> CommendationRecord | None:
        query = select(CommendationRecord).where(CommendationRecord.id == commendation_id)
        if lock:
            query = query.with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def search(
        self, *, status: CommendationStatus | None, year: int | None, limit: int, offset: int
    ) -> Sequence[CommendationRecord]:
        query = select(CommendationRecord).order_by(
            CommendationRecord.proposed_at.desc(), CommendationRecord.id
        )
        if status is not None:
            query = query.where(CommendationRecord.status == status.value)
        if year is not None:
            query = query.join(
                CommendationRuleRecord, CommendationRuleRecord.id == CommendationRecord.rule_id
            ).where(CommendationRuleRecord.year == year)
        return (await self._session.execute(query.limit(limit).offset(offset))).scalars().all()

    async def certificates_issued(self, year: int) -> int:
        """Certificates numbered so far for `year` (the next one is this + 1)."""
        prefix = f"%/{year}/%"
        count = (
            await self._session.execute(
                select(func.count())
                .select_from(CommendationRecord)
                .where(CommendationRecord.certificate_number.like(prefix))
            )
        ).scalar_one()
        return int(count)

    # standings ---------------------------------------------------------------------------
    async def standings(self, start: date, end: date) -> list[DonorStanding]:
        """Every donor who gave, sponsored or mobilised during [start, end]."""
        current = GiftRecord.amount - GiftRecord.reversed_amount
        in_period = and_(
            GiftRecord.received_on >= start,
            GiftRecord.received_on <= end,
            GiftRecord.donor_id.is_not(None),
            GiftRecord.amount > GiftRecord.reversed_amount,
        )
        gifts = (
            await self._session.execute(
                select(
                    GiftRecord.donor_id,
                    func.max(GiftRecord.donor_kind),
                    func.sum(current),
                    func.count(),
                    func.max(cast(GiftRecord.anonymous, Integer)),
                )
                .where(in_period)
                .group_by(GiftRecord.donor_id)
            )
        ).all()
        sponsorships = (
            await self._session.execute(
                select(SponsorshipRecord.donor_id, func.count())
                .where(
                    SponsorshipRecord.donor_id.is_not(None),
                    SponsorshipRecord.started_on <= end,
                    or_(SponsorshipRecord.ended_on.is_(None), SponsorshipRecord.ended_on >= start),
                )
                .group_by(SponsorshipRecord.donor_id)
            )
        ).all()
        raised = (
            select(
                PledgeRecord.unit_id.label("unit_id"),
                PledgeRecord.pledge_id.label("pledge_id"),
            )
            .join(GiftRecord, GiftRecord.pledge_id == PledgeRecord.pledge_id)
            .where(GiftRecord.received_on >= start, GiftRecord.received_on <= end)
            .group_by(PledgeRecord.unit_id, PledgeRecord.pledge_id, PledgeRecord.target_amount)
            .having(func.sum(current) >= PledgeRecord.target_amount)
            .subquery()
        )
        mobilised = (
            await self._session.execute(
                select(raised.c.unit_id, func.count()).group_by(raised.c.unit_id)
            )
        ).all()

        by_donor: dict[uuid.UUID, dict[str, Any]] = {}
        for donor_id, kind, total, count, anonymous in gifts:
            by_donor[donor_id] = {
                "kind": kind,
                "total_given": int(total or 0),
                "donation_count": int(count),
                "anonymous": bool(anonymous),
            }
        for donor_id, count in sponsorships:
            by_donor.setdefault(donor_id, {})["sponsorships_held"] = int(count)
        for unit_id, count in mobilised:
            entry = by_donor.setdefault(unit_id, {})
            entry["campaigns_mobilised"] = int(count)
            entry["kind"] = entry.get("kind") or "unit"
        return [
            DonorStanding(donor_id=donor_id, kind=values.pop("kind", None), **values)
            for donor_id, values in by_donor.items()
        ]

    async def evidence_donations(
        self, donor_id: uuid.UUID, start: date, end: date
    ) -> list[uuid.UUID]:
        """The gifts a proposal counts (the largest first, at most `EVIDENCE_DONATIONS_MAX`)."""
        rows = (
            await self._session.execute(
                select(GiftRecord.donation_id)
                .where(
                    GiftRecord.donor_id == donor_id,
                    GiftRecord.received_on >= start,
                    GiftRecord.received_on <= end,
                    GiftRecord.amount > GiftRecord.reversed_amount,
                )
                .order_by((GiftRecord.amount - GiftRecord.reversed_amount).desc())
                .limit(EVIDENCE_DONATIONS_MAX)
            )
        ).all()
        return [row[0] for row in rows]

    async def pledges_reached(self, unit_id: uuid.UUID, start: date, end: date) -> list[uuid.UUID]:
        current = GiftRecord.amount - GiftRecord.reversed_amount
        rows = (
            await self._session.execute(
                select(PledgeRecord.pledge_id)
                .join(GiftRecord, GiftRecord.pledge_id == PledgeRecord.pledge_id)
                .where(
                    PledgeRecord.unit_id == unit_id,
                    GiftRecord.received_on >= start,
                    GiftRecord.received_on <= end,
                )
                .group_by(PledgeRecord.pledge_id, PledgeRecord.target_amount)
                .having(func.sum(current) >= PledgeRecord.target_amount)
            )
        ).all()
        return [row[0] for row in rows]
