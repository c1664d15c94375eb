"""Figure 7: the public statement (sao kê) at 1,000,000 lines, searched by 50 clients at once.

The lines (`bench.portal_data`: the three real statements of ../shared/data/saoke-mttq-2024
plus generated lines in their styles) are COPYed into reporting's `statement_line`, the
indexes of the migrations built after the load. The reporting service then runs as its own
uvicorn server with N workers (`bench.portal_server`, 2 by default: the machine's cores),
waits until every worker has built its in-memory word index (`statement_index`; the time
from the server's start and each worker's RSS are reported), and the same server, one run
after the other, takes:

- 50 clients searching `GET /v1/public/statement` with a realistic mix (`bench.portal_load`:
  common names, full names with and without diacritics, rare names, memo words, amount and
  date ranges, combinations, a word being typed, a tenth past page 1), figures per kind;
- 50 clients searching through the HTML page `/sao-ke` with the same mix;
- 50 clients fetching `/ung-ho`, a page that needs no database: the ceiling of this server
  on this machine (its QR code is made once per payload);
- 1 client searching with the mix: the time a search takes when nobody waits in line.

Those runs have the service's result cache turned off (`REPORTING_STATEMENT_CACHE_TTL_S=0`):
every search walks the index and reads the lines of its page it has not kept by id. Then the
JSON mix runs on a server without the word index (`REPORTING_STATEMENT_INDEX=false`: every
search in PostgreSQL, as before the index), and again on a fresh server with the cache
on (its default), once on the JSON API and once on `/sao-ke`, each from an empty cache and
with searches of their own (other seeds): the figures with the cache, labelled as such, with
the share of searches that repeated one asked earlier in the run (the ones the cache can
answer; each worker keeps its own cache). The 1-minute load average of the machine is
reported for each run (the machine is shared). Finally the rebuild: N
`donation.received` events are produced to a fresh broker and the reporting runtime (the
real consumer, inbox and projections) applies them; the figure is events per second.

Run: `python -m bench.portal [--lines N] [--clients N] [--duration S] [--workers N]
[--rebuild-events N] [--keep-database NAME]` or `python -m bench --only portal`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import httpx
from sqlalchemy import func, select

from baotro_reporting.adapters.orm import StatementLineRow
from baotro_reporting.bootstrap import build_runtime
from baotro_reporting.settings import ReportingSettings
from baotro_shared.broker_process import free_port
from baotro_shared.events.catalogue import load_contracts
from baotro_shared.events.contracts.donations import DonationReceived
from baotro_shared.messaging.broker import build_producer
from baotro_shared.testing.postgres import PostgresDatabases
from bench.environment import quiet_logs
from bench.infra import running_broker, throwaway_databases
from bench.portal_data import (
    LoadTimes,
    PostgresMemory,
    load_statement,
    migrate,
    postgres_memory,
    prepare_kept,
)
from bench.portal_load import LoadResult, Request, person, run_clients, search_request
from bench.portal_server import CpuProbe, children_of, start_server
from bench.procstat import rss_mib_of
from bench.stats import Summary
from bench.table import Section, render

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
STATEMENT_API = "/v1/public/statement"


def say(message: str) -> None:
    print(f"· {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class PortalOptions:
    lines: int = 1_000_000
    clients: int = 50
    duration_s: float = 20.0
    workers: int = 2
    rebuild_events: int = 50_000
    keep_database: str | None = None

    @classmethod
    def from_env(cls) -> PortalOptions:
        return cls(
            lines=int(os.environ.get("BENCH_PORTAL_LINES", 1_000_000)),
            clients=int(os.environ.get("BENCH_PORTAL_CLIENTS", 50)),
            duration_s=float(os.environ.get("BENCH_PORTAL_DURATION_S", 20)),
            workers=int(os.environ.get("BENCH_PORTAL_WORKERS", 2)),
            rebuild_events=int(os.environ.get("BENCH_PORTAL_REBUILD_EVENTS", 50_000)),
            keep_database=os.environ.get("BENCH_PORTAL_DATABASE") or None,
        )


@dataclass
class PortalResult:
    options: PortalOptions
    load: LoadTimes | None
    migrate_s: float
    search: LoadResult
    page: LoadResult
    static: LoadResult
    alone: LoadResult
    cached_search: LoadResult
    cached_page: LoadResult
    rebuild_per_s: float | None
    memory: PostgresMemory | None = None
    sql_search: LoadResult | None = None
    index: IndexInfo | None = None


async def rebuild_rate(postgres: PostgresDatabases, events: int) -> float:
    """`events` donation.received through a fresh broker into the real reporting consumer."""
    catalogue = load_contracts()
    url = await postgres.create(f"baotro_bench_rebuild_{uuid.uuid4().hex[:6]}")
    with running_broker() as broker:
        settings = ReportingSettings(
            database_url=url,
            kafka_bootstrap_servers=broker.bootstrap_servers,
            consumer_poll_timeout_ms=100,
            consumer_session_timeout_ms=6000,
        )
        runtime = build_runtime(settings)
        await runtime.start()
        await runtime.wait_broker_ready(60)
        for _ in range(1200):  # the consumer holds its partitions: events will be read
            if runtime.consumer is None or runtime.consumer.assigned:
                break
            await asyncio.sleep(0.05)
        producer = build_producer(broker.bootstrap_servers, client_id="bench-replay")
        await producer.start()
        rng = random.Random(7)
        now = datetime.now(UTC)
        started = asyncio.get_running_loop().time()
        try:
            for i in range(events):
                data = DonationReceived(
                    donation_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                    fund_code="TH",
                    amount=rng.choice([50_000, 100_000, 200_000, 500_000]),
                    received_on=date(2026, 6, 1) + timedelta(days=i % 30),
                    recorded_at=now,
                    channel="bank",
                    donor_display_name=person(rng),
                    public_memo="ung ho tre em",
                )
                envelope = catalogue.envelope(data, source="/baotro/donations")
                await producer.send(
                    data.event_type, envelope.to_json_bytes(), key=envelope.subject.encode()
                )
            await producer.flush()
            while True:
                async with runtime.sessions() as session:
                    done = (
                        await session.execute(select(func.count()).select_from(StatementLineRow))
                    ).scalar_one()
                if done >= events:
                    break
                await asyncio.sleep(0.2)
            return events / (asyncio.get_running_loop().time() - started)
        finally:
            await producer.stop()
            await runtime.stop()


async def _wait_healthy(port: int) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        for _ in range(600):
            try:
                if (await http.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the reporting server did not start")


def _static(_rng: random.Random) -> Request:
    return "static page", {}


@dataclass(frozen=True)
class Run:
    name: str
    path: str
    request: Callable[[random.Random], Request]
    clients: int
    seconds: float
    seed: int


@dataclass(frozen=True)
class IndexInfo:
    """The in-memory word index of a server's workers, once every worker had built it."""

    build_s: float
    """From the server's start until every worker searched with its index."""
    worker_rss_mib: tuple[float, ...]


