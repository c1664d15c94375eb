"""Events the donations service consumes: a published appeal and a started sponsorship get a
payment code (inside the consumer's transaction; the inbox and the unique target make it once);
an approved support plan becomes pending disbursement requests for what the fund pays."""

from __future__ import annotations

from collections.abc import Mapping

from baotro_donations.domain.disbursements import PlannedItem, PlannedSupport
from baotro_donations.domain.payment_code import TargetKind
from baotro_donations.service_layer.disbursement_handlers import plan_support
from baotro_donations.service_layer.payment_code_handlers import choose_fund, issue_payment_code
from baotro_donations.service_layer.unit_of_work import DonationsUnitOfWork
from baotro_donations.settings import FundConfig
from baotro_shared.events.contracts.registry import (
    AppealPublished,
    SponsorshipStarted,
    SupportPlanned,
)
from baotro_shared.events.envelope import Envelope
from baotro_shared.messaging.consumer import Handler
from baotro_shared.timeutil import VIETNAM

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


async def on_support_planned(
    uow: DonationsUnitOfWork, event: SupportPlanned, _envelope: Envelope
) -> None:
    await plan_support(
        uow,
        PlannedSupport(
            case_id=event.case_id,
            plan_id=event.plan_id,
            version_number=event.version_number,
            commune_code=event.commune_code,
            groups=event.groups,
            items=tuple(
                PlannedItem(kind=i.kind, amount=i.amount, funding_source=i.funding_source)
                for i in event.items
            ),
            planned_on=event.approved_at.astimezone(VIETNAM).date(),
        ),
    )


HANDLERS: Mapping[str, Handler[DonationsUnitOfWork]] = {
    "appeal.published": on_appeal_published,
    "sponsorship.started": on_sponsorship_started,
    "support.planned": on_support_planned,
}
