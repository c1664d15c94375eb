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
or `python -m bench --only notifications [--notifications-full]`.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import asyncpg  # type: ignore[import-untyped]
from pypdf import PdfReader

from baotro_shared.amount_words import amount_in_figures, amount_in_words
from baotro_shared.mail_sink import ReceivedMail
from baotro_shared.testing.postgres import PostgresDatabases
from bench.donor_api import BANK_ACCOUNT
from bench.environment import quiet_logs
from bench.infra import running_broker, throwaway_databases
from bench.notifications_processes import descendants, running_notifications
from bench.notifications_rig import DonationsOutbox, Gift, TimedMailSink, notice_hex
from bench.procstat import CpuUse, CpuWindow, child_pid
from bench.report import load_average
from bench.stats import Summary
from bench.table import Section, render

SMALL = (50.0, 10.0)
FULL = (200.0, 60.0)
WARMUP = 20


@dataclass(frozen=True)
class Mode:
    key: str
    label: str
    settings: dict[str, str]


MODES = {
    "pdf": Mode("pdf", "PDF attached, rendered in a thread", {}),
}
DEFAULT_MODES = ("pdf",)


@dataclass
class ModeRun:
    mode: Mode
    rate: float
    duration_s: float
    committed: int
    producer_errors: int
    latency: Summary | None
    emailed: int
    duplicates: int
    backlog_at_end: int
    pending_rows_at_end: int
    consumed_at_end: int
    """Gifts of the load the service's consumer had recorded when the load ended."""
    peak_pending_rows: int
    emails_in_window: int
    drain_s: float | None
    """End of the load → the last e-mail (None: not drained within the timeout)."""
    drain_rate: float
    """E-mails per second after the load, until drained or the timeout."""
    early_p50_ms: float
    late_p50_ms: float
    cpu: list[CpuUse]
    machine_busy_percent: float | None
    service_peak_mib: float | None
    workers_peak_mib: float | None
    mean_mail_kib: float
    checks: list[str]
    load: tuple[float, float]
    startup_s: float
    commit: Summary | None

    @property
    def achieved_rate(self) -> float:
        return self.committed / self.duration_s

    @property
    def email_rate_in_window(self) -> float:
        return self.emails_in_window / self.duration_s


@dataclass
class NotificationsResult:
    rate: float
    duration_s: float
    runs: list[ModeRun] = field(default_factory=list)


def say(message: str) -> None:
    print(f"· {message}", file=sys.stderr, flush=True)


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _count_pending(conn: asyncpg.Connection) -> int:
    count: int = await conn.fetchval("SELECT count(*) FROM deliveries WHERE status = 'pending'")
    return count


async def _count_notices(conn: asyncpg.Connection) -> int:
    """Thank-you notices recorded: the gifts the service's consumer has taken in."""
    count: int = await conn.fetchval("SELECT count(*) FROM deliveries WHERE kind = 'thank_you'")
    return count


async def _wait_emails(sink: TimedMailSink, expected: int, timeout_s: float) -> bool:
    """Until `expected` e-mails arrived; False after `timeout_s` or 180 s without progress."""
    deadline = time.monotonic() + timeout_s
    last, last_change = -1, time.monotonic()
    while True:
        count = len(sink.timed.snapshot())
        if count >= expected:
            return True
        now = time.monotonic()
        if count != last:
            last, last_change = count, now
        if now > deadline or now - last_change > 180:
            return False
        await asyncio.sleep(0.2)


def _check_mail(mail: ReceivedMail, gift: Gift, *, read_pdf: bool) -> list[str]:
    """What is wrong with one e-mail (empty: it says the right things, and no account)."""
    problems: list[str] = []
    raw = mail.message.as_bytes()
    texts = [mail.text]
    html = mail.message.get_body(preferencelist=("html",))
    if html is not None:
        texts.append(str(html.get_content()))
    if read_pdf:
        for _name, content in mail.attachments:
            texts.append(
                "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages)
            )
    for needed in (
        gift.receipt_number,
        amount_in_figures(gift.amount),
        amount_in_words(gift.amount),
    ):
        if not all(needed in " ".join(t.split()) for t in texts):
            problems.append(f"missing “{needed}”")
    if BANK_ACCOUNT.encode() in raw or any(BANK_ACCOUNT in t for t in texts):
        problems.append("shows the bank account")
    return problems


