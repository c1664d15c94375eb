"""The case read models and their statistics, on SQLite in memory."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool

from baotro_reporting.adapters.orm import MESSAGING, Base, CaseGroupView, CaseView
from baotro_reporting.domain.case_stats import CaseStats
from baotro_reporting.service_layer.projections import on_case_opened, reset_read_models
from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork
from baotro_shared.events.catalogue import CATALOGUE
from baotro_shared.events.contracts.registry import CaseOpened
from baotro_shared.messaging.outbox import OutboxWriter

HAC_THANH = "14797"
QUANG_PHU = "16522"


def _opened(commune_code: str, *groups: str) -> CaseOpened:
    return CaseOpened(
        case_id=uuid.uuid4(),
        commune_code=commune_code,
        province_code="38",
        groups=groups,
        opened_at=datetime(2025, 7, 1, 8, 30, tzinfo=UTC),
        opened_by_role="case_worker",
    )


@pytest.fixture
async def sessions() -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_async_engine("sqlite+aiosqlite://", poolclass=StaticPool)

    @event.listens_for(engine.sync_engine, "connect")
    def _foreign_keys(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


@pytest.fixture
def uow_factory(sessions: async_sessionmaker[AsyncSession]) -> Any:
    outbox = OutboxWriter(MESSAGING, CATALOGUE, "/baotro/reporting")
    return lambda: ReportingUnitOfWork(sessions, outbox)


async def _apply(uow_factory: Any, *events: CaseOpened) -> None:
    async with uow_factory() as uow:
        for e in events:
            await uow.case_views.apply_opened(e)
        await uow.commit()


async def _stats(uow_factory: Any, communes: frozenset[str] | None = None) -> CaseStats:
    async with uow_factory() as uow:
        stats: CaseStats = await uow.case_views.stats(communes=communes)
    return stats


async def _count(sessions: async_sessionmaker[AsyncSession], model: Any) -> int:
    async with sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_stats_of_no_case_are_zero(uow_factory: Any) -> None:
    assert await _stats(uow_factory) == CaseStats(open_total=0, by_commune={}, by_group={})


async def test_two_opened_cases_count_by_commune_and_by_group(uow_factory: Any) -> None:
    await _apply(uow_factory, _opened(HAC_THANH, "a", "đ"), _opened(QUANG_PHU, "a"))

    stats = await _stats(uow_factory)

    assert stats == CaseStats(
        open_total=2,
        by_commune={HAC_THANH: 1, QUANG_PHU: 1},
        by_group={"a": 2, "đ": 1},
    )


async def test_the_same_event_twice_changes_nothing(
    uow_factory: Any, sessions: async_sessionmaker[AsyncSession]
) -> None:
    opened = _opened(HAC_THANH, "a", "d")
    await _apply(uow_factory, opened)
    before = await _stats(uow_factory)

    await _apply(uow_factory, opened)

    assert await _stats(uow_factory) == before
    assert await _count(sessions, CaseView) == 1
    assert await _count(sessions, CaseGroupView) == 2


async def test_the_same_event_twice_in_one_transaction_changes_nothing(uow_factory: Any) -> None:
    opened = _opened(HAC_THANH, "a")

    await _apply(uow_factory, opened, opened)

    assert (await _stats(uow_factory)).open_total == 1


async def test_the_projection_stores_the_case_as_announced(
    uow_factory: Any, sessions: async_sessionmaker[AsyncSession]
) -> None:
    opened = _opened(HAC_THANH, "a", "đ")
    await _apply(uow_factory, opened)

    async with sessions() as session:
        view = await session.get(CaseView, opened.case_id)
        groups = (
            (
                await session.execute(
                    select(CaseGroupView.group_code).where(CaseGroupView.case_id == opened.case_id)
                )
            )
            .scalars()
            .all()
        )

    assert view is not None
    assert (view.commune_code, view.status, view.stage) == (HAC_THANH, "open", "new")
    assert sorted(groups) == ["a", "đ"]


async def test_stats_keep_to_the_callers_communes(uow_factory: Any) -> None:
    await _apply(
        uow_factory,
        _opened(HAC_THANH, "a", "l"),
        _opened(HAC_THANH, "b"),
        _opened(QUANG_PHU, "a", "m"),
    )

    scoped = await _stats(uow_factory, frozenset({HAC_THANH}))

    assert scoped == CaseStats(
        open_total=2, by_commune={HAC_THANH: 2}, by_group={"a": 1, "b": 1, "l": 1}
    )
    assert (await _stats(uow_factory, frozenset())).open_total == 0
    assert (await _stats(uow_factory, None)).open_total == 3


async def test_stats_count_only_open_cases(
    uow_factory: Any, sessions: async_sessionmaker[AsyncSession]
) -> None:
    opened = _opened(HAC_THANH, "a")
    await _apply(uow_factory, opened, _opened(QUANG_PHU, "b"))
    async with sessions() as session, session.begin():
        view = await session.get(CaseView, opened.case_id)
        assert view is not None
        view.status = "closed"

    stats = await _stats(uow_factory)

    assert stats == CaseStats(open_total=1, by_commune={QUANG_PHU: 1}, by_group={"b": 1})


async def test_stats_are_sorted_by_commune_and_group(uow_factory: Any) -> None:
    await _apply(uow_factory, _opened(QUANG_PHU, "o", "a"), _opened(HAC_THANH, "đ", "d"))

    stats = await _stats(uow_factory)

    assert list(stats.by_commune) == sorted(stats.by_commune)
    assert list(stats.by_group) == sorted(stats.by_group)


async def test_on_case_opened_projects_the_event(uow_factory: Any) -> None:
    opened = _opened(HAC_THANH, "k")
    envelope = CATALOGUE.envelope(opened, source="/baotro/registry")

    async with uow_factory() as uow:
        await on_case_opened(uow, opened, envelope)
        await uow.commit()

    assert (await _stats(uow_factory)).by_group == {"k": 1}


async def test_reset_empties_the_read_models_and_forgets_this_consumers_inbox(
    uow_factory: Any, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _apply(uow_factory, _opened(HAC_THANH, "a", "b"))
    async with sessions() as session, session.begin():
        await session.execute(
            insert(MESSAGING.inbox),
            [
                {
                    "consumer": consumer,
                    "event_id": str(uuid.uuid4()),
                    "event_type": "case.opened",
                    "processed_at": datetime.now(UTC),
                }
                for consumer in ("baotro.reporting", "baotro.other")
            ],
        )

    await reset_read_models(uow_factory(), MESSAGING, consumer="baotro.reporting")

    assert await _stats(uow_factory) == CaseStats(open_total=0, by_commune={}, by_group={})
    assert await _count(sessions, CaseGroupView) == 0
    async with sessions() as session:
        consumers = (await session.execute(select(MESSAGING.inbox.c.consumer))).scalars().all()
    assert consumers == ["baotro.other"]
