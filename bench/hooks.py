"""Timestamps taken inside the services' own transactions, with no change to their code.

Only shared interfaces are wrapped, on the running instances of this process:

* registry: each unit of work built by `runtime.uow()` notes the `case.opened` events it
  publishes and the instant its `commit()` returns (the event and the case now exist);
* reporting: `EventConsumer.handle(envelope)` notes when it starts on an event, and the unit
  of work it opens notes the instant its `commit()` returns (the `case_view` row is now
  visible to every reader). A context variable ties the two together.

All times are `time.perf_counter()` of this one process, so there is no clock skew.
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import time
import uuid
from collections.abc import Callable
from typing import Any

from baotro_shared.events.base import EventData
from baotro_shared.events.contracts.registry import CaseOpened
from baotro_shared.events.envelope import Envelope
from baotro_shared.runtime import ServiceRuntime
from baotro_shared.uow import UnitOfWork

_handling: contextvars.ContextVar[tuple[Envelope, float] | None] = contextvars.ContextVar(
    "bench_handling", default=None
)


class LatencyProbe:
    """Per case id: registry commit, reporting pick-up, reporting commit."""

    def __init__(self) -> None:
        self.committed: dict[uuid.UUID, float] = {}
        self.picked_up: dict[uuid.UUID, float] = {}
        self.applied: dict[uuid.UUID, float] = {}
        self.progress = asyncio.Event()
        """Set after each reporting commit, for waiters on `applied`."""
        self.listeners: list[Callable[[uuid.UUID], None]] = []
        """Told of each case id as soon as the registry committed it."""

    def registry_committed(self, case_ids: list[uuid.UUID], at: float) -> None:
        for case_id in case_ids:
            self.committed[case_id] = at
            for listener in self.listeners:
                listener(case_id)

    def reporting_committed(self, case_id: uuid.UUID, began: float, at: float) -> None:
        # a redelivered event is skipped by the inbox and commits nothing; keep the first
        self.picked_up.setdefault(case_id, began)
        self.applied.setdefault(case_id, at)
        self.progress.set()


def _wrap_uow_class(runtime: ServiceRuntime[Any], wrap: Callable[[UnitOfWork], None]) -> None:
    """Make `runtime.uow()` (API and consumer alike) pass each new unit of work to `wrap`."""
    make = runtime.definition.uow_class

    def factory(*args: Any, **kwargs: Any) -> UnitOfWork:
        uow: UnitOfWork = make(*args, **kwargs)
        wrap(uow)
        return uow

    runtime.definition = dataclasses.replace(runtime.definition, uow_class=factory)


def install_registry(runtime: ServiceRuntime[Any], probe: LatencyProbe) -> None:
    """Note the commit instant of every `case.opened` the registry writes to its outbox."""

    def wrap(uow: UnitOfWork) -> None:
        publish, commit = uow.publish, uow.commit
        case_ids: list[uuid.UUID] = []  # the API builds one unit of work per request

        async def timed_publish(data: EventData) -> Envelope:
            envelope = await publish(data)
            if isinstance(data, CaseOpened):
                case_ids.append(data.case_id)
            return envelope

        async def timed_commit() -> None:
            await commit()
            probe.registry_committed(case_ids, time.perf_counter())
            case_ids.clear()

        uow.publish = timed_publish  # type: ignore[method-assign]
        uow.commit = timed_commit  # type: ignore[method-assign]

    _wrap_uow_class(runtime, wrap)


def install_reporting(runtime: ServiceRuntime[Any], probe: LatencyProbe) -> None:
    """Note when reporting's consumer starts on a `case.opened` and when its effect commits."""
    consumer = runtime.consumer
    if consumer is None:
        raise RuntimeError("reporting has no consumer")
    handle = consumer.handle

    async def timed_handle(envelope: Envelope) -> bool:
        token = _handling.set((envelope, time.perf_counter()))
        try:
            return await handle(envelope)
        finally:
            _handling.reset(token)

    def wrap(uow: UnitOfWork) -> None:
        commit = uow.commit

        async def timed_commit() -> None:
            await commit()
            at = time.perf_counter()
            current = _handling.get()
            if current is not None and current[0].type == CaseOpened.event_type:
                envelope, began = current
                probe.reporting_committed(uuid.UUID(envelope.subject), began, at)

        uow.commit = timed_commit  # type: ignore[method-assign]

    consumer.handle = timed_handle  # type: ignore[method-assign]
    _wrap_uow_class(runtime, wrap)