def _checks(
    sink: TimedMailSink, by_notice: dict[str, uuid.UUID], gifts: dict[uuid.UUID, Gift]
) -> list[str]:
    kept = sink.messages
    problems: list[str] = []
    checked = 0
    for index, mail in enumerate(kept):
        donation = by_notice.get(notice_hex(mail.message.as_bytes()) or "")
        gift = gifts.get(donation) if donation else None
        if gift is None:
            continue
        checked += 1
        problems += _check_mail(mail, gift, read_pdf=index < 3)
    return [f"{checked} e-mails read back", *sorted(set(problems))]


async def _mapping(conn: asyncpg.Connection) -> dict[str, uuid.UUID]:
    rows = await conn.fetch(
        "SELECT id::text, donation_id::text FROM deliveries "
        "WHERE kind = 'thank_you' AND donation_id IS NOT NULL"
    )
    return {uuid.UUID(r[0]).hex: uuid.UUID(r[1]) for r in rows}


def _pids(service_pid: int, donors_pid: int) -> dict[str, int | None]:
    pids: dict[str, int | None] = {"notifications": service_pid}
    for i, pid in enumerate(descendants(service_pid), start=1):
        pids[f"notifications child {i}"] = pid
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
                settings=mode.settings,
            ) as processes:
                startup_s = time.perf_counter() - started
                donations = DonationsOutbox(donations_url, broker.bootstrap_servers)
                await donations.start()
                conn = await asyncpg.connect(_plain(service_url))
                try:
                    say(f"  [{mode.key}] ready in {startup_s:.1f} s; warm-up: {WARMUP} gifts")
                    await donations.run(10, count=WARMUP)
                    if not await _wait_emails(sink, WARMUP, 180):
                        raise RuntimeError(
                            f"warm-up: {len(sink.timed.snapshot())} of {WARMUP} e-mails\n"
                            + processes.service.log_tail()
                        )
                    before = set(donations.committed)
                    donations.commit_ms.clear()
                    window = CpuWindow(
                        _pids(processes.service.process.pid, processes.donors.process.pid)
                    )
                    load_start = load_average()
                    pending_peak = 0

                    async def sample() -> None:
                        nonlocal pending_peak
                        while True:
                            pending_peak = max(pending_peak, await _count_pending(conn))
                            await asyncio.sleep(1.0)

                    sampler = asyncio.create_task(sample())
                    say(f"  [{mode.key}] {rate:g} gifts/s for {duration_s:g} s")
                    window.start()
                    t0 = time.time()
                    await donations.run(rate, duration_s=duration_s)
                    t_end = time.time()
                    sampler.cancel()
                    pending_at_end = await _count_pending(conn)
                    consumed_at_end = await _count_notices(conn) - WARMUP
                    pending_peak = max(pending_peak, pending_at_end)
                    expected = WARMUP + len(donations.committed) - len(before)
                    say(f"  [{mode.key}] load done; {pending_at_end} notices pending; draining")
                    drained = await _wait_emails(sink, expected, drain_timeout_s)
                    t_drained = time.time()
                    cpu = window.stop()
                    load_end = load_average()
                    peaks = {u.name: u.peak_rss_mib for u in cpu}
                    by_notice = await _mapping(conn)
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
        machine_busy_percent=window.machine_percent,
        service_peak_mib=peaks.get("notifications"),
        workers_peak_mib=sum(workers) if workers else None,
        mean_mail_kib=sum(s for _, _, s in accepted) / max(1, len(accepted)) / 1024,
        checks=_checks(sink, by_notice, donations.gifts),
        load=(load_start, load_end),
        startup_s=startup_s,
        commit=Summary.of(donations.commit_ms) if donations.commit_ms else None,
    )


def _ms(value: float) -> str:
    return f"{value / 1000:,.1f} s" if value >= 10_000 else f"{value:,.0f} ms"


