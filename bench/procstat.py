"""CPU time and peak memory of other processes, from Linux `/proc` (None elsewhere)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

_TICKS: int = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds_of(pid: int) -> float | None:
    """User + system CPU seconds of process `pid` so far (`/proc/<pid>/stat` fields 14, 15)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may hold spaces: split after its closing parenthesis
    fields = raw[raw.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _status_mib(pid: int, field: str) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def peak_rss_mib_of(pid: int) -> float | None:
    """`VmHWM` of process `pid` (its peak resident set since start or the last reset)."""
    return _status_mib(pid, "VmHWM")


def rss_mib_of(pid: int) -> float | None:
    """`VmRSS` of process `pid` (its resident set now)."""
    return _status_mib(pid, "VmRSS")


def reset_peak_of(pid: int) -> bool:
    """Reset the `VmHWM` of process `pid` (Linux ≥ 4.0, a process of the same user)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def child_pid(command_contains: str) -> int | None:
    """The pid of a child of this process whose command line contains `command_contains`."""
    for children in Path("/proc/self/task").glob("*/children"):
        try:
            pids = children.read_text().split()
        except OSError:
            continue
        for pid in pids:
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if command_contains.encode() in cmdline:
                return int(pid)
    return None


def machine_busy_ticks() -> tuple[int, int] | None:
    """(busy, total) jiffies of all cores from `/proc/stat` (busy = total − idle − iowait)."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except (OSError, IndexError):
        return None
    values = [int(v) for v in first[1:9]]
    total = sum(values)
    return total - values[3] - values[4], total


def postgres_cpu_seconds() -> dict[int, float]:
    """CPU seconds so far of every PostgreSQL server process (`comm` = postgres) by pid."""
    out: dict[int, float] = {}
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() != "postgres":
                continue
        except OSError:
            continue
        pid = int(comm.parent.name)
        seconds = cpu_seconds_of(pid)
        if seconds is not None:
            out[pid] = seconds
    return out


@dataclass(frozen=True)
class CpuUse:
    """CPU of one process over a window: 100 % is one core busy the whole time."""

    name: str
    percent: float | None
    peak_rss_mib: float | None


class CpuWindow:
    """Snapshots at `start()` and at `stop()` of the CPU time of named processes."""

    def __init__(self, pids: dict[str, int | None]) -> None:
        self._pids = pids
        self._start: dict[str, float | None] = {}
        self._wall = 0.0
        self._machine: tuple[int, int] | None = None
        self._postgres: dict[int, float] = {}
        self.machine_percent: float | None = None
        """Busy share of the whole machine over the window (all cores; 100 % = all busy)."""

    def start(self) -> None:
        for pid in self._pids.values():
            if pid is not None and pid != os.getpid():
                reset_peak_of(pid)  # this process's own peak belongs to bench.memory
        self._start = {
            name: None if pid is None else cpu_seconds_of(pid) for name, pid in self._pids.items()
        }
        self._machine = machine_busy_ticks()
        self._postgres = postgres_cpu_seconds()
        self._wall = time.perf_counter()

    def stop(self) -> list[CpuUse]:
        wall = time.perf_counter() - self._wall
        machine = machine_busy_ticks()
        if machine is not None and self._machine is not None and machine[1] > self._machine[1]:
            busy = machine[0] - self._machine[0]
            self.machine_percent = busy / (machine[1] - self._machine[1]) * 100
        uses: list[CpuUse] = []
        for name, pid in self._pids.items():
            before = self._start.get(name)
            after = None if pid is None else cpu_seconds_of(pid)
            percent = None
            if before is not None and after is not None and wall > 0:
                percent = (after - before) / wall * 100
            peak = None if pid is None or pid == os.getpid() else peak_rss_mib_of(pid)
            uses.append(CpuUse(name, percent, peak))
        postgres = postgres_cpu_seconds()
        if postgres and wall > 0:
            # backends that exited during the window are missed; new ones count from zero
            spent = sum(t - self._postgres.get(pid, 0.0) for pid, t in postgres.items())
            uses.append(CpuUse("PostgreSQL", spent / wall * 100, None))
        return uses
