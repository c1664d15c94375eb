"""Figure 2: end-to-end latency, commit in registry → `case_view` row committed in reporting.

The real registry and reporting services run in this process (`ServiceHarness`: their apps,
runtimes, relays and consumers) on their own PostgreSQL databases and a fresh broker, with
the production timings of `ServiceSettings` (not the harness's fast test timings) and the
production observability wiring of `serve()` (tracer provider, aiokafka instrumentation).

Cases are opened through registry's HTTP API (in-process ASGI client) at a steady offered
rate: request i starts at t0 + i/rate, up to `max_in_flight` requests at once (a finite
population of clients); when the services cannot keep up, fewer requests start, and the
achieved rate says so. Timestamps come from `bench.hooks`; an independent poller also reads
`case_view` over its own connection, as a cross-check of what a reader sees.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import asyncpg  # type: ignore[import-untyped]

from baotro_shared.broker_process import BrokerProcess
from baotro_shared.observability.tracing import configure_tracing, instrument_clients
from baotro_shared.settings import DEVELOPMENT_SIGNING_KEY, ServiceSettings
from baotro_shared.testing.harness import FAST_TEST_SETTINGS, RunningService, ServiceHarness
from baotro_shared.testing.postgres import PostgresDatabases
from baotro_shared.web.auth import Role, TokenConfig, issue_token
from bench import hooks
from bench.environment import cpu_seconds
from bench.events import province_communes, random_case_request
from bench.stats import Summary

PRODUCTION_TIMINGS: dict[str, Any] = {
    name: ServiceSettings.model_fields[name].default for name in FAST_TEST_SETTINGS
}
"""The harness's fast test timings put back to the defaults a deployed service runs with."""

DRAIN_TIMEOUT_S = 90.0
POLL_SAMPLE = 5
"""The cross-check poller watches one case in this many."""


@dataclass(frozen=True)
class LatencyConfig:
    rates: tuple[float, ...]
    """Offered rates, each run for `duration_s` (the first is the headline figure)."""
    durations_s: tuple[float, ...]
    warmup: int
    poll_interval_s: float
    max_in_flight: int


@dataclass(frozen=True)
class LatencyRun:
    offered_rate: float
    duration_s: float
    dispatched: int
    errors: int
    missing: int
    end_to_end: Summary
    to_pickup: Summary
    projection: Summary
    observed: Summary | None
    http: Summary
    loop_lag: Summary
    cpu_percent: float
    pipeline_rate: float
    """Cases through the whole chain per second: count / (last effect − first commit)."""
    early_p50_ms: float
    late_p50_ms: float
    """Median latency of the first and the last third of the cases (is a queue building?)."""

    @property
    def achieved_rate(self) -> float:
        return self.dispatched / self.duration_s

    @property
    def saturated(self) -> bool:
        """Fewer requests than offered, a chain slower than the requests, or a growing latency."""
        growing = self.late_p50_ms > 3 * self.early_p50_ms + 50
        behind = self.pipeline_rate < 0.9 * self.achieved_rate
        return self.achieved_rate < 0.95 * self.offered_rate or behind or growing


class Load:
    """`POST /v1/cases` at a steady offered rate; HTTP latency and errors per request."""

    def __init__(self, registry: RunningService, communes: list[str], max_in_flight: int) -> None:
        config = TokenConfig(DEVELOPMENT_SIGNING_KEY, "baotro", "baotro")
        token = issue_token(config, sub="bench", role=Role.CASE_WORKER, communes=None)
        self._headers = {"Authorization": f"Bearer {token}"}
        self._registry = registry
        self._communes = communes
        self._rng = random.Random(2016)
        self._slots = asyncio.Semaphore(max_in_flight)
        self.case_ids: list[uuid.UUID] = []
        self.http_ms: list[float] = []
        self.errors = 0

    async def _open_one(self) -> None:
        body = random_case_request(self._rng, self._communes)
        started = time.perf_counter()
        try:
            response = await self._registry.client.post(
                "/v1/cases", json=body, headers=self._headers
            )
        except Exception:
            self.errors += 1
            return
        finally:
            self._slots.release()
        self.http_ms.append((time.perf_counter() - started) * 1000)
        if response.status_code != 201:
            self.errors += 1
            return
        self.case_ids.append(uuid.UUID(response.json()["id"]))

    async def run(self, rate: float, *, duration_s: float | None = None, count: int = 0) -> int:
        """Start requests at `rate`/s for `duration_s` (or `count` of them); wait for them all."""
        tasks: set[asyncio.Task[None]] = set()
        started = time.perf_counter()
        i = 0
        while (duration_s is None and i < count) or (
            duration_s is not None and time.perf_counter() - started < duration_s
        ):
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await self._slots.acquire()
            task = asyncio.create_task(self._open_one())
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            i += 1
        while tasks:
            await asyncio.gather(*list(tasks))
        return i


class Poller:
    """Reads `case_view` over its own connection every `interval` s: when is a case visible?

    It watches one case in `sample` (in commit order), so that its own queries stay cheap
    even when thousands of cases are on their way.
    """

    def __init__(self, probe: hooks.LatencyProbe, interval: float, sample: int) -> None:
        self._interval = interval
        self._sample = sample
        self._committed = 0
        self.pending: set[uuid.UUID] = set()
        self.seen: dict[uuid.UUID, float] = {}
        self.progress = asyncio.Event()
        probe.listeners.append(self._on_commit)

    def _on_commit(self, case_id: uuid.UUID) -> None:
        if self._committed % self._sample == 0:
            self.pending.add(case_id)
        self._committed += 1

    async def run(self, dsn: str, stop: asyncio.Event) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            while not stop.is_set():
                if self.pending:
                    rows = await conn.fetch(
                        "SELECT case_id::text FROM case_view WHERE case_id = ANY($1::uuid[])",
                        list(self.pending),
                    )
                    now = time.perf_counter()
                    for row in rows:
                        case_id = uuid.UUID(row[0])
                        self.seen[case_id] = now
                        self.pending.discard(case_id)
                    if rows:
                        self.progress.set()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._interval)
        finally:
            await conn.close()


