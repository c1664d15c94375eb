"""What the public pages show: published appeals with their codes, campaigns, news, reports."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_reporting.adapters.money_queries import MoneyQueries
from baotro_reporting.adapters.orm import (
    AppealView,
    CampaignView,
    NewsPost,
    PaymentCodeView,
    ReportRow,
)


@dataclass(frozen=True)
class PublicAppeal:
    appeal_id: str
    alias: str
    age_band: str
    province_name: str
    need_kind: str
    story: str
    amount_sought: int
    raised: int
    published_at: datetime
    payment_code: str | None
    vietqr_payload: str | None


@dataclass(frozen=True)
class CampaignProgress:
    campaign_id: str
    name: str
    starts_on: date
    ends_on: date
    target: int | None
    raised: int

    @property
    def percent(self) -> int | None:
        if not self.target:
            return None
        return max(0, min(100, self.raised * 100 // self.target))


@dataclass(frozen=True)
class NewsItem:
    id: uuid.UUID
    title: str
    body: str
    published_at: datetime


@dataclass(frozen=True)
class PublishedReport:
    report_id: str
    kind: str
    period: str
    fund_code: str
    generated_at: datetime | None


class PortalQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._money = MoneyQueries(session)

    async def appeals(self) -> list[PublicAppeal]:
        """Appeals on the portal now (not withdrawn), newest first, with money and code."""
        rows = (
            await self._session.execute(
                select(AppealView)
                .where(AppealView.withdrawn_at.is_(None))
                .order_by(AppealView.published_at.desc(), AppealView.appeal_id)
            )
        ).scalars()
        appeals = list(rows)
        ids = [str(a.appeal_id) for a in appeals]
        raised = await self._money.raised_for("appeal", ids)
        codes = await self.payment_codes("appeal", ids)
        return [
            PublicAppeal(
                appeal_id=str(a.appeal_id),
                alias=a.alias,
                age_band=a.age_band,
                province_name=a.province_name,
                need_kind=a.need_kind,
                story=a.story,
                amount_sought=a.amount_sought,
                raised=raised.get(str(a.appeal_id), 0),
                published_at=a.published_at,
                payment_code=codes[str(a.appeal_id)].code if str(a.appeal_id) in codes else None,
                vietqr_payload=(
                    codes[str(a.appeal_id)].vietqr_payload if str(a.appeal_id) in codes else None
                ),
            )
            for a in appeals
        ]

    async def payment_codes(self, target_kind: str, ids: list[str]) -> dict[str, PaymentCodeView]:
        """The newest payment code of each target."""
        if not ids:
            return {}
        rows = (
            await self._session.execute(
                select(PaymentCodeView)
                .where(
                    PaymentCodeView.target_kind == target_kind, PaymentCodeView.target_id.in_(ids)
                )
                .order_by(PaymentCodeView.issued_at, PaymentCodeView.code)
            )
        ).scalars()
        return {row.target_id: row for row in rows}

    async def campaigns(self, *, today: date, fund_code: str | None) -> list[CampaignProgress]:
        """Campaigns running today, with what they raised (pledges included)."""
        statement = (
            select(CampaignView)
            .where(CampaignView.starts_on <= today, CampaignView.ends_on >= today)
            .order_by(CampaignView.ends_on, CampaignView.name)
        )
        if fund_code is not None:
            statement = statement.where(CampaignView.fund_code == fund_code)
        campaigns = list((await self._session.execute(statement)).scalars())
        raised = await self._money.raised_for_campaigns([c.campaign_id for c in campaigns])
        return [
            CampaignProgress(
                campaign_id=str(c.campaign_id),
                name=c.name,
                starts_on=c.starts_on,
                ends_on=c.ends_on,
                target=c.target_amount,
                raised=raised.get(c.campaign_id, 0),
            )
            for c in campaigns
        ]

    async def news(self, *, limit: int = 10) -> list[NewsItem]:
        rows = await self._session.execute(
            select(NewsPost.id, NewsPost.title, NewsPost.body, NewsPost.published_at)
            .order_by(NewsPost.published_at.desc(), NewsPost.id)
            .limit(limit)
        )
        return [NewsItem(*row) for row in rows.tuples()]

    async def published_reports(self) -> list[PublishedReport]:
        rows = await self._session.execute(
            select(
                ReportRow.id,
                ReportRow.kind,
                ReportRow.period,
                ReportRow.fund_code,
                ReportRow.generated_at,
            )
            .where(ReportRow.published.is_(True), ReportRow.status == "done")
            .order_by(ReportRow.period.desc(), ReportRow.generated_at.desc())
        )
        return [
            PublishedReport(str(i), kind, period, fund, generated)
            for i, kind, period, fund, generated in rows.all()
        ]
