"""Writes of the money read models and of the public statement lines (gifts also several at once).

Every apply is idempotent on its own (a row that exists is left alone), besides the inbox.
Topics are not ordered with one another: a reversal may arrive before its donation, so the
lines are written to come out the same whichever arrives first.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_reporting.adapters.orm import (
    AppealView,
    Base,
    CampaignView,
    DisbursementGroupView,
    DisbursementView,
    DonationView,
    PaymentCodeView,
    PledgeView,
    ReversalView,
    StatementLineRow,
)
from baotro_reporting.domain import statement
from baotro_reporting.domain.labels import PURPOSES, label, public_groups
from baotro_reporting.domain.statement import LineKind
from baotro_shared.events.contracts.donations import (
    CampaignOpened,
    DisbursementMade,
    DonationReceived,
    DonationReversed,
    PaymentCodeIssued,
    PledgeCreated,
)
from baotro_shared.events.contracts.registry import AppealPublished, AppealWithdrawn
from baotro_shared.timeutil import VIETNAM

REVERSAL_MEMO = "Hoàn trả / điều chỉnh giảm khoản ủng hộ"


class MoneyViewRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _exists(self, model: type[Base], key: object) -> bool:
        row: Base | None = await self._session.get(model, key)
        return row is not None

    async def apply_donation(self, event: DonationReceived) -> None:
        await self.apply_donations([event])

    async def apply_donations(self, events: Sequence[DonationReceived]) -> None:
        """Gifts, counted in the receipts and written as public statement lines: those not
        applied yet (one query), one insert per table, and the reversal lines that came first
        taking their donor's public name (one query; an update for each found)."""
        new: dict[uuid.UUID, DonationReceived] = {}
        for event in events:
            new.setdefault(event.donation_id, event)
        if not new:
            return
        applied = await self._session.scalars(
            select(DonationView.donation_id).where(DonationView.donation_id.in_(list(new)))
        )
        for donation_id in applied:
            del new[donation_id]
        if not new:
            return
        names = {
            donation_id: statement.public_name(event.donor_display_name, anonymous=event.anonymous)
            for donation_id, event in new.items()
        }
        await self._session.execute(
            insert(DonationView),
            [_donation_view(event, names[donation_id]) for donation_id, event in new.items()],
        )
        await self._session.execute(
            insert(StatementLineRow),
            [_donation_line(event, names[donation_id]) for donation_id, event in new.items()],
        )
        waiting = await self._session.scalars(
            select(StatementLineRow.donation_id)
            .where(
                StatementLineRow.donation_id.in_(list(new)),
                StatementLineRow.kind == LineKind.REVERSAL,
            )
            .distinct()
        )
        for reversed_id in list(waiting):
            if reversed_id is None:
                continue
            name = names[reversed_id]
            await self._session.execute(
                update(StatementLineRow)
                .where(
                    StatementLineRow.donation_id == reversed_id,
                    StatementLineRow.kind == LineKind.REVERSAL,
                )
                .values(
                    name=name,
                    fund_code=new[reversed_id].fund_code,
                    search_text=statement.search_text(name, REVERSAL_MEMO),
                )
                # no objects of the session to bring up to date (reversal lines are not read
                # back): evaluating the criteria on every object it holds grew with the batch
                .execution_options(synchronize_session=False)
            )

    async def apply_reversal(self, event: DonationReversed) -> None:
        if await self._exists(ReversalView, event.reversal_id):
            return
        reversed_on = event.reversed_on or event.reversed_at.astimezone(VIETNAM).date()
        self._session.add(
            ReversalView(
                reversal_id=event.reversal_id,
                donation_id=event.donation_id,
                fund_code=event.fund_code,
                amount=event.amount,
                reversed_on=reversed_on,
                target_kind=event.target_kind,
                target_id=event.target_id,
            )
        )
        original = await self._session.get(DonationView, event.donation_id)
        name = original.public_name if original else statement.ANONYMOUS
        fund = event.fund_code or (original.fund_code if original else "")
        self._session.add(
            StatementLineRow(
                line_key=f"reversal:{event.reversal_id}",
                kind=LineKind.REVERSAL,
                fund_code=fund,
                line_date=reversed_on,
                recorded_at=event.reversed_at,
                amount=event.amount,
                name=name,
                purpose_kind=event.target_kind,
                purpose_ref=event.target_id,
                memo=REVERSAL_MEMO,
                search_text=statement.search_text(name, REVERSAL_MEMO),
                donation_id=event.donation_id,
            )
        )
        await self._session.flush()

    async def apply_disbursement(self, event: DisbursementMade) -> None:
        if await self._exists(DisbursementView, event.disbursement_id):
            return
        self._session.add(
            DisbursementView(
                disbursement_id=event.disbursement_id,
                fund_code=event.fund_code,
                amount=event.amount,
                paid_on=event.paid_on,
                purpose=event.purpose,
                restriction_kind=event.restriction_kind,
                restriction_id=event.restriction_id,
                commune_code=event.commune_code,
                beneficiaries=event.beneficiaries,
            )
        )
        await self._session.flush()
        self._session.add_all(
            DisbursementGroupView(disbursement_id=event.disbursement_id, group_code=code)
            for code in dict.fromkeys(event.groups)
        )
        purpose = label(PURPOSES, event.purpose)
        parts = [statement.public_memo(event.public_description)]
        if event.groups:
            parts.append(f"Nhóm trẻ em: {public_groups(event.groups)}")
        if event.commune_code:
            parts.append(f"Xã/phường (mã): {event.commune_code}")
        if event.beneficiaries:
            parts.append(f"Số trẻ em: {event.beneficiaries}")
        memo = " — ".join(p for p in parts if p)
        self._session.add(
            StatementLineRow(
                line_key=f"disbursement:{event.disbursement_id}",
                kind=LineKind.DISBURSEMENT,
                fund_code=event.fund_code,
                line_date=event.paid_on,
                recorded_at=event.made_at,
                amount=event.amount,
                name=f"Chi hỗ trợ: {purpose}",
                purpose_kind=event.purpose,
                purpose_ref=event.restriction_id,
                memo=memo,
                search_text=statement.search_text(purpose, memo),
                donation_id=None,
            )
        )
        await self._session.flush()

    async def apply_campaign(self, event: CampaignOpened) -> None:
        if await self._exists(CampaignView, event.campaign_id):
            return
        self._session.add(
            CampaignView(
                campaign_id=event.campaign_id,
                fund_code=event.fund_code,
                name=event.name,
                kind=event.kind,
                starts_on=event.starts_on,
                ends_on=event.ends_on,
                target_amount=event.target_amount,
                restricted=event.restricted,
            )
        )
        await self._session.flush()

    async def apply_pledge(self, event: PledgeCreated) -> None:
        if await self._exists(PledgeView, event.pledge_id):
            return
        self._session.add(
            PledgeView(
                pledge_id=event.pledge_id,
                campaign_id=event.campaign_id,
                fund_code=event.fund_code,
                unit_id=event.unit_id,
                unit_name=event.unit_name,
                headcount=event.headcount,
                target_amount=event.target_amount,
            )
        )
        await self._session.flush()

    async def apply_appeal_published(self, event: AppealPublished) -> None:
        """Published (or published again after a withdrawal: a later date reopens it)."""
        row = await self._session.get(AppealView, event.appeal_id)
        if row is None:
            self._session.add(
                AppealView(
                    appeal_id=event.appeal_id,
                    alias=event.alias,
                    age_band=event.age_band,
                    province_name=event.province_name,
                    need_kind=event.need_kind,
                    amount_sought=event.amount_sought,
                    story=event.story,
                    published_at=event.published_at,
                    withdrawn_at=None,
                )
            )
            await self._session.flush()
            return
        reopened = row.withdrawn_at is not None and event.published_at > row.withdrawn_at
        if not row.alias or reopened or event.published_at >= row.published_at:
            row.alias, row.age_band, row.story = event.alias, event.age_band, event.story
            row.province_name, row.need_kind = event.province_name, event.need_kind
            row.amount_sought, row.published_at = event.amount_sought, event.published_at
        if reopened:
            row.withdrawn_at = None
        await self._session.flush()

    async def apply_appeal_withdrawn(self, event: AppealWithdrawn) -> None:
        row = await self._session.get(AppealView, event.appeal_id)
        if row is not None and row.published_at <= event.withdrawn_at:
            row.withdrawn_at = event.withdrawn_at
            await self._session.flush()
        # a withdrawal seen before its publication: the publication, older, is not shown
        elif row is None:
            self._session.add(_withdrawn_placeholder(event.appeal_id, event.withdrawn_at))
            await self._session.flush()

    async def apply_payment_code(self, event: PaymentCodeIssued) -> None:
        if await self._exists(PaymentCodeView, event.code):
            return
        self._session.add(
            PaymentCodeView(
                code=event.code,
                fund_code=event.fund_code,
                target_kind=event.target_kind,
                target_id=event.target_id,
                amount=event.amount,
                vietqr_payload=event.vietqr_payload,
                issued_at=event.issued_at,
            )
        )
        await self._session.flush()


