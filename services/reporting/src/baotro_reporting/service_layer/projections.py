"""Event handlers that keep the read models up to date (run inside the consumer's transaction)."""

from __future__ import annotations

from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork
from baotro_shared.events.contracts.donations import (
    CampaignOpened,
    DisbursementMade,
    DonationReceived,
    DonationReversed,
    PaymentCodeIssued,
    PledgeCreated,
)
from baotro_shared.events.contracts.registry import (
    AppealPublished,
    AppealWithdrawn,
    CaseClosed,
    CaseOpened,
    CaseStageChanged,
)
from baotro_shared.events.envelope import Envelope
from baotro_shared.messaging.tables import MessagingTables


async def on_case_opened(uow: ReportingUnitOfWork, event: CaseOpened, _envelope: Envelope) -> None:
    await uow.case_views.apply_opened(event)


async def on_case_stage_changed(
    uow: ReportingUnitOfWork, event: CaseStageChanged, _envelope: Envelope
) -> None:
    """Stage, status and, after a transfer, the commune the case is counted in."""
    await uow.case_views.apply_stage_changed(event)


async def on_case_closed(uow: ReportingUnitOfWork, event: CaseClosed, _envelope: Envelope) -> None:
    """A closed case leaves the open counts."""
    await uow.case_views.apply_closed(event)


async def on_donation_received(
    uow: ReportingUnitOfWork, event: DonationReceived, _envelope: Envelope
) -> None:
    """A gift: counted in the receipts and written as a public statement line."""
    await uow.money_views.apply_donation(event)


async def on_donations_received(
    uow: ReportingUnitOfWork, events: list[tuple[DonationReceived, Envelope]]
) -> None:
    """Gifts in a row (a replay of the statement): as `on_donation_received`, at once."""
    await uow.money_views.apply_donations([event for event, _ in events])


async def on_donation_reversed(
    uow: ReportingUnitOfWork, event: DonationReversed, _envelope: Envelope
) -> None:
    """A reversal: a negative receipt on its own date and its own statement line."""
    await uow.money_views.apply_reversal(event)


async def on_disbursement_made(
    uow: ReportingUnitOfWork, event: DisbursementMade, _envelope: Envelope
) -> None:
    await uow.money_views.apply_disbursement(event)


async def on_campaign_opened(
    uow: ReportingUnitOfWork, event: CampaignOpened, _envelope: Envelope
) -> None:
    await uow.money_views.apply_campaign(event)


async def on_pledge_created(
    uow: ReportingUnitOfWork, event: PledgeCreated, _envelope: Envelope
) -> None:
    await uow.money_views.apply_pledge(event)


async def on_appeal_published(
    uow: ReportingUnitOfWork, event: AppealPublished, _envelope: Envelope
) -> None:
    await uow.money_views.apply_appeal_published(event)


async def on_appeal_withdrawn(
    uow: ReportingUnitOfWork, event: AppealWithdrawn, _envelope: Envelope
) -> None:
    """Off the portal at once; what it raised stays in the reports."""
    await uow.money_views.apply_appeal_withdrawn(event)


async def on_payment_code_issued(
    uow: ReportingUnitOfWork, event: PaymentCodeIssued, _envelope: Envelope
) -> None:
    await uow.money_views.apply_payment_code(event)


async def reset_read_models(
    uow: ReportingUnitOfWork, tables: MessagingTables, *, consumer: str
) -> None:
    """Empty every read model and forget what was applied, so a replay rebuilds from zero."""
    async with uow:
        await uow.case_views.clear()
        await uow.case_views.forget_applied(tables, consumer=consumer)
        await uow.commit()
