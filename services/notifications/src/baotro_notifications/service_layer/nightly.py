"""The nightly commendation evaluation: at a configured Vietnam time, every rule of the year
(and, on the first night of a year, of the year just ended) is evaluated."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import structlog

from baotro_notifications.service_layer.commendations import evaluate
from baotro_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from baotro_shared.timeutil import VIETNAM

log = structlog.get_logger(__name__)


def seconds_until(at: time, now: datetime) -> float:
    """Seconds from `now` to the next `at` o'clock in Vietnam."""
    local = now.astimezone(VIETNAM)
    target = datetime.combine(local.date(), at, tzinfo=VIETNAM)
    if target <= local:
        target = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=VIETNAM)
    return (target - local).total_seconds()


def years_to_evaluate(now: datetime) -> list[int]:
    """This year, and the last one while yesterday still belonged to it."""
    today = now.astimezone(VIETNAM).date()
    yesterday = today - timedelta(days=1)
    return sorted({yesterday.year, today.year})


class NightlyEvaluation:
    def __init__(self, uow_factory: Callable[[], NotificationsUnitOfWork], at: time) -> None:
        self._uow = uow_factory
        self._at = at

    async def run_once(self) -> int:
        proposed = 0
        for year in years_to_evaluate(datetime.now(UTC)):
            async with self._uow() as uow:
                proposed += len(await evaluate(uow, year=year))
        log.info("notifications.commendations.evaluated", proposed=proposed)
        return proposed

    async def run(self) -> None:
        while True:
            await asyncio.sleep(seconds_until(self._at, datetime.now(UTC)))
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("notifications.commendations.evaluation_failed")