_INDEX_LINES = re.compile(r"^reporting_statement_index_lines (\S+)$", re.M)


async def _wait_indexed(port: int, lines: int, workers: int) -> None:
    """Until every worker's index holds `lines` (each poll on a new connection, so that the
    workers answer in turn: 4 answers per worker in a row)."""
    in_a_row = 0
    for _ in range(3_000):
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            found = _INDEX_LINES.search((await http.get("/metrics")).text)
        in_a_row = in_a_row + 1 if found and float(found.group(1)) >= lines else 0
        if in_a_row >= 4 * workers:
            return
        await asyncio.sleep(0.1 if in_a_row else 0.5)
    raise RuntimeError("the reporting workers did not build their statement index")


async def _serve(
    url: str,
    options: PortalOptions,
    broker: str,
    runs: Sequence[Run],
    *,
    cache: bool,
    index: bool,
) -> tuple[dict[str, LoadResult], IndexInfo | None]:
    """One server (its result cache, its word index on or off) taking `runs` in turn."""
    port = free_port()
    dsn = url.replace("postgresql+asyncpg", "postgresql")
    env = {
        "REPORTING_DATABASE_URL": url,
        "KAFKA_BOOTSTRAP_SERVERS": broker,
        "BAOTRO_LOG_LEVEL": "WARNING",
    }
    if not cache:
        env["REPORTING_STATEMENT_CACHE_TTL_S"] = "0"
    env["REPORTING_STATEMENT_INDEX"] = "true" if index else "false"
    started = time.perf_counter()
    server = await start_server(port, options.workers, env)
    try:
        await _wait_healthy(port)
        info = None
        if index:
            say(f"portal: waiting for the {options.workers} worker(s) to build their index")
            await _wait_indexed(port, options.lines, options.workers)
            rss = tuple(rss_mib_of(pid) or 0.0 for pid in children_of(server.pid))
            info = IndexInfo(time.perf_counter() - started, rss)
        probe = CpuProbe(server.pid, dsn, dsn.rsplit("/", 1)[1])
        results: dict[str, LoadResult] = {}
        for run in runs:
            say(
                f"portal: {run.clients} client(s) on {run.path} for {run.seconds:g} s, "
                f"result cache {'on' if cache else 'off'}, word index {'on' if index else 'off'}"
            )
            results[run.name] = await run_clients(
                port,
                run.clients,
                run.seconds,
                run.request,
                path=run.path,
                probe=probe,
                seed=run.seed,
            )
        return results, info
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), 30)


