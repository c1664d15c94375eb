"""What to run: command-line flags, each defaulting to a `BENCH_*` environment variable."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
PHASES = (
    "relay",
    "latency",
    "inprocess",
    "registry",
    "donations",
    "import",
    "portal",
    "notifications",
)


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass(frozen=True)
class BenchConfig:
    postgres_dsn: str
    loop: str
    relay_events: int
    relay_repeats: int
    sqlite: bool
    rate: float
    duration_s: float
    steady_rate: float
    steady_duration_s: float
    echo_duration_s: float
    echo_fetch_wait_ms: int
    warmup: int
    max_in_flight: int
    poll_interval_ms: float
    commit_clock: bool
    registry_children: int
    registry_list_queries: int
    donations_count: int
    donations_workers: int
    phases: tuple[str, ...]
    notifications_full: bool = False
    import_lines: int | None = None
    """Lines of the Vietcombank statement the import phase reads (None: all 200,361)."""


def parse_args(argv: Sequence[str] | None = None) -> BenchConfig:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description="Relay throughput, end-to-end latency, memory, registry and ledger scale of "
        "Bảo Trợ.",
    )
    p.add_argument(
        "--postgres",
        default=os.environ.get("BAOTRO_TEST_POSTGRES", DEFAULT_POSTGRES),
        help="admin DSN (databases are created and dropped)",
    )
    p.add_argument(
        "--loop",
        choices=("uvloop", "asyncio"),
        default=os.environ.get("BENCH_LOOP", "uvloop"),
        help="event loop (uvicorn runs the services on uvloop)",
    )
    p.add_argument("--relay-events", type=int, default=_env_int("BENCH_RELAY_EVENTS", 20_000))
    p.add_argument("--relay-repeats", type=int, default=_env_int("BENCH_RELAY_REPEATS", 3))
    p.add_argument(
        "--no-sqlite",
        action="store_true",
        default=os.environ.get("BENCH_SQLITE", "1") == "0",
        help="skip the SQLite relay",
    )
    p.add_argument(
        "--rate",
        type=float,
        default=_env_float("BENCH_RATE", 200),
        help="offered rate of the headline latency run (cases/s)",
    )
    p.add_argument(
        "--duration",
        type=float,
        default=_env_float("BENCH_DURATION_S", 20),
        help="seconds of the headline latency run",
    )
    p.add_argument(
        "--steady-rate",
        type=float,
        default=_env_float("BENCH_STEADY_RATE", 25),
        help="a second, lower offered rate for both latency variants (0: skip)",
    )
    p.add_argument(
        "--steady-duration", type=float, default=_env_float("BENCH_STEADY_DURATION_S", 20)
    )
    p.add_argument(
        "--echo-duration",
        type=float,
        default=_env_float("BENCH_ECHO_DURATION_S", 5),
        help="seconds of each broker-only produce→consume baseline",
    )
    p.add_argument(
        "--echo-fetch-wait-ms",
        type=int,
        default=_env_int("BENCH_ECHO_FETCH_WAIT_MS", 500),
        help="what-if fetch_max_wait_ms for one extra baseline (0: skip)",
    )
    p.add_argument("--warmup", type=int, default=_env_int("BENCH_WARMUP", 50))
    p.add_argument(
        "--max-in-flight",
        type=int,
        default=_env_int("BENCH_MAX_IN_FLIGHT", 64),
        help="concurrent POST /v1/cases at most (a finite client population)",
    )
    p.add_argument(
        "--poll-interval-ms",
        type=float,
        default=_env_float("BENCH_POLL_INTERVAL_MS", 10),
        help="how often the cross-check poller reads case_view",
    )
    p.add_argument(
        "--no-commit-clock",
        action="store_true",
        default=os.environ.get("BENCH_COMMIT_CLOCK", "1") == "0",
        help="multi-process latency: no commit-clock triggers, only outbox.created_at → "
        "inbox.processed_at",
    )
    p.add_argument(
        "--no-in-process",
        action="store_true",
        default=os.environ.get("BENCH_IN_PROCESS", "1") == "0",
        help="skip the in-process latency variant (services in the bench's event loop)",
    )
    p.add_argument(
        "--registry-scale",
        action="store_true",
        default=os.environ.get("BENCH_REGISTRY_SCALE", "0") == "1",
        help="also run the registry scale phase (not in the default run: ~6 min at 50,000 "
        "children on 2 cores)",
    )
    p.add_argument(
        "--registry-children",
        type=int,
        default=_env_int("BENCH_REGISTRY_CHILDREN", 50_000),
        help="children registered by the registry scale phase",
    )
    p.add_argument(
        "--registry-list-queries",
        type=int,
        default=_env_int("BENCH_REGISTRY_LIST_QUERIES", 200),
        help="list queries timed per contender at each checkpoint of the registry phase",
    )
    p.add_argument(
        "--donations",
        action="store_true",
        help="run only the donations ledger phase (same as --only donations)",
    )
    p.add_argument(
        "--no-donations",
        action="store_true",
        default=os.environ.get("BENCH_DONATIONS", "1") == "0",
        help="skip the donations ledger phase of the default run",
    )
    p.add_argument(
        "--donations-count",
        type=int,
        default=_env_int("BENCH_DONATIONS_COUNT", 20_000),
        help="gifts posted by the donations phase (the issue's figure: 1000000, ~30 min)",
    )
    p.add_argument(
        "--donations-workers",
        type=int,
        default=_env_int("BENCH_DONATIONS_WORKERS", 8),
        help="concurrent record_donation calls in the donations phase",
    )
    p.add_argument(
        "--no-import",
        action="store_true",
        default=os.environ.get("BENCH_IMPORT", "1") == "0",
        help="skip the bank statement import phase of the default run",
    )
    p.add_argument(
        "--import-lines",
        type=int,
        default=_env_int("BENCH_IMPORT_LINES", 0) or None,
        metavar="N",
        help="import phase: the first N lines of the Vietcombank statement (default: all 200,361)",
    )
    p.add_argument(
        "--only",
        choices=PHASES,
        default=os.environ.get("BENCH_ONLY"),
        help="latency = services as subprocesses (the headline); inprocess = the in-process "
        "variant; registry = the registry scale phase",
    )
    p.add_argument(
        "--notifications-full",
        action=argparse.BooleanOptionalAction,
        default=os.environ.get("BENCH_NOTIFICATIONS_FULL", "1") == "1",
        help="notifications phase at the issue's size, 200 gifts/s for 60 s per mode (the "
        "default; about 11 minutes); --no-notifications-full: 50/s for 10 s",
    )
    p.add_argument(
        "--no-notifications",
        action="store_true",
        default=os.environ.get("BENCH_NOTIFICATIONS", "1") == "0",
        help="skip the notifications phase of the default run",
    )
    p.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test of the bench")
    a = p.parse_args(argv)
    if a.quick:
        a.relay_events, a.relay_repeats = 2_000, 1
        a.duration = a.steady_duration = a.echo_duration = 3.0
        a.warmup = 10
        a.notifications_full = False
    if a.steady_rate == a.rate:
        a.steady_rate = 0.0
    if a.donations:
        a.only = "donations"
    if a.only is not None:
        phases: tuple[str, ...] = (a.only,)
    else:
        phases = ("relay", "latency")
        phases += () if a.no_in_process else ("inprocess",)
        phases += ("registry",) if a.registry_scale else ()
        phases += () if a.no_donations else ("donations",)
        phases += () if a.no_import else ("import",)
        phases += ("portal",) if os.environ.get("BENCH_PORTAL", "0") == "1" else ()
        phases += () if a.no_notifications else ("notifications",)
    if a.quick:
        a.registry_children = min(a.registry_children, 2_000)
        a.registry_list_queries = min(a.registry_list_queries, 30)
        a.donations_count = min(a.donations_count, 2_000)
        a.import_lines = min(a.import_lines or 5_000, 5_000)
    return BenchConfig(
        postgres_dsn=a.postgres,
        loop=a.loop,
        relay_events=a.relay_events,
        relay_repeats=max(1, a.relay_repeats),
        sqlite=not a.no_sqlite,
        rate=a.rate,
        duration_s=a.duration,
        steady_rate=a.steady_rate,
        steady_duration_s=a.steady_duration,
        echo_duration_s=a.echo_duration,
        echo_fetch_wait_ms=a.echo_fetch_wait_ms,
        warmup=a.warmup,
        max_in_flight=a.max_in_flight,
        poll_interval_ms=a.poll_interval_ms,
        commit_clock=not a.no_commit_clock,
        registry_children=max(1, a.registry_children),
        registry_list_queries=max(1, a.registry_list_queries),
        donations_count=max(100, a.donations_count),
        donations_workers=max(1, a.donations_workers),
        phases=phases,
        notifications_full=a.notifications_full,
        import_lines=None if a.import_lines is None else max(1, a.import_lines),
    )
