"""Stage changes, transfers and closures in the case read model, in any arrival order."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool

from baotro_reporting.adapters.orm import MESSAGING, Base, CaseView
from baotro_reporting.domain.case_stats import CaseStats
from baotro_reporting.entrypoints.consumers import HANDLERS
from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork
from baotro_shared.events.base import EventData
from baotro_shared.events.catalogue import CATALOGUE
from baotro_shared.events.contracts.registry import CaseClosed, CaseOpened, CaseStageChanged
from baotro_shared.messaging.outbox import OutboxWriter

HAC_THANH = "14797"
QUANG_PHU = "16522"
T0 = datetime(2025, 7, 1, 8, 30, tzinfo=UTC)


@pytest.fixture
async def sessions() -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_async_engine("sqlite+aiosqlite://", poolclass=StaticPool)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


@pytest.fixture
def uow_factory(sessions: async_sessionmaker[AsyncSession]) -> Any:
    outbox = OutboxWriter(MESSAGING, CATALOGUE, "/baotro/reporting")
    return lambda: ReportingUnitOfWork(sessions, outbox)


async def _apply(uow_factory: Any, *events: EventData) -> None:
    """Each event in its own transaction, through the consumer's handler for its type."""
    for e in events:
        async with uow_factory() as uow:
            envelope = CATALOGUE.envelope(e, source="/baotro/registry")
            await HANDLERS[e.event_type](uow, e, envelope)
            await uow.commit()


async def _stats(uow_factory: Any) -> CaseStats:
    async with uow_factory() as uow:
        stats: CaseStats = await uow.case_views.stats(communes=None)
    return stats


def _opened(case_id: uuid.UUID, commune: str = HAC_THANH) -> CaseOpened:
    return CaseOpened(
        case_id=case_id,
        commune_code=commune,
        province_code="38",
        groups=("a", "d"),
        opened_at=T0,
        opened_by_role="case_worker",
    )


def _changed(
    case_id: uuid.UUID, frm: str, to: str, *, status: str = "open", commune: str = HAC_THANH
) -> CaseStageChanged:
    return CaseStageChanged(
        case_id=case_id,
        commune_code=commune,
        from_stage=frm,
        to_stage=to,
        status=status,
        changed_at=T0 + timedelta(days=1),
    )


def _closed(case_id: uuid.UUID, commune: str = HAC_THANH) -> CaseClosed:
    return CaseClosed(
        case_id=case_id,
        commune_code=commune,
        groups=("a", "d"),
        closed_at=T0 + timedelta(days=2),
        reason_code="goals_met",
    )


def _closure(case_id: uuid.UUID) -> list[EventData]:
    """What the registry writes when a closure is approved: both, in one transaction."""
    return [_changed(case_id, "services", "closed", status="closed"), _closed(case_id)]


async def test_a_closed_case_leaves_the_open_counts(uow_factory: Any) -> None:
    closing, staying = uuid.uuid4(), uuid.uuid4()
    await _apply(uow_factory, _opened(closing), _opened(staying, QUANG_PHU), *_closure(closing))

    assert await _stats(uow_factory) == CaseStats(
        open_total=1, by_commune={QUANG_PHU: 1}, by_group={"a": 1, "d": 1}
    )


async def test_a_transfer_moves_the_case_to_the_receiving_commune(uow_factory: Any) -> None:
    case = uuid.uuid4()
    await _apply(
        uow_factory,
        _opened(case),
        _changed(case, "assessment", "assessment", commune=QUANG_PHU),
    )

    assert (await _stats(uow_factory)).by_commune == {QUANG_PHU: 1}


async def test_stage_changes_are_stored(
    uow_factory: Any, sessions: async_sessionmaker[AsyncSession]
) -> None:
    case = uuid.uuid4()
    await _apply(uow_factory, _opened(case), _changed(case, "new", "assessment"))

    async with sessions() as session:
        view = await session.get(CaseView, case)
    assert view is not None
    assert (view.stage, view.status, view.opened_at.replace(tzinfo=UTC)) == (
        "assessment",
        "open",
        T0,
    )


async def test_the_same_events_twice_change_nothing(uow_factory: Any) -> None:
    case = uuid.uuid4()
    events = [_opened(case), _changed(case, "new", "assessment"), *_closure(case)]
    await _apply(uow_factory, *events)
    before = await _stats(uow_factory)

    await _apply(uow_factory, *events)

    assert await _stats(uow_factory) == before
    assert before.open_total == 0


async def test_a_reopened_case_counts_again_whatever_order_closed_arrives_in(
    uow_factory: Any,
) -> None:
    """Topics are not ordered with one another; `case.stage_changed` of one case is."""
    case = uuid.uuid4()
    changes = [
        _changed(case, "services", "closed", status="closed"),
        _changed(case, "closed", "reopened"),
    ]
    for position in range(len(changes) + 1):
        async with uow_factory() as uow:
            await uow.case_views.clear()
            await uow.commit()
        stream = [*changes[:position], _closed(case), *changes[position:]]

        await _apply(uow_factory, _opened(case), *stream)

        stats = await _stats(uow_factory)
        assert stats.open_total == 1, f"case.closed at position {position}"
        assert stats.by_group == {"a": 1, "d": 1}


@pytest.mark.parametrize("order", list(itertools.permutations(["opened", "changed", "closed"])))
async def test_any_arrival_order_of_the_topics_ends_closed_with_its_groups(
    uow_factory: Any, sessions: async_sessionmaker[AsyncSession], order: tuple[str, ...]
) -> None:
    case = uuid.uuid4()
    change, closed = _closure(case)
    events: dict[str, EventData] = {"opened": _opened(case), "changed": change, "closed": closed}

    await _apply(uow_factory, *(events[name] for name in order))

    assert (await _stats(uow_factory)).open_total == 0
    async with sessions() as session:
        view = await session.get(CaseView, case)
    assert view is not None
    assert (view.status, view.stage) == ("closed", "closed")
    assert view.opened_at.replace(tzinfo=UTC) == T0


async def test_reporting_consumes_the_lifecycle_topics() -> None:
    assert {"case.opened", "case.stage_changed", "case.closed"} <= set(HANDLERS)