async def _loop_lag(samples: list[float], stop: asyncio.Event, tick: float = 0.01) -> None:
    """How late the event loop wakes a 10 ms sleeper: a gauge of CPU saturation."""
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(tick)
        samples.append((time.perf_counter() - started - tick) * 1000)


async def _wait_until(done: Callable[[], bool], progress: asyncio.Event, timeout: float) -> None:
    """Until `done()` or `timeout`; `progress` is set whenever `done()` may have changed."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout):
            while True:
                progress.clear()
                if done():
                    return
                await progress.wait()


def _ms(pairs: list[tuple[float, float]]) -> Summary:
    return Summary.of([(end - begin) * 1000 for begin, end in pairs])


class Bench:
    """Registry and reporting running in this process, with the probe installed."""

    def __init__(self, registry: RunningService, reporting: RunningService, config: LatencyConfig):
        self.registry = registry
        self.reporting = reporting
        self.config = config
        self.probe = hooks.LatencyProbe()
        hooks.install_registry(registry.runtime, self.probe)
        hooks.install_reporting(reporting.runtime, self.probe)
        self.communes = province_communes()

    def _applied(self, ids: list[uuid.UUID]) -> bool:
        return all(c in self.probe.applied for c in ids)

    async def warm_up(self) -> None:
        """The consumer joins its group, pools fill, code paths get hot; nothing is measured."""
        load = Load(self.registry, self.communes, self.config.max_in_flight)
        await load.run(min(self.config.rates), count=self.config.warmup)
        await _wait_until(lambda: self._applied(load.case_ids), self.probe.progress, 60)
        if load.errors or not self._applied(load.case_ids):
            raise RuntimeError("the warm-up cases never reached reporting")

    async def run(self, rate: float, duration_s: float) -> LatencyRun:
        load = Load(self.registry, self.communes, self.config.max_in_flight)
        stop = asyncio.Event()
        poller = Poller(self.probe, self.config.poll_interval_s, POLL_SAMPLE)
        lag: list[float] = []
        dsn = self.reporting.database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
        background = [
            asyncio.create_task(poller.run(dsn, stop)),
            asyncio.create_task(_loop_lag(lag, stop)),
        ]
        cpu, wall = cpu_seconds(), time.perf_counter()
        try:
            dispatched = await load.run(rate, duration_s=duration_s)
            await _wait_until(
                lambda: self._applied(load.case_ids), self.probe.progress, DRAIN_TIMEOUT_S
            )
            await _wait_until(lambda: not poller.pending, poller.progress, 5)
        finally:
            cpu_percent = (cpu_seconds() - cpu) / (time.perf_counter() - wall) * 100
            stop.set()
            self.probe.listeners.clear()
            for task in background:
                await task
        return self._result(rate, duration_s, dispatched, load, poller, lag, cpu_percent)

    def _result(
        self,
        rate: float,
        duration_s: float,
        dispatched: int,
        load: Load,
        poller: Poller,
        lag: list[float],
        cpu_percent: float,
    ) -> LatencyRun:
        probe = self.probe
        done = sorted(
            (c for c in load.case_ids if c in probe.applied and c in probe.committed),
            key=probe.committed.__getitem__,
        )
        if not done:
            raise RuntimeError(f"at {rate}/s no case reached reporting")
        seen = [c for c in done if c in poller.seen]
        e2e = [(probe.applied[c] - probe.committed[c]) * 1000 for c in done]
        third = max(1, len(done) // 3)
        span = max(probe.applied[c] for c in done) - probe.committed[done[0]]
        return LatencyRun(
            offered_rate=rate,
            duration_s=duration_s,
            dispatched=dispatched,
            errors=load.errors,
            missing=len(load.case_ids) - len(done),
            end_to_end=Summary.of(e2e),
            to_pickup=_ms([(probe.committed[c], probe.picked_up[c]) for c in done]),
            projection=_ms([(probe.picked_up[c], probe.applied[c]) for c in done]),
            observed=_ms([(probe.committed[c], poller.seen[c]) for c in seen]) if seen else None,
            http=Summary.of(load.http_ms),
            loop_lag=Summary.of(lag or [0.0]),
            cpu_percent=cpu_percent,
            pipeline_rate=len(done) / span if span > 0 else float("inf"),
            early_p50_ms=Summary.of(e2e[:third]).p50,
            late_p50_ms=Summary.of(e2e[-third:]).p50,
        )


async def measure_latency(
    config: LatencyConfig, *, postgres: PostgresDatabases, broker: BrokerProcess
) -> list[LatencyRun]:
    """Start the two services, warm up, then one run per offered rate, lowest rate first."""
    configure_tracing(service="bench", otlp_endpoint=None)
    instrument_clients()
    harness = ServiceHarness(
        postgres=postgres, broker=broker, run_id=f"bench{uuid.uuid4().hex[:6]}"
    )
    try:
        registry = await harness.start("registry", **PRODUCTION_TIMINGS)
        reporting = await harness.start("reporting", **PRODUCTION_TIMINGS)
        bench = Bench(registry, reporting, config)
        await bench.warm_up()
        plan = sorted(zip(config.rates, config.durations_s, strict=True))
        runs = {rate: await bench.run(rate, duration) for rate, duration in plan}
    finally:
        await harness.stop_all()
    return [runs[rate] for rate in config.rates]