async def _measure_server(
    url: str, options: PortalOptions
) -> tuple[dict[str, LoadResult], IndexInfo | None]:
    clients, duration = options.clients, options.duration_s
    with running_broker() as broker:
        servers = broker.bootstrap_servers
        runs, info = await _serve(
            url,
            options,
            servers,
            (
                Run("search", STATEMENT_API, search_request, clients, duration, seed=0),
                Run("page", "/sao-ke", search_request, clients, duration, seed=1_000),
                Run("static", "/ung-ho", _static, clients, duration, seed=0),
                Run("alone", STATEMENT_API, search_request, 1, max(5.0, duration / 2), 3_000),
            ),
            cache=False,
            index=True,
        )
        sql = Run("sql_search", STATEMENT_API, search_request, clients, duration, seed=0)
        runs |= (await _serve(url, options, servers, (sql,), cache=False, index=False))[0]
        # each cached run on a fresh server: it starts from an empty cache
        for name, path, seed in (
            ("cached_search", STATEMENT_API, 5_000),
            ("cached_page", "/sao-ke", 6_000),
        ):
            run = Run(name, path, search_request, clients, duration, seed)
            runs |= (await _serve(url, options, servers, (run,), cache=True, index=True))[0]
        return runs, info


async def measure_portal(
    postgres: PostgresDatabases, options: PortalOptions, *, admin_dsn: str
) -> PortalResult:
    if options.keep_database:
        say(f"portal: kept database {options.keep_database}, {options.lines:,} lines")
        url, load, migrate_s = await prepare_kept(admin_dsn, options.keep_database, options.lines)
    else:
        url = await postgres.create(f"baotro_bench_portal_{uuid.uuid4().hex[:6]}")
        migrate_s = await migrate(url)
        say(f"portal: loading {options.lines:,} statement lines")
        load = await load_statement(url.replace("postgresql+asyncpg", "postgresql"), options.lines)
    memory = await postgres_memory(url.replace("postgresql+asyncpg", "postgresql"))
    runs, index = await _measure_server(url, options)
    rate: float | None = None
    if options.rebuild_events > 0:
        say(f"portal: rebuilding from {options.rebuild_events:,} events")
        rate = await rebuild_rate(postgres, options.rebuild_events)
    return PortalResult(
        options,
        load,
        migrate_s,
        runs["search"],
        runs["page"],
        runs["static"],
        runs["alone"],
        runs["cached_search"],
        runs["cached_page"],
        rate,
        memory,
        runs["sql_search"],
        index,
    )


def _ms(summary: Summary) -> str:
    return f"{summary.p50:.1f} / {summary.p95:.1f} / {summary.p99:.1f} ms"


