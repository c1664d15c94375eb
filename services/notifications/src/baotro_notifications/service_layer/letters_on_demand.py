"""The PDF of a letter that was sent without one (the letter was the e-mail's HTML body, or
went by SMS or Zalo): rendered when someone asks for it, from this service's own records as
they stood when it was sent — the amount told, the day it was sent — with the donor's name
asked again of the donations service; then kept with the delivery."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from baotro_notifications.adapters.donor_directory import DonorDirectory, DonorNotFoundError
from baotro_notifications.adapters.letter_renderer import LetterRenderer
from baotro_notifications.domain.donors import addressee
from baotro_notifications.domain.notices import DeliveryStatus, SkipReason
from baotro_notifications.service_layer.letter_facts import facts_of
from baotro_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from baotro_shared.timeutil import VIETNAM


class LetterNotSentError(LookupError):
    """The notice has no letter: not sent (yet), or skipped."""


async def letter_pdf(
    uow_factory: Callable[[], NotificationsUnitOfWork],
    delivery_id: uuid.UUID,
    *,
    directory: DonorDirectory,
    renderer: LetterRenderer,
) -> bytes | None:
    """The letter of a delivery as a PDF; None when there is no such delivery.

    Raises `LetterNotSentError` when nothing was sent, and `DonorLookupError` when the
    donations service cannot tell the donor's name now.
    """
    async with uow_factory() as uow:
        notice = await uow.deliveries.get(delivery_id)
        if notice is None:
            return None
        if notice.letter_pdf is not None:
            return notice.letter_pdf
        if notice.status != DeliveryStatus.SENT.value or notice.sent_at is None:
            raise LetterNotSentError(str(delivery_id))
        sent_on = notice.sent_at.astimezone(VIETNAM).date()
        facts = await facts_of(uow, notice, sent_on, as_sent=True)
        donor_id = notice.donor_id
    if isinstance(facts, SkipReason):
        raise LetterNotSentError(str(delivery_id))
    try:
        donor = await directory.get(donor_id) if donor_id is not None else None
    except DonorNotFoundError:
        donor = None
    pdf = await renderer.pdf(renderer.letter_html(facts.addressed_to(addressee(donor))))
    async with uow_factory() as uow:
        row = await uow.deliveries.get(delivery_id, lock=True)
        if row is not None and row.letter_pdf is None:
            row.letter_pdf = pdf
            await uow.commit()
    return pdf
