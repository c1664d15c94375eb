"""Corrections: a donor told an amount that a later reversal changed gets one letter with the
right amount. Callers hold the row lock of the notice, so the consumer (a reversal) and the
dispatcher (a notice just sent) never both queue the same correction."""

from __future__ import annotations

from datetime import datetime

from baotro_notifications.adapters.delivery_repository import new_delivery
from baotro_notifications.adapters.orm_deliveries import DeliveryRecord
from baotro_notifications.domain.notices import NoticeKind
from baotro_notifications.service_layer.unit_of_work import NotificationsUnitOfWork


async def current_amount(uow: NotificationsUnitOfWork, notice: DeliveryRecord) -> int | None:
    """What the gift (or the unit's gifts) amount to now; None when unknown."""
    if notice.summary_group_id is not None:
        return (await uow.read_models.group_totals(notice.summary_group_id)).total
    if notice.donation_id is not None:
        gift = await uow.read_models.gift(notice.donation_id)
        return None if gift is None else gift.amount - gift.reversed_amount
    return None


async def correct_if_told_wrong(
    uow: NotificationsUnitOfWork, notice: DeliveryRecord, *, now: datetime, just_sent: bool = False
) -> bool:
    """Queue a correction when the amount last told (by `notice` or its latest correction)
    differs from the amount now; True when one was queued. `just_sent`: `notice` is being
    recorded as sent now, so no correction of it can exist yet."""
    if notice.kind not in (NoticeKind.THANK_YOU.value, NoticeKind.UNIT_SUMMARY.value):
        return False
    amount = await current_amount(uow, notice)
    latest = None if just_sent else await uow.deliveries.latest_correction(notice.id)
    told = latest.told_amount if latest is not None else notice.told_amount
    if amount is None or told is None or amount == told:
        return False
    return await uow.deliveries.add_unless_exists(
        new_delivery(
            kind=NoticeKind.CORRECTION,
            dedupe_key=f"correction:{notice.id}:{amount}",
            now=now,
            donor_id=notice.donor_id,
            donation_id=notice.donation_id,
            pledge_id=notice.pledge_id,
            summary_group_id=notice.summary_group_id,
            receipt_number=notice.receipt_number,
            corrects_id=notice.id,
            previous_amount=told,
            told_amount=amount,
        )
    )
