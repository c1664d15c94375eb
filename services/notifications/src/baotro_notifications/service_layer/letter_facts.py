"""What a pending notice will tell, read from this service's own records when it is sent
(the donor's name and address are added by the dispatcher from the donations service)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date

from baotro_notifications.adapters.orm_deliveries import DeliveryRecord
from baotro_notifications.adapters.orm_read_models import GiftRecord
from baotro_notifications.domain.letters import Letter, gift_purpose
from baotro_notifications.domain.notices import NoticeKind, SkipReason
from baotro_notifications.service_layer.unit_of_work import NotificationsUnitOfWork


@dataclass(frozen=True)
class LetterFacts:
    """A letter without its addressee, and the PDFs to send along."""

    letter: Letter
    attachments: tuple[tuple[str, bytes], ...] = ()

    def addressed_to(self, addressee: str) -> Letter:
        return replace(self.letter, addressee=addressee)


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


async def _purpose(uow: NotificationsUnitOfWork, gift: GiftRecord) -> str:
    campaign_id = gift.campaign_id
    if campaign_id is None and gift.target_kind == "campaign":
        campaign_id = _uuid(gift.target_id)
    alias = None
    if gift.target_kind == "appeal":
        alias = await uow.read_models.appeal_alias(_uuid(gift.target_id))
    return gift_purpose(
        gift.target_kind,
        campaign_name=await uow.read_models.campaign_name(campaign_id),
        appeal_alias=alias,
    )


async def facts_of(
    uow: NotificationsUnitOfWork, notice: DeliveryRecord, today: date, *, as_sent: bool = False
) -> LetterFacts | SkipReason:
    """The letter a notice will send, or why nothing should be sent. `as_sent`: the letter a
    sent notice told (its amount, whatever was reversed since), dated `today`."""
    kind = NoticeKind(notice.kind)
    if kind is NoticeKind.COMMENDATION:
        return await _commendation_facts(uow, notice, today)
    if notice.summary_group_id is not None:
        return await _summary_facts(uow, notice, kind, today, as_sent=as_sent)
    gift = (
        await uow.read_models.gift(notice.donation_id) if notice.donation_id is not None else None
    )
    if gift is None:
        return SkipReason.NO_DONOR
    amount = gift.amount - gift.reversed_amount
    if kind is NoticeKind.CORRECTION or (as_sent and notice.told_amount is not None):
        amount = notice.told_amount or 0
    elif amount <= 0:
        return SkipReason.FULLY_REVERSED
    return LetterFacts(
        Letter(
            kind=kind,
            addressee="",
            amount=amount,
            letter_date=today,
            purpose=await _purpose(uow, gift),
            received_on=gift.received_on,
            receipt_number=gift.receipt_number,
            in_kind=gift.channel == "in_kind",
            told_amount=notice.previous_amount,
        )
    )


async def _summary_facts(
    uow: NotificationsUnitOfWork,
    notice: DeliveryRecord,
    kind: NoticeKind,
    today: date,
    *,
    as_sent: bool = False,
) -> LetterFacts | SkipReason:
    assert notice.summary_group_id is not None
    totals = await uow.read_models.group_totals(notice.summary_group_id)
    group = await uow.read_models.summary(notice.summary_group_id)
    pledge = await uow.read_models.pledge(group.pledge_id if group else notice.pledge_id)
    campaign_id = group.campaign_id if group else None
    told = kind is NoticeKind.CORRECTION or (as_sent and notice.told_amount is not None)
    amount = (notice.told_amount or 0) if told else totals.total
    if not told and amount <= 0:
        return SkipReason.FULLY_REVERSED
    purpose = gift_purpose("pledge", campaign_name=await uow.read_models.campaign_name(campaign_id))
    return LetterFacts(
        Letter(
            kind=kind,
            addressee="",
            amount=amount,
            letter_date=today,
            purpose=purpose,
            gifts=notice.gifts if as_sent and notice.gifts else totals.gifts,
            first_gift_on=totals.first_on,
            last_gift_on=totals.last_on,
            pledge_target=pledge.target_amount if pledge else None,
            told_amount=notice.previous_amount,
        )
    )


async def _commendation_facts(
    uow: NotificationsUnitOfWork, notice: DeliveryRecord, today: date
) -> LetterFacts | SkipReason:
    record = (
        await uow.commendations.get(notice.commendation_id)
        if notice.commendation_id is not None
        else None
    )
    if record is None or record.certificate_pdf is None:
        return SkipReason.NO_DONOR
    name = f"giay-khen-{(record.certificate_number or record.id.hex).replace('/', '-')}.pdf"
    return LetterFacts(
        Letter(
            kind=NoticeKind.COMMENDATION,
            addressee="",
            amount=record.total_given,
            letter_date=today,
            purpose="khen thưởng",
            award=record.award,
            award_reason=str(record.evidence.get("reason", "")),
            certificate_number=record.certificate_number,
        ),
        attachments=((name, record.certificate_pdf),),
    )
