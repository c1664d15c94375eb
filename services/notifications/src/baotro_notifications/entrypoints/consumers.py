"""Events the notifications service consumes: gifts and reversals (thank-yous, corrections,
unit summaries, commendation totals), and the names and facts letters and rules need."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from baotro_notifications.service_layer import event_handlers as h
from baotro_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from baotro_shared.events.envelope import Envelope
from baotro_shared.messaging.consumer import Handler


def _handler(
    apply: Callable[[NotificationsUnitOfWork, Any], Awaitable[None]],
) -> Handler[NotificationsUnitOfWork]:
    async def handle(uow: NotificationsUnitOfWork, event: Any, _envelope: Envelope) -> None:
        await apply(uow, event)

    handle.__name__ = apply.__name__
    return handle


HANDLERS: Mapping[str, Handler[NotificationsUnitOfWork]] = {
    "donation.received": _handler(h.record_gift),
    "donation.reversed": _handler(h.record_reversal),
    "campaign.opened": _handler(h.remember_campaign),
    "pledge.created": _handler(h.remember_pledge),
    "appeal.published": _handler(h.remember_appeal),
    "sponsorship.started": _handler(h.remember_sponsorship),
    "sponsorship.ended": _handler(h.end_sponsorship),
}
