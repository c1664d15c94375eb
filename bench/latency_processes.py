"""Figure 2: end-to-end latency with each service in its own process, as deployed.

Registry and reporting run as `python -m baotro_registry` / `python -m baotro_reporting`
subprocesses (uvicorn, their production settings, `BAOTRO_LOG_LEVEL=WARNING`, logs to files)
on two throw-away PostgreSQL databases and a fresh broker. This process only drives
`POST /v1/cases` over real HTTP (httpx, keep-alive) at a steady offered rate — request i
starts at t0 + i/rate, at most `max_in_flight` at once — and reads the databases afterwards.

Nothing is hooked inside the services. Per event, two pairs of timestamps are joined on
`event_id` once the run has drained:

* data at hand: registry's `outbox.created_at` (Python clock, written in the opening
  transaction just before its commit) → reporting's `inbox.processed_at` (Python clock,
  written first thing in the consumer's transaction, before the projection and its commit);
* commit clock: a deferred constraint trigger that the bench adds to both throw-away
  databases (`AFTER INSERT ON outbox` / `ON inbox`, `INITIALLY DEFERRED`) notes
  `clock_timestamp()` when each transaction reaches COMMIT — after its last statement,
  just before the WAL flush — in a side table. Registry commit → reporting commit is the
  headline; one clock (the kernel's, read by PostgreSQL) on both ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import asyncpg  # type: ignore[import-untyped]
import httpx

from baotro_shared.broker_process import free_port
from baotro_shared.settings import DEVELOPMENT_SIGNING_KEY
from baotro_shared.testing.postgres import PostgresDatabases
from baotro_shared.web.auth import Role, TokenConfig, issue_token
from bench.procstat import CpuUse, CpuWindow, child_pid
from bench.stats import Summary

CASE_BODY: dict[str, Any] = {"commune_code": "14797", "groups": ["a"]}
READY_TIMEOUT_S = 90.0
DRAIN_TIMEOUT_S = 90.0
SERVICES = ("registry", "reporting")
CONSUMER = "baotro.reporting"

COMMIT_CLOCK_SQL = (
    "CREATE TABLE bench_commit_clock (event_id varchar(36) NOT NULL, at timestamptz NOT NULL)",
    """CREATE FUNCTION bench_note_commit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO bench_commit_clock VALUES (NEW.event_id, clock_timestamp());
        RETURN NULL;
    END $$""",
)


def _commit_trigger(table: str) -> str:
    return (
        f"CREATE CONSTRAINT TRIGGER bench_commit_clock AFTER INSERT ON {table} "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bench_note_commit()"
    )


@dataclass(frozen=True)
class ProcessLatencyConfig:
    rates: tuple[float, ...]
    """Offered rates (the first is the headline), each run for its duration."""
    durations_s: tuple[float, ...]
    warmup: int
    max_in_flight: int
    commit_clock: bool


@dataclass(frozen=True)
class ProcessLatencyRun:
    offered_rate: float
    duration_s: float
    dispatched: int
    errors: int
    error_kinds: dict[str, int]
    missing: int
    created_to_processed: Summary
    """Data at hand: outbox.created_at → inbox.processed_at."""
    commit_to_commit: Summary | None
    """Commit clock: registry commit → reporting commit (None without the triggers)."""
    to_pickup: Summary | None
    """Registry commit → inbox.processed_at (the consumer starts on the event)."""
    projection: Summary | None
    """inbox.processed_at → reporting commit."""
    http: Summary
    cpu: list[CpuUse]
    machine_busy_percent: float | None
    pipeline_rate: float
    early_p50_ms: float
    late_p50_ms: float

    @property
    def end_to_end(self) -> Summary:
        return self.commit_to_commit or self.created_to_processed

    @property
    def achieved_rate(self) -> float:
        return self.dispatched / self.duration_s

    @property
    def saturated(self) -> bool:
        """Fewer requests than offered, a chain slower than the requests, or a growing latency."""
        growing = self.late_p50_ms > 3 * self.early_p50_ms + 50
        behind = self.pipeline_rate < 0.9 * self.achieved_rate
        return self.achieved_rate < 0.95 * self.offered_rate or behind or growing


@dataclass
class ProcessLatencyResult:
    runs: list[ProcessLatencyRun] = field(default_factory=list)
    startup_s: float = 0.0
    """Spawn → both /readyz answer 200."""


# -- the service processes -----------------------------------------------------------------


@dataclass
class ServiceProcess:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    log_file: IO[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return "(no log)"
        return "\n".join(text)

    def stop(self) -> None:
        """SIGINT first (uvicorn's clean shutdown), then SIGKILL after 15 s."""
        if self.process.poll() is None:
            self.process.send_signal(2)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.log_file.close()


def _service_env(
    bootstrap: str, urls: dict[str, str], ports: dict[str, int], var: Path
) -> dict[str, str]:
    env = dict(os.environ)
    for name in SERVICES:
        prefix = name.upper()
        env[f"{prefix}_DATABASE_URL"] = urls[name]
        env[f"{prefix}_PORT"] = str(ports[name])
    env.update(
        KAFKA_BOOTSTRAP_SERVERS=bootstrap,
        BAOTRO_LOG_LEVEL="WARNING",
        BAOTRO_ENV="development",
        BAOTRO_JWT_SECRET=DEVELOPMENT_SIGNING_KEY,
        BAOTRO_JWT_ISSUER="baotro",
        BAOTRO_JWT_AUDIENCE="baotro",
        BAOTRO_VAR_DIR=str(var),
    )
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    return env


async def _wait_ready(services: list[ServiceProcess], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    pending = {s.name: s for s in services}
    async with httpx.AsyncClient(timeout=2.0) as client:
        while pending:
            for name, service in list(pending.items()):
                if service.process.poll() is not None:
                    raise RuntimeError(
                        f"{name} exited with code {service.process.returncode}:\n"
                        + service.log_tail()
                    )
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"{service.url}/readyz")).status_code == 200:
                        del pending[name]
            if time.monotonic() > deadline:
                tails = "\n".join(f"--- {n}\n{s.log_tail()}" for n, s in pending.items())
                raise TimeoutError(f"not ready in {timeout:.0f} s: {sorted(pending)}\n{tails}")
            await asyncio.sleep(0.2)


