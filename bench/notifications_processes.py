"""The processes of the notifications benchmark: the notifications service as deployed
(`python -m baotro_notifications`, uvicorn, production settings unless a mode changes one)
and the donors API stand-in (`python -m bench.donor_api`), each on a free port, logs to files.
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
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from baotro_shared.broker_process import free_port
from baotro_shared.settings import DEVELOPMENT_SIGNING_KEY
from bench.latency_processes import ServiceProcess
from bench.procstat import cpu_seconds_of

READY_TIMEOUT_S = 90.0
_TICKS = os.sysconf("SC_CLK_TCK")
DIRECTOR = "Lê Văn Minh"


def _spawn(
    name: str, command: list[str], env: dict[str, str], log: Path, port: int
) -> ServiceProcess:
    log_file = open(log, "ab")  # noqa: SIM115 - closed by ServiceProcess.stop
    process = subprocess.Popen(
        command, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
    )
    return ServiceProcess(name, port, process, log, log_file)


async def _wait_ready(service: ServiceProcess, path: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    async with httpx.AsyncClient(timeout=2.0) as client:
        while True:
            if service.process.poll() is not None:
                raise RuntimeError(f"{service.name} exited:\n{service.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"{service.url}{path}")).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{service.name} not ready:\n{service.log_tail()}")
            await asyncio.sleep(0.2)


def service_env(
    *, database_url: str, port: int, bootstrap: str, smtp_port: int, donors_url: str, var: Path
) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    env.update(
        NOTIFICATIONS_DATABASE_URL=database_url,
        NOTIFICATIONS_PORT=str(port),
        NOTIFICATIONS_SMTP_HOST="127.0.0.1",
        NOTIFICATIONS_SMTP_PORT=str(smtp_port),
        NOTIFICATIONS_DONATIONS_URL=donors_url,
        # the nightly evaluation (01:30 Vietnam time) must not land inside a measurement
        NOTIFICATIONS_COMMENDATION_EVALUATION_ENABLED="false",
        NOTIFICATIONS_DIRECTOR_NAME=DIRECTOR,
        KAFKA_BOOTSTRAP_SERVERS=bootstrap,
        BAOTRO_LOG_LEVEL="WARNING",
        BAOTRO_ENV="development",
        BAOTRO_JWT_SECRET=DEVELOPMENT_SIGNING_KEY,
        BAOTRO_JWT_ISSUER="baotro",
        BAOTRO_JWT_AUDIENCE="baotro",
        BAOTRO_VAR_DIR=str(var),
    )
    return env


@dataclass
class Neighbours:
    services: list[ServiceProcess]
    """The notifications service: one process, or replicas sharing its database."""
    donors: ServiceProcess


@contextlib.asynccontextmanager
async def running_notifications(
    *,
    database_url: str,
    bootstrap: str,
    smtp_port: int,
    settings: dict[str, str],
    replicas: int = 1,
) -> AsyncIterator[Neighbours]:
    """The donors API stand-in and the notifications service (with `settings` on top of the
    bench's; `replicas` processes on one database, started one after the other so that one
    migrates), ready; stopped on exit. Logs are kept (and named on stderr) after a failure."""
    var = Path(tempfile.mkdtemp(prefix="baotro-bench-notifications-"))
    started: list[ServiceProcess] = []
    failed = True
    try:
        donors_port = free_port()
        donors = _spawn(
            "donor-api",
            [sys.executable, "-m", "bench.donor_api", "--port", str(donors_port)],
            dict(os.environ),
            var / "donor-api.log",
            donors_port,
        )
        started.append(donors)
        await _wait_ready(donors, "/healthz")
        services: list[ServiceProcess] = []
        for index in range(replicas):
            port = free_port()
            env = service_env(
                database_url=database_url,
                port=port,
                bootstrap=bootstrap,
                smtp_port=smtp_port,
                donors_url=donors.url,
                var=var,
            )
            env.update(settings)
            service = _spawn(
                "notifications" if index == 0 else f"notifications {index + 1}",
                [sys.executable, "-m", "baotro_notifications"],
                env,
                var / f"notifications-{index + 1}.log",
                port,
            )
            started.append(service)
            services.append(service)
            await _wait_ready(service, "/readyz")
        yield Neighbours(services, donors)
        failed = any(s.process.poll() is not None for s in started)
    finally:
        for process in reversed(started):
            process.stop()
        if failed:
            print(f"· notifications bench logs kept in {var}", file=sys.stderr, flush=True)
        else:
            shutil.rmtree(var, ignore_errors=True)


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (a render pool's workers, its resource tracker)."""
    found: list[int] = []
    queue = [pid]
    while queue:
        parent = queue.pop()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                kids = [int(p) for p in children.read_text().split()]
            except OSError:
                continue
            found.extend(kids)
            queue.extend(kids)
    return found


def postgres_backends_cpu(marker: str) -> dict[int, float]:
    """CPU seconds so far of the PostgreSQL backends serving databases named with `marker`
    (their command line carries the database name)."""
    out: dict[int, float] = {}
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes()
        except OSError:
            continue
        if not text.startswith(b"postgres:") or marker.encode() not in text:
            continue
        seconds = cpu_seconds_of(int(cmdline.parent.name))
        if seconds is not None:
            out[int(cmdline.parent.name)] = seconds
    return out


def _reaped_children_cpu(pid: int) -> float:
    """CPU seconds of the children `pid` has waited for (`/proc/<pid>/stat` cutime, cstime)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = raw[raw.rindex(")") + 2 :].split()
    return (int(fields[13]) + int(fields[14])) / _TICKS


def _rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class ChildrenMeter:
    """CPU and peak memory of the processes the services start (render processes), those
    replaced meanwhile included: a child's CPU time joins its parent's once it is reaped."""

    def __init__(self, parents: list[int]) -> None:
        self._parents = parents
        self._start = 0.0
        self._task: asyncio.Task[None] | None = None
        self.peak_mib = 0.0

    def _cpu(self) -> float:
        total = 0.0
        for parent in self._parents:
            total += _reaped_children_cpu(parent)
            total += sum(cpu_seconds_of(child) or 0.0 for child in descendants(parent))
        return total

    def _sample_rss(self) -> None:
        live = sum(_rss_mib(c) for parent in self._parents for c in descendants(parent))
        self.peak_mib = max(self.peak_mib, live)

    async def _sample(self) -> None:
        while True:
            self._sample_rss()
            await asyncio.sleep(0.5)

    def start(self) -> None:
        self._start = self._cpu()
        self._task = asyncio.create_task(self._sample())

    def stop(self) -> float:
        """CPU seconds the children used since `start()`."""
        if self._task is not None:
            self._task.cancel()
        self._sample_rss()
        return self._cpu() - self._start
