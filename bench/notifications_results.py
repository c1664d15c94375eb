"""The notifications benchmark's modes (settings of the service) and what a run found, and
how the table shows it."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.procstat import CpuUse
from bench.stats import Summary
from bench.table import Section

WARMUP = 20
"""Gifts sent (and e-mailed) before the measured load, not counted."""


@dataclass(frozen=True)
class Mode:
    key: str
    label: str
    settings: dict[str, str]
    replicas: int = 1
    """Notifications processes on one database (the topic has 3 partitions: up to 3 consume)."""


MODES = {
    "pdf": Mode(
        "pdf",
        "letter attached as PDF, rendered in a thread of the service",
        {"NOTIFICATIONS_EMAIL_LETTER": "pdf", "NOTIFICATIONS_RENDER_PROCESSES": "0"},
    ),
    "pdf-pool": Mode(
        "pdf-pool",
        "letter attached as PDF, rendered by 2 processes",
        {"NOTIFICATIONS_EMAIL_LETTER": "pdf", "NOTIFICATIONS_RENDER_PROCESSES": "2"},
    ),
    "html": Mode(
        "html",
        "letter as the HTML body, PDF on demand",
        {"NOTIFICATIONS_EMAIL_LETTER": "html"},
    ),
    "pdf-x2": Mode(
        "pdf-x2",
        "letter attached as PDF, 2 replicas of the service (one per core)",
        {"NOTIFICATIONS_EMAIL_LETTER": "pdf", "NOTIFICATIONS_RENDER_PROCESSES": "0"},
        replicas=2,
    ),
    "html-x2": Mode(
        "html-x2",
        "letter as the HTML body, 2 replicas of the service",
        {"NOTIFICATIONS_EMAIL_LETTER": "html"},
        replicas=2,
    ),
    "html-x3": Mode(
        "html-x3",
        "letter as the HTML body, 3 replicas of the service",
        {"NOTIFICATIONS_EMAIL_LETTER": "html"},
        replicas=3,
    ),
}
DEFAULT_MODES = ("pdf", "pdf-x2", "html", "html-x2")


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
    cpu_wall_s: float
    """Wall time of the CPU window (the load and the drain)."""
    machine_busy_percent: float | None
    service_peak_mib: float | None
    workers_peak_mib: float | None
    mean_mail_kib: float
    checks: list[str]
    load: tuple[float, float]
    startup_s: float
    commit: Summary | None
    stages: dict[str, Summary]
    """relay (commit → published), consumer (published → inbox), dispatch (inbox → 250)."""

    @property
    def achieved_rate(self) -> float:
        return self.committed / self.duration_s

    @property
    def email_rate_in_window(self) -> float:
        return self.emails_in_window / self.duration_s

    def cpu_ms_per_email(self, *names: str) -> float | None:
        """CPU time of the named processes (a prefix matches) per e-mail sent in the window."""
        spent = [
            u.percent
            for u in self.cpu
            if u.percent is not None and any(u.name.startswith(n) for n in names)
        ]
        if not spent or not self.emailed:
            return None
        return sum(spent) / 100 * self.cpu_wall_s / self.emailed * 1000


@dataclass
class NotificationsResult:
    rate: float
    duration_s: float
    runs: list[ModeRun] = field(default_factory=list)


def _ms(value: float) -> str:
    return f"{value / 1000:,.1f} s" if value >= 10_000 else f"{value:,.0f} ms"


def _cpu_notes(run: ModeRun) -> str:
    by_name = {u.name: u.percent for u in run.cpu}
    children = sum(v or 0.0 for k, v in by_name.items() if k.startswith("notifications child"))
    service = sum(v or 0.0 for k, v in by_name.items() if k.startswith("notifications")) - children
    replicas = f" ({run.mode.replicas} processes)" if run.mode.replicas > 1 else ""
    parts = [f"notifications{replicas} {service:.0f} %"]
    if children:
        parts.append(f"its render processes {children:.0f} %")
    for name in ("PostgreSQL, this run", "PostgreSQL", "broker", "donor API", "bench"):
        if by_name.get(name) is not None:
            label = "PostgreSQL, all databases" if name == "PostgreSQL" else name
            parts.append(f"{label} {by_name[name]:.0f} %")
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
        if r.stages:
            s.add(
                "  stages p50 / p99",
                "",
                "",
                "; ".join(f"{name} {_ms(v.p50)} / {_ms(v.p99)}" for name, v in r.stages.items())
                + " (relay: commit → published; consumer: → inbox; dispatch: → 250)",
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
        service_ms = r.cpu_ms_per_email("notifications")
        postgres_ms = r.cpu_ms_per_email("PostgreSQL, this run")
        s.add(
            "  CPU per e-mail",
            f"{service_ms:,.1f} ms" if service_ms is not None else "n/a",
            f"{postgres_ms:,.1f} ms" if postgres_ms is not None else "n/a",
            "the notifications service (with its render processes); baseline column: the "
            "PostgreSQL backends of this run's two databases; over the load and the drain",
        )
        s.add("  CPU over load + drain", "", "", _cpu_notes(r))
        workers = f" + render processes {r.workers_peak_mib:,.0f} MiB" if r.workers_peak_mib else ""
        s.add(
            "  peak RSS, notifications",
            f"{r.service_peak_mib:,.0f} MiB" if r.service_peak_mib else "n/a",
            "",
            f"during load + drain{workers}"
            + (f", sum of {r.mode.replicas} processes" if r.mode.replicas > 1 else "")
            + f"; mean e-mail {r.mean_mail_kib:,.1f} KiB; "
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
