"""Event handlers that keep the read models up to date (run inside the consumer's transaction)."""

from __future__ import annotations

from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork
from baotro_shared.events.contracts.registry import CaseClosed, CaseOpened, CaseStageChanged
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


async def reset_read_models(
    uow: ReportingUnitOfWork, tables: MessagingTables, *, consumer: str
) -> None:
    """Empty every read model and forget what was applied, so a replay rebuilds from zero."""
    async with uow:
        await uow.case_views.clear()
        await uow.case_views.forget_applied(tables, consumer=consumer)
        await uow.commit()
