"""Sums over the money read models: receipts net of reversals, spending, per whatever key.

A reversal counts on its own date, with a negative amount, under the original gift's fund,
channel, donor kind, target, campaign and pledge (joined from the donation). Donations and
reversals together are `receipts()`; every figure of the portal and the reports comes from it
and from `disbursement_view`, so the two always agree.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Subquery, func, literal_column, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from baotro_reporting.adapters.orm import (
    CampaignView,
    DisbursementGroupView,
    DisbursementView,
    DonationView,
    PledgeView,
    ReversalView,
)

D, R, X, G = DonationView, ReversalView, DisbursementView, DisbursementGroupView


def receipts() -> Subquery:
    """Donations (+) and reversals (−) as one relation with the donation's attributes."""
    shared = (
        D.donation_id,
        D.fund_code,
        D.channel,
        D.donor_kind,
        D.target_kind,
        D.target_id,
        D.campaign_id,
        D.pledge_id,
        D.restricted,
    )
    gifts = select(*shared, D.received_on.label("day"), D.amount.label("amount"))
    reversals = select(*shared, R.reversed_on.label("day"), (-R.amount).label("amount")).join(
        D, D.donation_id == R.donation_id
    )
    return union_all(gifts, reversals).subquery("receipts")


def _window(
    day: ColumnElement[date] | QueryableAttribute[date], start: date | None, end: date | None
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if start is not None:
        conditions.append(day >= start)
    if end is not None:
        conditions.append(day <= end)
    return conditions


class MoneyQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def campaign_names(self) -> dict[uuid.UUID, str]:
        rows = await self._session.execute(select(CampaignView.campaign_id, CampaignView.name))
        return dict(rows.tuples().all())

    async def pledges_of(self, fund_code: str) -> list[PledgeView]:
        stmt = select(PledgeView).where(PledgeView.fund_code == fund_code)
        return list((await self._session.execute(stmt)).scalars())

    async def received_by(
        self,
        keys: Sequence[str],
        *,
        fund_code: str | None = None,
        start: date | None = None,
        end: date | None = None,
        where: Sequence[ColumnElement[bool]] = (),
    ) -> list[tuple[Any, ...]]:
        """`(key..., amount, count)` rows; `keys` are columns of `receipts()`."""
        r = receipts()
        columns = [r.c[k] for k in keys]
        statement = select(*columns, func.sum(r.c.amount), func.count()).where(
            *_window(r.c.day, start, end)
        )
        if fund_code is not None:
            statement = statement.where(r.c.fund_code == fund_code)
        for condition in where:
            statement = statement.where(condition)
        if columns:
            statement = statement.group_by(*columns).order_by(*columns)
        rows = (await self._session.execute(statement)).all()
        return [(*row[:-2], int(row[-2] or 0), int(row[-1])) for row in rows]

    async def received_total(
        self, *, fund_code: str | None, start: date | None = None, end: date | None = None
    ) -> int:
        rows = await self.received_by([], fund_code=fund_code, start=start, end=end)
        return rows[0][0] if rows else 0

    async def gift_count(
        self, *, fund_code: str | None, start: date | None = None, end: date | None = None
    ) -> int:
        """How many gifts were received (reversals not counted as gifts)."""
        statement = select(func.count()).where(*_window(D.received_on, start, end))
        if fund_code is not None:
            statement = statement.where(D.fund_code == fund_code)
        return int((await self._session.execute(statement)).scalar_one())

    async def raised_for(self, target_kind: str, target_ids: Sequence[str]) -> dict[str, int]:
        """Net money raised for each appeal/sponsorship/… id (all time)."""
        if not target_ids:
            return {}
        r = receipts()
        rows = await self._session.execute(
            select(r.c.target_id, func.sum(r.c.amount))
            .where(r.c.target_kind == target_kind, r.c.target_id.in_(target_ids))
            .group_by(r.c.target_id)
        )
        return {str(k): int(v or 0) for k, v in rows.all()}

    async def raised_for_campaigns(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
        if not ids:
            return {}
        r = receipts()
        rows = await self._session.execute(
            select(r.c.campaign_id, func.sum(r.c.amount))
            .where(r.c.campaign_id.in_(ids))
            .group_by(r.c.campaign_id)
        )
        return {k: int(v or 0) for k, v in rows.all()}

    async def raised_for_pledges(
        self, ids: Sequence[uuid.UUID], *, end: date | None = None
    ) -> dict[uuid.UUID, int]:
        if not ids:
            return {}
        r = receipts()
        rows = await self._session.execute(
            select(r.c.pledge_id, func.sum(r.c.amount))
            .where(r.c.pledge_id.in_(ids), *_window(r.c.day, None, end))
            .group_by(r.c.pledge_id)
        )
        return {k: int(v or 0) for k, v in rows.all()}

    async def spent_by(
        self,
        keys: Sequence[str],
        *,
        fund_code: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> list[tuple[Any, ...]]:
        """`(key..., amount, count)` rows; `keys` are columns of `disbursement_view`."""
        columns = [getattr(X, k) for k in keys]
        statement = select(*columns, func.sum(X.amount), func.count()).where(
            *_window(X.paid_on, start, end)
        )
        if fund_code is not None:
            statement = statement.where(X.fund_code == fund_code)
        if columns:
            statement = statement.group_by(*columns).order_by(*columns)
        rows = (await self._session.execute(statement)).all()
        return [(*row[:-2], int(row[-2] or 0), int(row[-1])) for row in rows]

    async def spent_total(
        self, *, fund_code: str | None, start: date | None = None, end: date | None = None
    ) -> int:
        rows = await self.spent_by([], fund_code=fund_code, start=start, end=end)
        return rows[0][0] if rows else 0

    async def spent_by_group(
        self, *, fund_code: str | None, start: date | None, end: date | None
    ) -> list[tuple[str, int, int]]:
        """A disbursement for several groups counts in each of them (sums exceed the total)."""
        statement = (
            select(G.group_code, func.sum(X.amount), func.count())
            .join(X, X.disbursement_id == G.disbursement_id)
            .where(*_window(X.paid_on, start, end))
            .group_by(G.group_code)
            .order_by(G.group_code)
        )
        if fund_code is not None:
            statement = statement.where(X.fund_code == fund_code)
        rows = (await self._session.execute(statement)).all()
        return [(str(code), int(amount or 0), int(count)) for code, amount, count in rows]

    async def beneficiaries(
        self, *, fund_code: str | None, start: date | None, end: date | None
    ) -> int:
        statement = select(func.coalesce(func.sum(X.beneficiaries), literal_column("0"))).where(
            *_window(X.paid_on, start, end)
        )
        if fund_code is not None:
            statement = statement.where(X.fund_code == fund_code)
        return int((await self._session.execute(statement)).scalar_one() or 0)