def _withdrawn_placeholder(appeal_id: uuid.UUID, withdrawn_at: datetime) -> AppealView:
    """A withdrawn appeal whose publication has not arrived yet; never shown publicly.

    When `appeal.published` then arrives with an earlier date it stays withdrawn; published
    again later (a newer date), it comes back.
    """
    return AppealView(
        appeal_id=appeal_id,
        alias="",
        age_band="",
        province_name="",
        need_kind="",
        amount_sought=0,
        story="",
        published_at=withdrawn_at,
        withdrawn_at=withdrawn_at,
    )


def _donation_view(event: DonationReceived, name: str) -> dict[str, object]:
    return {
        "donation_id": event.donation_id,
        "fund_code": event.fund_code,
        "amount": event.amount,
        "received_on": event.received_on,
        "recorded_at": event.recorded_at,
        "channel": event.channel,
        "donor_kind": event.donor_kind,
        "donor_id": event.donor_id,
        "target_kind": event.target_kind,
        "target_id": event.target_id,
        "campaign_id": event.campaign_id,
        "pledge_id": event.pledge_id,
        "restricted": event.restricted,
        "public_name": name,
    }


def _donation_line(event: DonationReceived, name: str) -> dict[str, object]:
    """A gift's public statement line: a bank memo usually carries the sender's name, so an
    anonymous gift shows none."""
    memo = "" if event.anonymous else statement.public_memo(event.public_memo)
    purpose_ref = event.target_id
    if event.campaign_id is not None and event.target_kind in ("campaign", "pledge"):
        purpose_ref = str(event.campaign_id)
    return {
        "line_key": f"donation:{event.donation_id}",
        "kind": LineKind.DONATION,
        "fund_code": event.fund_code,
        "line_date": event.received_on,
        "recorded_at": event.recorded_at,
        "amount": event.amount,
        "name": name,
        "purpose_kind": event.target_kind,
        "purpose_ref": purpose_ref,
        "memo": memo,
        "search_text": statement.search_text(name, memo),
        "donation_id": event.donation_id,
    }
