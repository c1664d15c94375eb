"""Searching the public statement: folded words, amount and date ranges, pages, a stream."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable
from typing import Any

from sqlalchemy import BigInteger, Date, Select, func, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_reporting.adapters.orm import AppealView, CampaignView, StatementLineRow
from baotro_reporting.domain.labels import PURPOSES, TARGETS, label
from baotro_reporting.domain.statement import (
    MAX_RESULT_WINDOW,
    LineKind,
    StatementLine,
    StatementPage,
    StatementQuery,
)
from baotro_shared.db import UtcDateTime

S = StatementLineRow
_COLUMNS = (
    S.id,
    S.kind,
    S.fund_code,
    S.line_date,
    S.name,
    S.amount,
    S.purpose_kind,
    S.purpose_ref,
    S.memo,
)
_ORDER = (S.line_date.desc(), S.recorded_at.desc(), S.id.desc())
STREAM_CHUNK = 2_000


def _filtered(statement: Select[Any], query: StatementQuery) -> Select[Any]:
    if query.fund_code:
        statement = statement.where(S.fund_code == query.fund_code)
    if (pattern := query.pattern) is not None:
        statement = statement.where(S.search_text.like(pattern, escape="\\"))
    if query.min_amount is not None:
        statement = statement.where(S.amount >= query.min_amount)
    if query.max_amount is not None:
        statement = statement.where(S.amount <= query.max_amount)
    if query.date_from is not None:
        statement = statement.where(S.line_date >= query.date_from)
    if query.date_to is not None:
        statement = statement.where(S.line_date <= query.date_to)
    if query.kind == "in":
        statement = statement.where(S.kind != LineKind.DISBURSEMENT)
    elif query.kind == "out":
        statement = statement.where(S.kind == LineKind.DISBURSEMENT)
    return statement


class PurposeLabels:
    """Names of the campaigns and appeals lines point at, looked up for the lines shown."""

    def __init__(self, campaigns: dict[str, str], appeals: dict[str, str]) -> None:
        self._campaigns = campaigns
        self._appeals = appeals

    @classmethod
    async def load(cls, session: AsyncSession, refs: Iterable[str | None]) -> PurposeLabels:
        ids: set[uuid.UUID] = set()
        for ref in refs:
            try:
                ids.add(uuid.UUID(str(ref)))
            except ValueError:
                continue
        if not ids:
            return cls({}, {})
        campaigns = (
            await session.execute(
                select(CampaignView.campaign_id, CampaignView.name).where(
                    CampaignView.campaign_id.in_(ids)
                )
            )
        ).all()
        appeals = (
            await session.execute(
                select(AppealView.appeal_id, AppealView.alias).where(AppealView.appeal_id.in_(ids))
            )
        ).all()
        return cls({str(k): v for k, v in campaigns}, {str(k): v for k, v in appeals if v})

    def of(self, kind: str, purpose_kind: str, ref: str | None) -> str:
        if kind == LineKind.DISBURSEMENT:
            return label(PURPOSES, purpose_kind)
        base = label(TARGETS, purpose_kind, "Ủng hộ Quỹ")
        if ref and ref in self._campaigns:
            return f"{base}: {self._campaigns[ref]}"
        if ref and ref in self._appeals:
            return f"{base}: {self._appeals[ref]}"
        return base


def _line(row: Any, labels: PurposeLabels) -> StatementLine:
    sign = 1 if row.kind == LineKind.DONATION else -1
    return StatementLine(
        id=row.id,
        kind=row.kind,
        fund_code=row.fund_code,
        on=row.line_date,
        name=row.name,
        amount=sign * row.amount,
        purpose=labels.of(row.kind, row.purpose_kind, row.purpose_ref),
        memo=row.memo,
    )


class StatementQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def search(self, query: StatementQuery) -> StatementPage:
        """One page, newest first; the total is counted up to MAX_RESULT_WINDOW + 1."""
        rows = (
            await self._session.execute(
                _filtered(select(*_COLUMNS), query)
                .order_by(*_ORDER)
                .limit(query.size)
                .offset(query.offset)
            )
        ).all()
        if query.offset == 0 and len(rows) < query.size:
            total = len(rows)
        else:
            capped = _filtered(select(S.id), query).limit(MAX_RESULT_WINDOW + 1).subquery()
            total = int(
                (await self._session.execute(select(func.count()).select_from(capped))).scalar_one()
            )
        labels = await PurposeLabels.load(self._session, (r.purpose_ref for r in rows))
        exact = total <= MAX_RESULT_WINDOW
        return StatementPage(
            lines=[_line(r, labels) for r in rows],
            page=query.page,
            size=query.size,
            total=min(total, MAX_RESULT_WINDOW),
            total_is_exact=exact,
        )

    async def stream(self, query: StatementQuery) -> AsyncIterator[list[StatementLine]]:
        """Every matching line, newest first, in chunks (keyset: no offset grows)."""
        after: tuple[Any, Any, int] | None = None
        while True:
            statement = _filtered(
                select(*_COLUMNS, S.recorded_at.label("recorded_at")), query
            ).order_by(*_ORDER)
            if after is not None:
                day, recorded_at, last_id = after
                statement = statement.where(
                    tuple_(S.line_date, S.recorded_at, S.id)
                    < tuple_(
                        literal(day, Date()),
                        literal(recorded_at, UtcDateTime()),
                        literal(last_id, BigInteger()),
                    )
                )
            rows = (await self._session.execute(statement.limit(STREAM_CHUNK))).all()
            if not rows:
                return
            labels = await PurposeLabels.load(self._session, {r.purpose_ref for r in rows})
            yield [_line(r, labels) for r in rows]
            if len(rows) < STREAM_CHUNK:
                return
            last = rows[-1]
            after = (last.line_date, last.recorded_at, last.id)
