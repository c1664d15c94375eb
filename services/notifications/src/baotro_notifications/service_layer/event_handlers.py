"""What the notifications service does with other services' events, inside the consumer's
transaction (the runtime records the inbox and commits): remember the facts, record pending
notices. Nothing is sent here — the dispatcher sends after the commit."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from baotro_notifications.adapters.delivery_repository import new_delivery
from baotro_notifications.adapters.orm_read_models import (
    AppealRecord,
    CampaignRecord,
    GiftRecord,
    PledgeRecord,
    SponsorshipRecord,
)
from baotro_notifications.domain.notices import (
    SKIP_REASONS_VI,
    DeliveryStatus,
    NoticeKind,
    SkipReason,
)
from baotro_notifications.service_layer.corrections import correct_if_told_wrong
from baotro_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from baotro_shared.events.contracts.donations import (
    CampaignOpened,
    DonationReceived,
    DonationReversed,
    PledgeCreated,
)
from baotro_shared.events.contracts.registry import (
    AppealPublished,
    SponsorshipEnded,
    SponsorshipStarted,
)

DONOR_REF_PREFIX = "donor:"


def thank_you_key(donation_id: uuid.UUID) -> str:
    return f"thank_you:{donation_id}"


def summary_key(group_id: uuid.UUID) -> str:
    return f"summary:{group_id}"


def _now() -> datetime:
    return datetime.now(UTC)


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


async def record_gift(uow: NotificationsUnitOfWork, event: DonationReceived) -> None:
    """Remember the gift once; a pledge gift joins its unit's summary, any other gift gets
    its own pending thank-you (exactly one per donation: the gift's key and the notice's
    dedupe key are both unique)."""
    now = _now()
    pledge_id = event.pledge_id or (
        _uuid(event.target_id) if event.target_kind == "pledge" else None
    )
    pledge = await uow.read_models.pledge(pledge_id)
    # a gift to a pledge counts for the pledge's unit unless it names another donor
    donor_id = event.donor_id or (pledge.unit_id if pledge else None)
    donor_kind = event.donor_kind or ("unit" if pledge and donor_id == pledge.unit_id else None)
    campaign_id = event.campaign_id or (pledge.campaign_id if pledge else None)
    added = await uow.read_models.add_gift(
        {
            "donation_id": event.donation_id,
            "donor_id": donor_id,
            "donor_kind": donor_kind,
            "amount": event.amount,
            "reversed_amount": 0,
            "received_on": event.received_on,
            "channel": event.channel,
            "target_kind": event.target_kind,
            "target_id": event.target_id,
            "campaign_id": campaign_id,
            "pledge_id": pledge_id,
            "anonymous": event.anonymous,
            "receipt_number": event.receipt_number,
            "summary_group_id": None,
            "recorded_at": event.recorded_at,
        }
    )
    if not added:
        return
    early = await uow.read_models.take_early_reversals(event.donation_id)
    if early:
        gift = await uow.read_models.gift(event.donation_id)
        assert gift is not None
        for amount, remaining in early:
            apply_reversal(gift, amount, remaining)
    if pledge_id is not None and donor_id is not None:
        group_id = await uow.read_models.join_open_summary(
            open_key=f"pledge:{pledge_id}",
            unit_id=pledge.unit_id if pledge else donor_id,
            pledge_id=pledge_id,
            campaign_id=campaign_id,
            now=now,
        )
        gift = await uow.read_models.gift(event.donation_id)
        assert gift is not None
        gift.summary_group_id = group_id
        return
    no_donor = donor_id is None
    await uow.deliveries.add_unless_exists(
        new_delivery(
            kind=NoticeKind.THANK_YOU,
            dedupe_key=thank_you_key(event.donation_id),
            now=now,
            donor_id=donor_id,
            donation_id=event.donation_id,
            receipt_number=event.receipt_number,
            status=DeliveryStatus.SKIPPED if no_donor else DeliveryStatus.PENDING,
            skip_reason=SkipReason.NO_DONOR.value if no_donor else None,
            last_error=SKIP_REASONS_VI[SkipReason.NO_DONOR] if no_donor else None,
        )
    )


def apply_reversal(gift: GiftRecord, amount: int, remaining: int | None) -> None:
    """Deduct a reversal: the remaining amount when the event tells it, else the amount."""
    if remaining is not None:
        reversed_now = gift.amount - min(remaining, gift.amount)
        gift.reversed_amount = max(gift.reversed_amount, reversed_now)
    else:
        gift.reversed_amount = min(gift.amount, gift.reversed_amount + amount)


async def record_reversal(uow: NotificationsUnitOfWork, event: DonationReversed) -> None:
    """Deduct the reversal; if the donor was already told the old amount, queue a correction.
    A notice not sent yet will simply tell the right amount (or nothing, fully reversed)."""
    gift = await uow.read_models.gift(event.donation_id, lock=True)
    if gift is None:  # its donation.received (another topic) is still on its way
        await uow.read_models.keep_early_reversal(
            reversal_id=event.reversal_id,
            donation_id=event.donation_id,
            amount=event.amount,
            remaining=event.remaining_amount,
        )
        return
    apply_reversal(gift, event.amount, event.remaining_amount)
    key = (
        summary_key(gift.summary_group_id)
        if gift.summary_group_id is not None
        else thank_you_key(gift.donation_id)
    )
    notice = await uow.deliveries.by_key(key, lock=True)
    if notice is not None and notice.status == DeliveryStatus.SENT.value:
        await correct_if_told_wrong(uow, notice, now=_now())


async def remember_campaign(uow: NotificationsUnitOfWork, event: CampaignOpened) -> None:
    await uow.read_models.remember(
        CampaignRecord,
        {"campaign_id": event.campaign_id, "name": event.name, "kind": event.kind},
    )


async def remember_pledge(uow: NotificationsUnitOfWork, event: PledgeCreated) -> None:
    await uow.read_models.remember(
        PledgeRecord,
        {
            "pledge_id": event.pledge_id,
            "campaign_id": event.campaign_id,
            "unit_id": event.unit_id,
            "unit_name": event.unit_name,
            "target_amount": event.target_amount,
        },
    )


async def remember_appeal(uow: NotificationsUnitOfWork, event: AppealPublished) -> None:
    await uow.read_models.remember(
        AppealRecord, {"appeal_id": event.appeal_id, "alias": event.alias}
    )


def donor_of_ref(ref: str) -> uuid.UUID | None:
    """`donor:<uuid>` (registry's sponsor reference) → the donor id; anything else → None."""
    if not ref.startswith(DONOR_REF_PREFIX):
        return None
    try:
        return uuid.UUID(ref.removeprefix(DONOR_REF_PREFIX))
    except ValueError:
        return None


async def remember_sponsorship(uow: NotificationsUnitOfWork, event: SponsorshipStarted) -> None:
    await uow.read_models.remember(
        SponsorshipRecord,
        {
            "sponsorship_id": event.sponsorship_id,
            "donor_id": donor_of_ref(event.sponsor_ref),
            "started_on": event.started_on,
            "ended_on": None,
        },
    )


async def end_sponsorship(uow: NotificationsUnitOfWork, event: SponsorshipEnded) -> None:
    await uow.read_models.end_sponsorship(event.sponsorship_id, event.ended_on)
