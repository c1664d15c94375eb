"""`notice.sent` and `notice.failed` of a delivery: ids, channel and amounts, no contact data."""

from __future__ import annotations

from datetime import datetime

from baotro_notifications.adapters.orm_deliveries import DeliveryRecord
from baotro_shared.events.contracts.notifications import NoticeFailed, NoticeSent


def sent_event(notice: DeliveryRecord, now: datetime) -> NoticeSent:
    assert notice.donor_id is not None
    assert notice.channel is not None
    return NoticeSent(
        notice_id=notice.id,
        kind=notice.kind,
        channel=notice.channel,
        donor_id=notice.donor_id,
        donation_id=notice.donation_id,
        receipt_number=notice.receipt_number,
        pledge_id=notice.pledge_id,
        commendation_id=notice.commendation_id,
        amount=notice.told_amount,
        gifts=notice.gifts,
        attempts=max(notice.attempts, 1),
        sent_at=now,
    )


def failed_event(notice: DeliveryRecord, now: datetime) -> NoticeFailed:
    assert notice.donor_id is not None
    return NoticeFailed(
        notice_id=notice.id,
        kind=notice.kind,
        channel=notice.channel,
        donor_id=notice.donor_id,
        donation_id=notice.donation_id,
        pledge_id=notice.pledge_id,
        commendation_id=notice.commendation_id,
        attempts=max(notice.attempts, 1),
        provider_status=notice.provider_status,
        failed_at=now,
    )
