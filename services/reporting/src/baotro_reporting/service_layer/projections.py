"""Event handlers that keep the read models up to date (run inside the consumer's transaction)."""

from __future__ import annotations

from sqlalchemy import delete

from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork
from baotro_shared.events.contracts.registry import CaseOpened
from baotro_shared.events.envelope import Envelope
from baotro_shared.messaging.tables import MessagingTables


async def on_case_opened(uow: ReportingUnitOfWork, event: CaseOpened, _envelope: Envelope) -> None:
    await uow.case_views.apply_opened(event)


async def reset_read_models(
    uow: ReportingUnitOfWork, tables: MessagingTables, *, consumer: str
) -> None:
    """Empty every read model and forget what was applied, so a replay rebuilds from zero."""
    async with uow:
        await uow.case_views.clear()
        await uow.session.execute(delete(tables.inbox).where(tables.inbox.c.consumer == consumer))
        await uow.commit()