def _spawn(name: str, port: int, env: dict[str, str], log_path: Path) -> ServiceProcess:
    log_file = open(log_path, "ab")  # noqa: SIM115 - closed by ServiceProcess.stop
    process = subprocess.Popen(
        [sys.executable, "-m", f"baotro_{name}"],
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return ServiceProcess(name, port, process, log_path, log_file)


@contextlib.asynccontextmanager
async def running_services(
    bootstrap: str, urls: dict[str, str]
) -> AsyncIterator[dict[str, ServiceProcess]]:
    """Both services as subprocesses, ready; stopped (and their logs removed) on exit.

    The logs are kept, and their directory named on stderr, when something failed.
    """
    var = Path(tempfile.mkdtemp(prefix="baotro-bench-services-"))
    ports = {name: free_port() for name in SERVICES}
    env = _service_env(bootstrap, urls, ports, var)
    services: dict[str, ServiceProcess] = {}
    failed = True
    try:
        for name in SERVICES:
            services[name] = _spawn(name, ports[name], env, var / f"{name}.log")
        await _wait_ready(list(services.values()), READY_TIMEOUT_S)
        yield services
        failed = any(s.process.poll() is not None for s in services.values())
    finally:
        for service in services.values():
            service.stop()
        if failed:
            print(f"· service logs kept in {var}", file=sys.stderr, flush=True)
        else:
            shutil.rmtree(var, ignore_errors=True)


# -- the load ------------------------------------------------------------------------------


class HttpLoad:
    """`POST /v1/cases` over real HTTP at a steady offered rate, `max_in_flight` at most."""

    def __init__(self, client: httpx.AsyncClient, max_in_flight: int) -> None:
        self._client = client
        self._slots = asyncio.Semaphore(max_in_flight)
        self.case_ids: list[str] = []
        self.http_ms: list[float] = []
        self.error_kinds: Counter[str] = Counter()

    @property
    def errors(self) -> int:
        return sum(self.error_kinds.values())

    async def _open_one(self) -> None:
        started = time.perf_counter()
        try:
            response = await self._client.post("/v1/cases", json=CASE_BODY)
        except Exception as exc:
            self.error_kinds[type(exc).__name__] += 1
            return
        finally:
            self._slots.release()
        self.http_ms.append((time.perf_counter() - started) * 1000)
        if response.status_code != 201:
            self.error_kinds[f"HTTP {response.status_code}"] += 1
            return
        self.case_ids.append(str(response.json()["id"]))

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


# -- reading the timestamps back -------------------------------------------------------------


def _plain_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@dataclass
class Timestamps:
    """Per event id, what the two databases recorded."""

    created: dict[str, datetime] = field(default_factory=dict)
    processed: dict[str, datetime] = field(default_factory=dict)
    registry_commit: dict[str, datetime] = field(default_factory=dict)
    reporting_commit: dict[str, datetime] = field(default_factory=dict)


class Databases:
    """One connection to each service's database, for the bench's own reads."""

    def __init__(self, registry: asyncpg.Connection, reporting: asyncpg.Connection) -> None:
        self.registry = registry
        self.reporting = reporting

    async def install_commit_clock(self) -> None:
        for conn, table in ((self.registry, "outbox"), (self.reporting, "inbox")):
            for statement in (*COMMIT_CLOCK_SQL, _commit_trigger(table)):
                await conn.execute(statement)

    async def applied_count(self) -> int:
        count: int = await self.reporting.fetchval(
            "SELECT count(*) FROM inbox WHERE consumer = $1 AND event_type = 'case.opened'",
            CONSUMER,
        )
        return count

    async def wait_applied(self, expected: int, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while True:
            count = await self.applied_count()
            if count >= expected or time.monotonic() > deadline:
                return count
            await asyncio.sleep(0.05)

    async def timestamps(self, case_ids: list[str], *, commit_clock: bool) -> Timestamps:
        t = Timestamps()
        rows = await self.registry.fetch(
            "SELECT event_id, created_at FROM outbox "
            "WHERE event_type = 'case.opened' AND key = ANY($1::text[])",
            case_ids,
        )
        t.created = {r["event_id"]: r["created_at"] for r in rows}
        ids = list(t.created)
        rows = await self.reporting.fetch(
            "SELECT event_id, processed_at FROM inbox WHERE consumer = $1 "
            "AND event_id = ANY($2::text[])",
            CONSUMER,
            ids,
        )
        t.processed = {r["event_id"]: r["processed_at"] for r in rows}
        if commit_clock:
            query = "SELECT event_id, at FROM bench_commit_clock WHERE event_id = ANY($1::text[])"
            t.registry_commit = {r[0]: r[1] for r in await self.registry.fetch(query, ids)}
            t.reporting_commit = {r[0]: r[1] for r in await self.reporting.fetch(query, ids)}
        return t


def _ms(pairs: list[tuple[datetime, datetime]]) -> Summary:
    return Summary.of([(end - begin).total_seconds() * 1000 for begin, end in pairs])


def _result(
    rate: float,
    duration_s: float,
    dispatched: int,
    load: HttpLoad,
    t: Timestamps,
    cpu: list[CpuUse],
    machine_percent: float | None,
) -> ProcessLatencyRun:
    done = sorted((e for e in t.created if e in t.processed), key=t.created.__getitem__)
    if not done:
        raise RuntimeError(f"at {rate}/s no case reached reporting")
    clocked = [e for e in done if e in t.registry_commit and e in t.reporting_commit]
    clocked.sort(key=t.registry_commit.__getitem__)
    if clocked:
        c2c = [(t.registry_commit[e], t.reporting_commit[e]) for e in clocked]
        first, last = c2c[0][0], max(end for _, end in c2c)
        series = [(end - begin).total_seconds() * 1000 for begin, end in c2c]
    else:
        c2p = [(t.created[e], t.processed[e]) for e in done]
        first, last = c2p[0][0], max(end for _, end in c2p)
        series = [(end - begin).total_seconds() * 1000 for begin, end in c2p]
    span = (last - first).total_seconds()
    third = max(1, len(series) // 3)
    return ProcessLatencyRun(
        offered_rate=rate,
        duration_s=duration_s,
        dispatched=dispatched,
        errors=load.errors,
        error_kinds=dict(load.error_kinds),
        missing=len(load.case_ids) - len(done),
        created_to_processed=_ms([(t.created[e], t.processed[e]) for e in done]),
        commit_to_commit=Summary.of(series) if clocked else None,
        to_pickup=_ms([(t.registry_commit[e], t.processed[e]) for e in clocked])
        if clocked
        else None,
        projection=_ms([(t.processed[e], t.reporting_commit[e]) for e in clocked])
        if clocked
        else None,
        http=Summary.of(load.http_ms or [0.0]),
        cpu=cpu,
        machine_busy_percent=machine_percent,
        pipeline_rate=len(series) / span if span > 0 else float("inf"),
        early_p50_ms=Summary.of(series[:third]).p50,
        late_p50_ms=Summary.of(series[-third:]).p50,
    )


# -- the phase -----------------------------------------------------------------------------


async def _connect(urls: dict[str, str]) -> Databases:
    registry = await asyncpg.connect(_plain_dsn(urls["registry"]))
    try:
        reporting = await asyncpg.connect(_plain_dsn(urls["reporting"]))
    except BaseException:
        await registry.close()
        raise
    return Databases(registry, reporting)


def _token() -> str:
    config = TokenConfig(DEVELOPMENT_SIGNING_KEY, "baotro", "baotro")
    return issue_token(config, sub="bench", role=Role.FUND_ADMIN, communes=None)


async def measure_process_latency(
    config: ProcessLatencyConfig,
    *,
    postgres: PostgresDatabases,
    bootstrap: str,
    say: Callable[[str], None],
) -> ProcessLatencyResult:
    """Start both services, warm up, then one run per offered rate, lowest rate first."""
    run_id = f"baotro_bench_{uuid.uuid4().hex[:8]}"
    names = {name: f"{run_id}_{name}" for name in SERVICES}
    result = ProcessLatencyResult()
    try:
        urls = {name: await postgres.create(db) for name, db in names.items()}
        started = time.perf_counter()
        async with running_services(bootstrap, urls) as services:
            result.startup_s = time.perf_counter() - started
            say(f"services ready in {result.startup_s:.1f} s")
            dbs = await _connect(urls)
            pids: dict[str, int | None] = {name: services[name].process.pid for name in SERVICES}
            pids["broker"] = child_pid("tansu")
            pids["bench"] = os.getpid()
            limits = httpx.Limits(
                max_connections=config.max_in_flight,
                max_keepalive_connections=config.max_in_flight,
            )
            headers = {"Authorization": f"Bearer {_token()}"}
            try:
                if config.commit_clock:
                    await dbs.install_commit_clock()
                async with httpx.AsyncClient(
                    base_url=services["registry"].url,
                    headers=headers,
                    limits=limits,
                    timeout=30.0,
                ) as client:
                    warm = HttpLoad(client, config.max_in_flight)
                    await warm.run(min(config.rates), count=config.warmup)
                    applied = await dbs.wait_applied(len(warm.case_ids), 60)
                    if warm.errors or applied < config.warmup:
                        raise RuntimeError(
                            f"warm-up: {warm.errors} errors, {applied} of {config.warmup} applied"
                            f"\n{services['registry'].log_tail()}"
                        )
                    total = applied
                    runs: dict[float, ProcessLatencyRun] = {}
                    for rate, duration in sorted(
                        zip(config.rates, config.durations_s, strict=True)
                    ):
                        say(f"  {rate:g}/s for {duration:g} s")
                        load = HttpLoad(client, config.max_in_flight)
                        window = CpuWindow(pids)
                        window.start()
                        dispatched = await load.run(rate, duration_s=duration)
                        total += len(load.case_ids)
                        await dbs.wait_applied(total, DRAIN_TIMEOUT_S)
                        cpu = window.stop()
                        stamps = await dbs.timestamps(
                            load.case_ids, commit_clock=config.commit_clock
                        )
                        runs[rate] = _result(
                            rate, duration, dispatched, load, stamps, cpu, window.machine_percent
                        )
                        total = await dbs.applied_count()
            finally:
                await dbs.registry.close()
                await dbs.reporting.close()
            for name, service in services.items():
                if service.process.poll() is not None:
                    raise RuntimeError(f"{name} died during the run:\n{service.log_tail()}")
        result.runs = [runs[rate] for rate in config.rates]
    finally:
        for db in names.values():
            await postgres.drop(db)
    return result
