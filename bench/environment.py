"""Machine facts for the header, and quiet logs so the table is the only thing on stdout."""

from __future__ import annotations

import logging
import os
import platform
import resource
import sys
from dataclasses import dataclass
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import structlog


def quiet_logs() -> None:
    """Services log every case at INFO; keep only warnings, on stderr, away from the table."""
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    # two services in one process: the second SQLAlchemy instrumentation is refused, noisily
    logging.getLogger("opentelemetry.instrumentation.instrumentor").setLevel(logging.ERROR)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_total_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / (1024 * 1024)
    except OSError:
        pass
    return None


def cpu_seconds() -> float:
    """User + system CPU time of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def usable_cores() -> int:
    """Cores this process may run on (the affinity mask), else the machine's count."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


async def postgres_version(admin_dsn: str) -> str:
    conn = await asyncpg.connect(admin_dsn, timeout=5)
    try:
        version: str = await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()
    return version.split()[0]


@dataclass(frozen=True)
class MachineFacts:
    cores: int
    cpu: str
    memory_gib: float | None
    python: str
    system: str

    @classmethod
    def collect(cls) -> MachineFacts:
        return cls(
            cores=usable_cores(),
            cpu=_cpu_model(),
            memory_gib=_memory_total_gib(),
            python=f"{platform.python_implementation()} {platform.python_version()}",
            system=f"{platform.system()} {platform.release()}",
        )
