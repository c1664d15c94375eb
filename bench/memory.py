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


def process_peak_mib() -> float:
    """Peak RSS of this process since it started (`getrusage(RUSAGE_SELF)`), never reset."""
    return _rusage_peak_mib(resource.RUSAGE_SELF)


def children_peak_mib() -> float:
    """Largest peak RSS among terminated, waited-for children (the broker, once stopped)."""
    return _rusage_peak_mib(resource.RUSAGE_CHILDREN)


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
        self.phases: list[PhaseMemory] = []

    def begin(self) -> None:
        self._resettable = reset_peak()
        self._start = current_rss_mib()

    def end(self, name: str) -> PhaseMemory:
        hwm = _status_kib("VmHWM") if self._resettable else None
        phase = PhaseMemory(
            name=name,
            start_mib=self._start,
            end_mib=current_rss_mib(),
            peak_mib=None if hwm is None else hwm / 1024,
        )
        self.phases.append(phase)
        return phase
