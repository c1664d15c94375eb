"""The reporting service as figure 7 serves it: `python -m baotro_reporting` with N worker
processes (`REPORTING_WORKERS`: `baotro_shared.serve`, each process with its own socket on
the port), the way it is deployed.
"""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]

from bench.environment import cpu_seconds
from bench.procstat import cpu_seconds_of


async def start_server(port: int, workers: int, env: dict[str, str]) -> asyncio.subprocess.Process:
    """The service with `workers` processes on `port` (uvloop, httptools, no access log)."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "baotro_reporting",
        env={
            **os.environ,
            **env,
            "REPORTING_HOST": "127.0.0.1",
            "REPORTING_PORT": str(port),
            "REPORTING_WORKERS": str(workers),
        },
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


def children_of(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in task.read_text().split()]
        except OSError:
            continue
    return found


@dataclass(frozen=True)
class CpuSeconds:
    server: float
    postgres: float
    client: float

    def __sub__(self, other: CpuSeconds) -> CpuSeconds:
        return CpuSeconds(
            self.server - other.server, self.postgres - other.postgres, self.client - other.client
        )


class CpuProbe:
    """CPU seconds spent so far by the server (uvicorn and its workers), by the PostgreSQL
    backends serving its database, and by this process (the clients). Backends are sampled
    while the load runs (`watch`), so that one closed by the pool still counts."""

    def __init__(self, server_pid: int, dsn: str, database: str) -> None:
        self._server_pid = server_pid
        self._dsn = dsn
        self._database = database
        self._backends: dict[int, tuple[float, float]] = {}
        """pid → (CPU seconds when first seen, when last seen)"""

    async def _backend_pids(self) -> list[int]:
        connection = await asyncpg.connect(self._dsn)
        try:
            rows = await connection.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                self._database,
            )
        finally:
            await connection.close()
        return [int(row["pid"]) for row in rows]

    async def _see_backends(self) -> None:
        for pid in await self._backend_pids():
            seconds = cpu_seconds_of(pid)
            if seconds is None:
                continue
            first = self._backends.get(pid, (seconds, seconds))[0]
            self._backends[pid] = (first, seconds)

    async def sample(self) -> CpuSeconds:
        await self._see_backends()
        server = sum(
            cpu_seconds_of(pid) or 0.0 for pid in (self._server_pid, *children_of(self._server_pid))
        )
        postgres = sum(last - first for first, last in self._backends.values())
        return CpuSeconds(server, postgres, cpu_seconds())

    async def watch(self, stop: asyncio.Event, every_s: float = 0.25) -> None:
        while not stop.is_set():
            await self._see_backends()
            try:
                await asyncio.wait_for(stop.wait(), every_s)
            except TimeoutError:
                continue
