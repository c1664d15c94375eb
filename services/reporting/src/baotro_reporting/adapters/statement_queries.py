"""Searching the public statement: words, amount and date ranges, pages, a stream.

On PostgreSQL the words typed are looked up in the GIN-indexed word vector (see
`statement_words`); on SQLite `search_text` is matched with LIKE. A page's total is counted
only as far as it matters: up to COUNT_STEP lines for the first pages ("Hơn 50 dòng"), then
in steps of COUNT_STEP as the pages go deeper, never past MAX_RESULT_WINDOW: counting every
match of a common word would visit hundreds of thousands of lines. The SQL is built once per
shape of search (`statement_sql`).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from baotro_reporting.adapters.orm import AppealView, CampaignView
from baotro_reporting.adapters.statement_sql import (
    VERSION_SQL,
    chunk_statement,
    count_limit,
    page_statement,
    shape_and_values,
)
from baotro_reporting.domain.labels import PURPOSES, TARGETS, label
from baotro_reporting.domain.statement import (
    LineKind,
    StatementLine,
    StatementPage,
    StatementQuery,
    shown_amount,
)

STREAM_CHUNK = 2_000
_CUSTOM_PLANS = "baotro_reporting.custom_plans"


_KNOWN_LABELS = 10_000


class PurposeLabels:
    """Names of the campaigns and appeals lines point at, looked up for the lines shown."""

    def __init__(self, campaigns: dict[str, str], appeals: dict[str, str]) -> None:
        self._campaigns = campaigns
        self._appeals = appeals
        self._known: dict[tuple[str, str, str | None], str] = {}
        """Labels made already: the statement's index shows a few hundred distinct ones."""

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
        key = (kind, purpose_kind, ref)
        known = self._known.get(key)
        if known is None:
            campaign = self._campaigns.get(ref) if ref else None
            appeal = self._appeals.get(ref) if ref else None
            known = purpose_label(kind, purpose_kind, campaign=campaign, appeal=appeal)
            if len(self._known) < _KNOWN_LABELS:
                self._known[key] = known
        return known


def purpose_label(kind: str, purpose_kind: str, *, campaign: str | None, appeal: str | None) -> str:
    """What a line was for: a disbursement's purpose; a gift's target, with the name of the
    campaign or the alias of the appeal it went to."""
    if kind == LineKind.DISBURSEMENT:
        return label(PURPOSES, purpose_kind)
    base = label(TARGETS, purpose_kind, "Ủng hộ Quỹ")
    if campaign is not None:
        return f"{base}: {campaign}"
    if appeal:
        return f"{base}: {appeal}"
    return base


def _line(row: Any, labels: PurposeLabels) -> StatementLine:
    return StatementLine(
        id=row.id,
        kind=row.kind,
        fund_code=row.fund_code,
        on=row.line_date,
        name=row.name,
        amount=shown_amount(row.kind, row.amount),
        purpose=labels.of(row.kind, row.purpose_kind, row.purpose_ref),
        memo=row.memo,
    )


class StatementQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._postgres = session.get_bind().dialect.name == "postgresql"

    async def _connection(self) -> AsyncConnection:
        """The session's connection. On PostgreSQL a public search, when it is the first thing
        the session does, runs without BEGIN and ROLLBACK (two round trips fewer), and is
        planned for its own words every time: a generic plan of the prepared statement would
        sort thousands of lines for a common word or walk the whole date index for a rare one.
        """
        if not self._postgres or self._session.in_transaction():
            return await self._session.connection()
        connection = await self._session.connection(
            execution_options={"isolation_level": "AUTOCOMMIT"}
        )
        if not connection.info.get(_CUSTOM_PLANS):
            await connection.exec_driver_sql("SET plan_cache_mode = force_custom_plan")
            connection.info[_CUSTOM_PLANS] = True
        return connection

    async def version(self) -> tuple[int, int]:
        """The statement's version (`VERSION_SQL`): changes when lines are added or all
        removed."""
        row = (await self._session.execute(text(VERSION_SQL))).one()
        return int(row.lines), int(row.ids)

    async def search(self, query: StatementQuery) -> StatementPage:
        """One page, newest first; the total counted up to `count_limit(query)`."""
        limit = count_limit(query)
        shape, values = shape_and_values(query, postgres=self._postgres)
        values.update(window=limit + 1, offset=query.offset, size=query.size)
        connection = await self._connection()
        rows = (await connection.execute(page_statement(shape), values)).all()
        total = int(rows[0].total)
        found = [row for row in rows if row.id is not None]
        labels = await PurposeLabels.load(self._session, (r.purpose_ref for r in found))
        return StatementPage(
            lines=[_line(r, labels) for r in found],
            page=query.page,
            size=query.size,
            total=min(total, limit),
            total_is_exact=total <= limit,
        )

    async def stream(self, query: StatementQuery) -> AsyncIterator[list[StatementLine]]:
        """Every matching line, newest first, in chunks (keyset: no offset grows)."""
        shape, values = shape_and_values(query, postgres=self._postgres)
        values["chunk"] = STREAM_CHUNK
        after = False
        while True:
            connection = await self._session.connection()
            statement = chunk_statement(shape, after=after)
            rows = (await connection.execute(statement, values)).all()
            if not rows:
                return
            labels = await PurposeLabels.load(self._session, {r.purpose_ref for r in rows})
            yield [_line(r, labels) for r in rows]
            if len(rows) < STREAM_CHUNK:
                return
            last = rows[-1]
            values.update(
                after_day=last.line_date, after_recorded_at=last.recorded_at, after_id=last.id
            )
            after = True