def _cpu_notes(run: ModeRun) -> str:
    by_name = {u.name: u.percent for u in run.cpu}
    service = by_name.get("notifications") or 0.0
    children = sum(v or 0.0 for k, v in by_name.items() if k.startswith("notifications child"))
    parts = [f"notifications {service:.0f} %"]
    if children:
        parts.append(f"its render processes {children:.0f} %")
    for name in ("PostgreSQL", "broker", "donor API", "bench"):
        if by_name.get(name) is not None:
            parts.append(f"{name} {by_name[name]:.0f} %")
    busy = run.machine_busy_percent
    machine = f"; machine busy {busy:.0f} % of 2 cores" if busy is not None else ""
    return ", ".join(parts) + f" (100 % = one core){machine}"


def notifications_section(result: NotificationsResult) -> Section:
    s = Section(
        f"8. Thank-you e-mails: {result.rate:g} donation.received/s for {result.duration_s:g} s "
        "→ e-mail accepted by the SMTP sink (commit → 250), per mode of the notifications "
        "service; donor API: local stand-in (bench.donor_api)"
    )
    for r in result.runs:
        tag = f"[{r.mode.key}]"
        s.add(f"{tag} {r.mode.label}", "", "", f"load average {r.load[0]:.2f} → {r.load[1]:.2f}")
        latency = r.latency
        s.add(
            "  commit → accepted p50 / p99",
            f"{_ms(latency.p50)} / {_ms(latency.p99)}" if latency else "n/a",
            "",
            f"max {_ms(latency.max)}; first third p50 {_ms(r.early_p50_ms)}, last third "
            f"{_ms(r.late_p50_ms)}"
            if latency
            else "no e-mail arrived",
        )
        s.add(
            "  gifts committed / e-mails sent",
            f"{r.achieved_rate:,.1f} /s",
            f"{r.email_rate_in_window:,.1f} /s",
            f"offered {r.rate:g}/s; e-mails accepted during the load; {r.committed:,} gifts, "
            f"{r.producer_errors} errors; commit p50 "
            + (f"{r.commit.p50:.1f} ms" if r.commit else "n/a"),
        )
        s.add(
            "  backlog at end of load",
            f"{r.backlog_at_end:,}",
            "",
            f"gifts committed, not e-mailed; {r.consumed_at_end:,} consumed by the service, "
            f"{r.pending_rows_at_end:,} notices pending (peak {r.peak_pending_rows:,})",
        )
        missing = r.committed - r.emailed
        estimate = (
            f"; at that rate the rest would take {missing / r.drain_rate:,.0f} s more"
            if missing and r.drain_rate > 0
            else ""
        )
        s.add(
            "  drain",
            f"{r.drain_s:,.1f} s" if r.drain_s is not None else "NOT DRAINED",
            f"{r.drain_rate:,.1f} e-mails/s",
            f"{r.emailed:,} of {r.committed:,} e-mailed, {r.duplicates} duplicates{estimate}",
        )
        s.add("  CPU over load + drain", "", "", _cpu_notes(r))
        workers = f" + render processes {r.workers_peak_mib:,.0f} MiB" if r.workers_peak_mib else ""
        s.add(
            "  peak RSS, notifications",
            f"{r.service_peak_mib:,.0f} MiB" if r.service_peak_mib else "n/a",
            "",
            f"during load + drain{workers}; mean e-mail {r.mean_mail_kib:,.1f} KiB; "
            f"startup {r.startup_s:.1f} s",
        )
        s.add("  checks", "ok" if len(r.checks) == 1 else "FAILED", "", "; ".join(r.checks))
    return s


NOTIFICATIONS_METHOD = """\
* Thank-you e-mails (section 8): per mode a fresh broker, two throw-away databases, the
  notifications service as a subprocess (uvicorn, production settings but the nightly
  commendation evaluation off; a mode changes only the settings it names) and the donors API
  stand-in as a subprocess (every id → a realistic donor, preferred channel e-mail, token
  checked). This process commits each gift (donation row + donation.received in the outbox,
  one transaction) and the shared outbox relay publishes it; the project's aiosmtpd sink runs
  in a thread of this process. Latency: commit returned → sink received DATA, both
  time.time() of this process, joined by the notice id of the Message-ID. Warm-up: {warmup}
  gifts, not counted. CPU and peak RSS are read from /proc over the load and the drain.
"""


def notifications_method() -> str:
    return NOTIFICATIONS_METHOD.format(warmup=WARMUP)


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
