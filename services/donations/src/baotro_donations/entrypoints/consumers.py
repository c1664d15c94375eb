"""Events the donations service consumes: a published appeal and a started sponsorship get a
payment code (inside the consumer's transaction; the inbox and the unique target make it once)."""

from __future__ import annotations

from collections.abc import Mapping

from baotro_donations.domain.payment_code import TargetKind
from baotro_donations.service_layer.payment_code_handlers import choose_fund, issue_payment_code
from baotro_donations.service_layer.unit_of_work import DonationsUnitOfWork
from baotro_donations.settings import FundConfig
from baotro_shared.events.contracts.registry import AppealPublished, SponsorshipStarted
from baotro_shared.events.envelope import Envelope
from baotro_shared.messaging.consumer import Handler

ISSUED_BY = "service:donations"


def _default_fund(uow: DonationsUnitOfWork) -> FundConfig:
    """Codes issued from events belong to the default (first) fund of the configuration."""
    return choose_fund(uow.settings.funds, None)


async def on_appeal_published(
    uow: DonationsUnitOfWork, event: AppealPublished, _envelope: Envelope
) -> None:
    await issue_payment_code(
        uow,
        _default_fund(uow),
        target_kind=TargetKind.APPEAL,
        target_id=str(event.appeal_id),
        amount=event.amount_sought or None,
        created_by=ISSUED_BY,
    )


async def on_sponsorship_started(
    uow: DonationsUnitOfWork, event: SponsorshipStarted, _envelope: Envelope
) -> None:
    await issue_payment_code(
        uow,
        _default_fund(uow),
        target_kind=TargetKind.SPONSORSHIP,
        target_id=str(event.sponsorship_id),
        amount=event.amount or None,
        created_by=ISSUED_BY,
    )


HANDLERS: Mapping[str, Handler[DonationsUnitOfWork]] = {
    "appeal.published": on_appeal_published,
    "sponsorship.started": on_sponsorship_started,
}
