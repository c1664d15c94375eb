"""`serve` with several worker processes, as deployed: each answers on the shared port, one
that dies is started again, and SIGTERM stops them all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from baotro_shared.broker_process import free_port
from baotro_shared.serve import RESTART_PAUSE_S

pytestmark = pytest.mark.integration


def _pids_answering(port: int, seconds: float, want: int) -> set[int]:
    """The process ids that answer new connections, until `want` of them did."""
    seen: set[int] = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(seen) < want:
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=2) as http:
                seen.add(int(http.get("/pid").json()))
        except httpx.TransportError:
            time.sleep(0.1)
    return seen


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_workers_share_the_port_come_back_when_they_die_and_stop_together() -> None:
    port = free_port()
    parent = subprocess.Popen(
        [sys.executable, "-m", "baotro_shared.testing.pid_service", str(port), "2"],
        env={**os.environ, "BAOTRO_LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        first = _pids_answering(port, 60, want=2)
        assert len(first) == 2, f"both workers should answer, saw {first}"
        assert parent.pid not in first

        dead = min(first)
        os.kill(dead, signal.SIGKILL)
        survivor = (first - {dead}).pop()
        after = _pids_answering(port, 30 + RESTART_PAUSE_S, want=2)
        assert dead not in after
        assert len(after) == 2, f"a new worker should answer: {after}"
        assert survivor in after

        parent.send_signal(signal.SIGTERM)
        assert parent.wait(timeout=30) == 0
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in after) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in after), "the workers outlived their parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
