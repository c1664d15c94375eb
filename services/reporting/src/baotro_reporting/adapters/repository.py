"""Queries and writes of the case read models."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_reporting.adapters.orm import READ_MODELS, CaseGroupView, CaseView
from baotro_reporting.domain.case_stats import CaseStats
from baotro_shared.events.contracts.registry import CaseOpened


class CaseViewRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def apply_opened(self, event: CaseOpened) -> None:
        """Insert the case; an event seen twice changes nothing (the inbox guards it too)."""
        if await self._session.get(CaseView, event.case_id) is not None:
            return
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
        self._session.add_all(
            CaseGroupView(case_id=event.case_id, group_code=g) for g in dict.fromkeys(event.groups)
        )

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

    async def clear(self) -> None:
        for model in READ_MODELS:
            await self._session.execute(delete(model))
