"""Reporting's own records: news posts written by staff and the reports it generated."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from baotro_reporting.adapters.orm import NewsPost, ReportRow


class RecordRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_news(self, post: NewsPost) -> None:
        self._session.add(post)
        await self._session.flush()

    async def add_report(self, report: ReportRow) -> None:
        self._session.add(report)
        await self._session.flush()

    async def report(self, report_id: uuid.UUID) -> ReportRow | None:
        return await self._session.get(ReportRow, report_id)

    async def detached_report(self, report_id: uuid.UUID) -> ReportRow | None:
        """The report, readable after the unit of work ends (no longer tracked)."""
        row = await self._session.get(ReportRow, report_id)
        if row is not None:
            self._session.expunge(row)
        return row
