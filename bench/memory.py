"""Resident memory of this process (Linux `/proc`, with `getrusage` as the portable fallback)."""

from __future__ import annotations

import resource
import sys
from dataclasses import dataclass
from pathlib import Path

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_kib(field: str) -> int | None:
    """A `kB` field of /proc/self/status (`VmRSS`, `VmHWM`), or None off Linux."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _rusage_peak_mib(who: int) -> float:
    """`ru_maxrss` in MiB (kilobytes on Linux, bytes on macOS)."""
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def rusage_peak_mib() -> float:
    """`getrusage(RUSAGE_SELF).ru_maxrss`: the peak RSS of the current memory map.

    Resetting `VmHWM` (see `reset_peak`) lowers it too, so `PhaseMeter.overall_peak_mib`
    keeps the peak of the whole run.
    """
    return _rusage_peak_mib(resource.RUSAGE_SELF)


def child_peak_mib(command_contains: str) -> float | None:
    """Peak RSS (`VmHWM`) of a running child of this process whose command line matches.

    Read while the child runs: after it exits, `getrusage(RUSAGE_CHILDREN)` would report the
    memory this (large) process had when it forked the child, not the child's own.
    """
    peaks: list[float] = []
    for children in Path("/proc/self/task").glob("*/children"):
        try:
            pids = children.read_text().split()
        except OSError:
            continue
        for pid in pids:
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                if command_contains.encode() not in cmdline:
                    continue
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks.append(int(line.split()[1]) / 1024)
            except OSError:
                continue
    return max(peaks) if peaks else None


def current_rss_mib() -> float | None:
    kib = _status_kib("VmRSS")
    return None if kib is None else kib / 1024


def reset_peak() -> bool:
    """Reset the kernel's high-water mark (`VmHWM`) so a phase gets its own peak.

    Writing `5` to /proc/self/clear_refs does this on Linux ≥ 4.0; returns False elsewhere.
    `getrusage` keeps the peak of the whole run whatever happens here.
    """
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class PhaseMemory:
    """RSS of one phase: at its start, at its end, and its peak (MiB)."""

    name: str
    start_mib: float | None
    end_mib: float | None
    peak_mib: float | None


class PhaseMeter:
    """`meter.begin()` … `meter.end(name)` around a phase, for its own peak RSS."""

    def __init__(self) -> None:
        self._start: float | None = None
        self._resettable = False
        self._overall = 0.0
        self.phases: list[PhaseMemory] = []

    def _note_peak(self) -> None:
        """Fold the current high-water mark into the whole run's peak before any reset."""
        hwm = _status_kib("VmHWM")
        self._overall = max(self._overall, rusage_peak_mib(), 0.0 if hwm is None else hwm / 1024)

    @property
    def overall_peak_mib(self) -> float:
        """Peak RSS of the whole run so far (set-up included), across every reset."""
        self._note_peak()
        return self._overall

    def begin(self) -> None:
        self._note_peak()
        self._resettable = reset_peak()
        self._start = current_rss_mib()

    def end(self, name: str) -> PhaseMemory:
        hwm = _status_kib("VmHWM") if self._resettable else None
        self._note_peak()
        phase = PhaseMemory(
            name=name,
            start_mib=self._start,
            end_mib=current_rss_mib(),
            peak_mib=None if hwm is None else hwm / 1024,
        )
        self.phases.append(phase)
        return phase