def _load(run: LoadResult) -> str:
    return f"load average {run.load_average[0]:.2f} → {run.load_average[1]:.2f}"


def portal_section(result: PortalResult) -> Section:
    o = result.options
    search, static = Summary.of(result.search.all_ms), Summary.of(result.static.all_ms)
    section = Section(
        f"7. Public statement (sao kê): {o.lines:,} lines, {o.clients} clients, "
        f"{o.workers} server worker(s), {os.cpu_count()} cores"
    )
    if result.load is None:
        section.add("load", "kept database", "", f"migrations to head: {result.migrate_s:.1f} s")
    else:
        section.add(
            "load (COPY) / index build",
            f"{result.load.copy_s:.1f} s",
            f"{result.load.index_s:.1f} s",
            "COPY computes the generated word vector; indexes: words (GIN), (fund, date, time, "
            "id), (fund, amount)",
        )
    for name, s in (("p50", search.p50), ("p95", search.p95), ("p99", search.p99)):
        baseline = {"p50": static.p50, "p95": static.p95, "p99": static.p99}[name]
        section.add(
            f"search latency {name}",
            f"{s:.1f} ms",
            f"{baseline:.1f} ms",
            "JSON API, word index on, result cache off; baseline: /ung-ho, no database (the "
            "server's ceiling)"
            if name == "p50"
            else ("target p95 < 50 ms" if name == "p95" else ""),
        )
    section.add(
        "requests/s",
        f"{result.search.rate:.0f}",
        f"{result.static.rate:.0f}",
        f"errors: {result.search.errors} search, {result.static.errors} static; "
        f"{_load(result.search)} (search), {_load(result.static)} (static)",
    )
    if result.sql_search is not None and result.sql_search.all_ms:
        sql = result.sql_search
        cpu = sql.cpu_ms_per_request()
        section.add(
            "search in SQL (index off) p50/p95/p99",
            _ms(Summary.of(sql.all_ms)),
            f"{sql.rate:.0f} req/s",
            "the same mix on a server without the word index (every search in PostgreSQL): "
            "the way it was; "
            + (
                f"CPU per request server {cpu.server:.2f} ms + PostgreSQL {cpu.postgres:.2f} ms; "
                if cpu is not None
                else ""
            )
            + _load(sql),
        )
    if result.index is not None:
        section.add(
            "word index: ready after / RSS per worker",
            f"{result.index.build_s:.1f} s",
            " + ".join(f"{m:.0f}" for m in result.index.worker_rss_mib) + " MiB",
            f"from the server's start until all {o.workers} workers hold every line; searches "
            "run in SQL meanwhile; RSS of each worker process after the build",
        )
    page = Summary.of(result.page.all_ms)
    section.add(
        "/sao-ke page p50/p95/p99",
        _ms(page),
        "",
        f"{result.page.rate:.0f} requests/s, {result.page.errors} errors; {_load(result.page)}",
    )
    for category, values in sorted(result.search.latencies_ms.items()):
        alone_ms = result.alone.latencies_ms.get(category, [])
        section.add(
            f"  {category} p50/p95/p99",
            _ms(Summary.of(values)),
            _ms(Summary.of(alone_ms)) if alone_ms else "",
            f"{len(values)} searches at {o.clients} clients; baseline: 1 client alone",
        )
    for name, run in (
        ("search", result.search),
        ("/sao-ke", result.page),
        ("static", result.static),
        ("alone", result.alone),
    ):
        cpu = run.cpu_ms_per_request()
        if cpu is not None:
            section.add(
                f"CPU per request, {name}",
                f"{cpu.server + cpu.postgres:.2f} ms",
                "",
                f"server {cpu.server:.2f} ms + PostgreSQL {cpu.postgres:.2f} ms; clients "
                f"{cpu.client:.2f} ms (all {os.cpu_count()} cores, whatever the load)",
            )
    alone = Summary.of(result.alone.all_ms)
    section.add(
        "1 client alone p50/p95/p99",
        _ms(alone),
        "",
        f"{result.alone.rate:.0f} searches/s, the time of a search nobody waits for; "
        f"{_load(result.alone)}",
    )
    for label, run in (("search", result.cached_search), ("/sao-ke", result.cached_page)):
        _cached_rows(section, label, run, o.clients)
    if result.memory is not None:
        m = result.memory
        section.add(
            "PostgreSQL shared_buffers / database",
            m.shared_buffers,
            f"{m.database_mib:,.0f} MiB",
            "the server's setting, not the bench's: a search whose lines are not in shared "
            "buffers copies them from the OS page cache (more PostgreSQL CPU per search)",
        )
    if result.rebuild_per_s is not None:
        section.add(
            "rebuild from replay",
            f"{result.rebuild_per_s:.0f} events/s",
            f"{o.lines / result.rebuild_per_s / 60:,.0f} min for {o.lines:,} lines",
            f"{o.rebuild_events:,} donation.received through the broker, consumer + inbox; "
            "baseline: the statement's lines replayed at that rate (one event per line)",
        )
    return section


