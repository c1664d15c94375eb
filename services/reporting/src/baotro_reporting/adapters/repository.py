"""Queries and writes of the case read models."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_reporting.adapters.orm import READ_MODELS, CaseGroupView, CaseView
from baotro_reporting.domain.case_stats import CaseStats
from baotro_shared.events.contracts.registry import CaseClosed, CaseOpened, CaseStageChanged
from baotro_shared.messaging.tables import MessagingTables


class CaseViewRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def apply_opened(self, event: CaseOpened) -> None:
        """Insert the case; an event seen twice changes nothing (the inbox guards it too).

        Topics are not ordered with one another: a later `case.stage_changed` or `case.closed`
        may have created the row first. Its status, stage and commune are newer than this
        event's, so only the opening date and the groups are filled in.
        """
        row = await self._session.get(CaseView, event.case_id)
        if row is None:
            self._session.add(
                CaseView(
                    case_id=event.case_id,
                    commune_code=event.commune_code,
                    status="open",
                    stage=event.stage,
                    opened_at=event.opened_at,
                )
            )
            await self._session.flush()
        else:
            row.opened_at = event.opened_at
        await self._add_groups(event.case_id, event.groups)

    async def apply_stage_changed(self, event: CaseStageChanged) -> None:
        """Stage, status and commune (a transfer) as the registry announced them.

        One case's `case.stage_changed` events share a partition, so they arrive in order and
        the latest one is the truth; the row is created if `case.opened` has not arrived yet.
        """
        row = await self._session.get(CaseView, event.case_id)
        if row is None:
            self._session.add(
                CaseView(
                    case_id=event.case_id,
                    commune_code=event.commune_code,
                    status=event.status,
                    stage=event.to_stage,
                    opened_at=event.changed_at,  # until case.opened brings the real date
                )
            )
            await self._session.flush()
            return
        row.commune_code = event.commune_code
        row.status = event.status
        row.stage = event.to_stage
        await self._session.flush()

    async def apply_closed(self, event: CaseClosed) -> None:
        """Closed: status and stage `closed`, unless the stage stream says otherwise.

        The registry writes `case.stage_changed` (to `closed`) in the same transaction as every
        `case.closed`, and that ordered stream owns status and stage. So a `case.closed` closes
        only a case reporting has not heard of yet, or one whose last known stage is not past
        the closure: a case already reopened (`reopened` or later, after a `closed` stage seen)
        is left alone. Groups missing from the row are filled in.
        """
        row = await self._session.get(CaseView, event.case_id)
        if row is None:
            self._session.add(
                CaseView(
                    case_id=event.case_id,
                    commune_code=event.commune_code,
                    status="closed",
                    stage="closed",
                    opened_at=event.closed_at,  # until case.opened brings the real date
                )
            )
            await self._session.flush()
        elif row.stage == "closed":
            row.status = "closed"
        await self._add_groups(event.case_id, event.groups)

    async def _add_groups(self, case_id: uuid.UUID, groups: tuple[str, ...]) -> None:
        known = set(
            (
                await self._session.execute(
                    select(CaseGroupView.group_code).where(CaseGroupView.case_id == case_id)
                )
            ).scalars()
        )
        if known:
            return
        self._session.add_all(
            CaseGroupView(case_id=case_id, group_code=g) for g in dict.fromkeys(groups)
        )
        await self._session.flush()

    async def stats(self, *, communes: Collection[str] | None) -> CaseStats:
        open_cases = select(CaseView.case_id, CaseView.commune_code).where(
            CaseView.status == "open"
        )
        if communes is not None:
            open_cases = open_cases.where(CaseView.commune_code.in_(communes))
        sub = open_cases.subquery()
        by_commune = dict(
            (
                await self._session.execute(
                    select(sub.c.commune_code, func.count()).group_by(sub.c.commune_code)
                )
            )
            .tuples()
            .all()
        )
        by_group = dict(
            (
                await self._session.execute(
                    select(CaseGroupView.group_code, func.count())
                    .join(sub, sub.c.case_id == CaseGroupView.case_id)
                    .group_by(CaseGroupView.group_code)
                )
            )
            .tuples()
            .all()
        )
        return CaseStats(
            open_total=sum(by_commune.values()),
            by_commune=dict(sorted(by_commune.items())),
            by_group=dict(sorted(by_group.items())),
        )

    async def forget_applied(self, tables: MessagingTables, *, consumer: str) -> None:
        """Drop the consumer's inbox rows, so that a replay applies every event again."""
        await self._session.execute(delete(tables.inbox).where(tables.inbox.c.consumer == consumer))

    async def clear(self) -> None:
        for model in READ_MODELS:
            await self._session.execute(delete(model))
