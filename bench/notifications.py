"""Figure 8: thank-you e-mails under a sustained stream of gifts — `donation.received`
committed → the letter accepted by an SMTP server.

Per mode (a setting of the notifications service, see MODES), everything fresh: a Tansu
broker, two throw-away PostgreSQL databases, the project's aiosmtpd sink in this process
(`bench.notifications_rig.TimedMailSink`), the donors API stand-in and the notifications
service as subprocesses (`bench.notifications_processes`). The gifts are committed by this
process into a donations-like database, each with its `donation.received` in the outbox, and
published by the shared outbox relay (`bench.notifications_rig.DonationsOutbox`) — the path
the donations service uses. Gift i starts at t0 + i/rate. The clock of a gift starts when its
commit returns and stops when the sink has received the e-mail's DATA; e-mails are matched to
gifts by the notice id in their Message-ID and the service's `deliveries` table, read after
the run. Backlog at the end of the load: gifts committed but not yet e-mailed (and the
service's pending notices); then the run waits for every e-mail (the drain).

Run: `python -m bench.notifications [--full] [--rate R] [--duration S] [--modes pdf,html]`
or `python -m bench --only notifications [--no-notifications-full]` (full size by default).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from collections.abc import Callable, Sequence

import asyncpg  # type: ignore[import-untyped]

from baotro_shared.testing.postgres import PostgresDatabases
from bench.environment import quiet_logs
from bench.infra import running_broker, throwaway_databases
from bench.notifications_processes import (
    ChildrenMeter,
    postgres_backends_cpu,
    running_notifications,
)
from bench.notifications_readback import (
    check_mails,
    consumed_at,
    count_notices,
    count_pending,
    notice_donations,
    stages,
    wait_emails,
)
from bench.notifications_results import (
    DEFAULT_MODES,
    MODES,
    WARMUP,
    Mode,
    ModeRun,
    NotificationsResult,
    notifications_method,
    notifications_section,
)
from bench.notifications_rig import DonationsOutbox, TimedMailSink
from bench.procstat import CpuUse, CpuWindow, child_pid
from bench.report import load_average
from bench.stats import Summary
from bench.table import render

SETTLE_S = 15.0
"""Replicas joining one consumer group: Tansu rebalances within the session timeout (10 s)."""
SMALL = (50.0, 10.0)
FULL = (200.0, 60.0)


def _extra_settings() -> dict[str, str]:
    """BENCH_NOTIFICATIONS_SETTINGS="NOTIFICATIONS_DISPATCH_CONCURRENCY=16,…": for every mode."""
    pairs = os.environ.get("BENCH_NOTIFICATIONS_SETTINGS", "")
    return dict(p.split("=", 1) for p in pairs.split(",") if "=" in p)


def say(message: str) -> None:
    print(f"· {message}", file=sys.stderr, flush=True)


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def _pids(services: list[int], donors_pid: int) -> dict[str, int | None]:
    pids: dict[str, int | None] = {}
    for index, pid in enumerate(services):
        pids["notifications" if index == 0 else f"notifications {index + 1}"] = pid
    pids.update({"donor API": donors_pid, "broker": child_pid("tansu"), "bench": os.getpid()})
    return pids


async def measure_mode(
    mode: Mode,
    *,
    postgres: PostgresDatabases,
    rate: float,
    duration_s: float,
    drain_timeout_s: float,
    say: Callable[[str], None],
) -> ModeRun:
    run_id = f"baotro_bench_notif_{uuid.uuid4().hex[:8]}"
    names = (f"{run_id}_notifications", f"{run_id}_donations")
    try:
        service_url = await postgres.create(names[0])
        donations_url = await postgres.create(names[1])
        with running_broker() as broker, TimedMailSink() as sink:
            started = time.perf_counter()
            async with running_notifications(
                database_url=service_url,
                bootstrap=broker.bootstrap_servers,
                smtp_port=sink.port,
                settings={**mode.settings, **_extra_settings()},
                replicas=mode.replicas,
            ) as processes:
                startup_s = time.perf_counter() - started
                if mode.replicas > 1:
                    await asyncio.sleep(SETTLE_S)  # the consumer group shares its partitions
                donations = DonationsOutbox(donations_url, broker.bootstrap_servers)
                await donations.start()
                conn = await asyncpg.connect(_plain(service_url))
                try:
                    say(f"  [{mode.key}] ready in {startup_s:.1f} s; warm-up: {WARMUP} gifts")
                    await donations.run(10, count=WARMUP)
                    if not await wait_emails(sink, WARMUP, 180):
                        raise RuntimeError(
                            f"warm-up: {len(sink.timed.snapshot())} of {WARMUP} e-mails\n"
                            + processes.services[0].log_tail()
                        )
                    before = set(donations.committed)
                    donations.commit_ms.clear()
                    window = CpuWindow(
                        _pids(
                            [p.process.pid for p in processes.services],
                            processes.donors.process.pid,
                        )
                    )
                    load_start = load_average()
                    pending_peak = 0

                    async def sample() -> None:
                        nonlocal pending_peak
                        while True:
                            pending_peak = max(pending_peak, await count_pending(conn))
                            await asyncio.sleep(1.0)

                    sampler = asyncio.create_task(sample())
                    say(f"  [{mode.key}] {rate:g} gifts/s for {duration_s:g} s")
                    window.start()
                    window_started = time.perf_counter()
                    children = ChildrenMeter([p.process.pid for p in processes.services])
                    children.start()
                    backends_before = postgres_backends_cpu(run_id)
                    t0 = time.time()
                    await donations.run(rate, duration_s=duration_s)
                    t_end = time.time()
                    sampler.cancel()
                    pending_at_end = await count_pending(conn)
                    consumed_at_end = await count_notices(conn) - WARMUP
                    pending_peak = max(pending_peak, pending_at_end)
                    expected = WARMUP + len(donations.committed) - len(before)
                    say(f"  [{mode.key}] load done; {pending_at_end} notices pending; draining")
                    drained = await wait_emails(sink, expected, drain_timeout_s)
                    t_drained = time.time()
                    cpu = window.stop()
                    cpu_wall_s = time.perf_counter() - window_started
                    children_cpu = children.stop()
                    if children.peak_mib:
                        cpu.append(
                            CpuUse(
                                "notifications children",
                                children_cpu / cpu_wall_s * 100,
                                children.peak_mib,
                            )
                        )
                    backends = postgres_backends_cpu(run_id)
                    spent = sum(t - backends_before.get(pid, 0.0) for pid, t in backends.items())
                    cpu.append(CpuUse("PostgreSQL, this run", spent / cpu_wall_s * 100, None))
                    load_end = load_average()
                    peaks = {u.name: u.peak_rss_mib for u in cpu}
                    by_notice = await notice_donations(conn)
                    consumed = await consumed_at(conn)
                    published = await donations.published()
                finally:
                    await conn.close()
                    await donations.stop()
        accepted = sink.timed.snapshot()
    finally:
        for name in names:
            await postgres.drop(name)
    window_ids = {d: t for d, t in donations.committed.items() if d not in before}
    first_accept: dict[uuid.UUID, float] = {}
    duplicates = 0
    for at, notice, _size in accepted:
        donation = by_notice.get(notice or "")
        if donation is None:
            continue
        if donation in first_accept:
            duplicates += 1
            continue
        first_accept[donation] = at
    done = sorted((d for d in window_ids if d in first_accept), key=window_ids.__getitem__)
    series = [(first_accept[d] - window_ids[d]) * 1000 for d in done]
    third = max(1, len(series) // 3)
    emailed_by_end = sum(1 for d in done if first_accept[d] <= t_end)
    committed_by_end = sum(1 for t in window_ids.values() if t <= t_end)
    last = max((first_accept[d] for d in done), default=t_end)
    workers = [v for k, v in peaks.items() if k.startswith("notifications child") and v]
    replicas = [
        v
        for k, v in peaks.items()
        if k.startswith("notifications") and not k.startswith("notifications child") and v
    ]
    return ModeRun(
        mode=mode,
        rate=rate,
        duration_s=duration_s,
        committed=len(window_ids),
        producer_errors=donations.errors,
        latency=Summary.of(series) if series else None,
        emailed=len(done),
        duplicates=duplicates,
        backlog_at_end=committed_by_end - emailed_by_end,
        pending_rows_at_end=pending_at_end,
        consumed_at_end=consumed_at_end,
        peak_pending_rows=pending_peak,
        emails_in_window=sum(1 for d in done if t0 <= first_accept[d] <= t_end),
        drain_s=max(0.0, last - t_end) if drained and len(done) == len(window_ids) else None,
        drain_rate=(len(done) - emailed_by_end) / max(1e-3, min(last, t_drained) - t_end),
        early_p50_ms=Summary.of(series[:third]).p50 if series else 0.0,
        late_p50_ms=Summary.of(series[-third:]).p50 if series else 0.0,
        cpu=cpu,
        cpu_wall_s=cpu_wall_s,
        machine_busy_percent=window.machine_percent,
        service_peak_mib=sum(replicas) if replicas else None,
        workers_peak_mib=sum(workers) if workers else None,
        mean_mail_kib=sum(s for _, _, s in accepted) / max(1, len(accepted)) / 1024,
        checks=check_mails(sink, by_notice, donations.gifts),
        load=(load_start, load_end),
        startup_s=startup_s,
        commit=Summary.of(donations.commit_ms) if donations.commit_ms else None,
        stages=stages(done, window_ids, published, consumed, first_accept),
    )


async def measure_notifications(
    *,
    postgres: PostgresDatabases,
    rate: float,
    duration_s: float,
    modes: Sequence[str],
    drain_timeout_s: float,
    say: Callable[[str], None] = say,
) -> NotificationsResult:
    result = NotificationsResult(rate, duration_s)
    for key in modes:
        result.runs.append(
            await measure_mode(
                MODES[key],
                postgres=postgres,
                rate=rate,
                duration_s=duration_s,
                drain_timeout_s=drain_timeout_s,
                say=say,
            )
        )
    return result


def _sizes(full: bool) -> tuple[float, float]:
    rate, duration = FULL if full else SMALL
    return (
        float(os.environ.get("BENCH_NOTIFICATIONS_RATE", rate)),
        float(os.environ.get("BENCH_NOTIFICATIONS_DURATION_S", duration)),
    )


def _modes(text: str | None) -> tuple[str, ...]:
    chosen = tuple(m.strip() for m in (text or ",".join(DEFAULT_MODES)).split(",") if m.strip())
    unknown = [m for m in chosen if m not in MODES]
    if unknown:
        raise SystemExit(f"unknown notifications mode(s) {unknown}; known: {sorted(MODES)}")
    return chosen


async def run_notifications(postgres_dsn: str, *, full: bool = False) -> NotificationsResult:
    """The phase as `python -m bench` runs it: 50/s × 10 s, or 200/s × 60 s when `full`
    (BENCH_NOTIFICATIONS_RATE / _DURATION_S / _MODES / _DRAIN_S override)."""
    rate, duration = _sizes(full)
    say(f"notifications: {rate:g} gifts/s for {duration:g} s")
    async with throwaway_databases(postgres_dsn) as postgres:
        return await measure_notifications(
            postgres=postgres,
            rate=rate,
            duration_s=duration,
            modes=_modes(os.environ.get("BENCH_NOTIFICATIONS_MODES")),
            drain_timeout_s=float(os.environ.get("BENCH_NOTIFICATIONS_DRAIN_S", 1800)),
        )


async def _main(argv: Sequence[str] | None) -> NotificationsResult:
    parser = argparse.ArgumentParser(
        prog="python -m bench.notifications", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "BAOTRO_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--full", action="store_true", help="200 gifts/s for 60 s")
    parser.add_argument("--rate", type=float, help="gifts per second (default 50, full 200)")
    parser.add_argument("--duration", type=float, help="seconds of load (default 10, full 60)")
    parser.add_argument("--modes", help=f"comma-separated, of {', '.join(MODES)}")
    parser.add_argument("--drain-timeout", type=float, default=1800.0)
    args = parser.parse_args(argv)
    rate, duration = _sizes(args.full)
    async with throwaway_databases(args.postgres) as postgres:
        return await measure_notifications(
            postgres=postgres,
            rate=args.rate or rate,
            duration_s=args.duration or duration,
            modes=_modes(args.modes or os.environ.get("BENCH_NOTIFICATIONS_MODES")),
            drain_timeout_s=args.drain_timeout,
        )


if __name__ == "__main__":
    import uvloop

    quiet_logs()
    outcome = uvloop.run(_main(sys.argv[1:]))
    print(render([notifications_section(outcome)]) + "\n" + notifications_method(), end="")