def _cached_rows(section: Section, label: str, run: LoadResult, clients: int) -> None:
    """The rows of a run with the result cache on: all searches, repeated ones, first ones."""
    if not run.all_ms:
        return
    repeats = Summary.of(run.repeats_ms) if run.repeats_ms else None
    section.add(
        f"WITH CACHE {label} p50/p95/p99",
        _ms(Summary.of(run.all_ms)),
        f"{run.rate:.0f} req/s",
        f"same mix, fresh server, empty cache at the start; {run.errors} errors; "
        f"{run.repeat_share:.0%} of the searches repeated one asked earlier in the run; "
        f"{_load(run)}",
    )
    if repeats is not None:
        section.add(
            "  repeated searches p50/p95/p99",
            _ms(repeats),
            "",
            f"{len(run.repeats_ms)} searches at {clients} clients (served from the cache "
            "when the worker that took them had it)",
        )
    cpu = run.cpu_ms_per_request()
    if cpu is not None:
        section.add(
            f"  CPU per request, {label} with cache",
            f"{cpu.server + cpu.postgres:.2f} ms",
            "",
            f"server {cpu.server:.2f} ms + PostgreSQL {cpu.postgres:.2f} ms",
        )


async def run_portal(postgres_dsn: str, options: PortalOptions | None = None) -> PortalResult:
    """The phase as `python -m bench --only portal` runs it (sizes from BENCH_PORTAL_*)."""
    async with throwaway_databases(postgres_dsn) as postgres:
        return await measure_portal(
            postgres, options or PortalOptions.from_env(), admin_dsn=postgres_dsn
        )


def _options(argv: Sequence[str] | None) -> tuple[str, PortalOptions]:
    defaults = PortalOptions.from_env()
    parser = argparse.ArgumentParser(
        prog="python -m bench.portal", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument(
        "--postgres", default=os.environ.get("BAOTRO_TEST_POSTGRES", DEFAULT_POSTGRES)
    )
    parser.add_argument("--lines", type=int, default=defaults.lines)
    parser.add_argument("--clients", type=int, default=defaults.clients)
    parser.add_argument("--duration", type=float, default=defaults.duration_s)
    parser.add_argument(
        "--workers", type=int, default=defaults.workers, help="uvicorn worker processes"
    )
    parser.add_argument("--rebuild-events", type=int, default=defaults.rebuild_events)
    parser.add_argument(
        "--keep-database",
        default=defaults.keep_database,
        help="a database kept between runs: loaded once, then migrated and reused",
    )
    a = parser.parse_args(argv)
    return a.postgres, PortalOptions(
        lines=a.lines,
        clients=a.clients,
        duration_s=a.duration,
        workers=max(1, a.workers),
        rebuild_events=a.rebuild_events,
        keep_database=a.keep_database,
    )


if __name__ == "__main__":
    quiet_logs()
    dsn, chosen = _options(sys.argv[1:])
    outcome = asyncio.run(run_portal(dsn, chosen))
    print(render([portal_section(outcome)]), end="")
