"""`make run` as a user runs it: the dev stack on SQLite files and the bundled broker.

Starts `baotro dev` in a subprocess on free ports, posts a case, reads reporting's stats, stops
with Ctrl-C (SIGINT), starts again and finds the same numbers: a restart loses nothing and
doubles nothing.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from baotro_shared.broker_process import free_port

SERVICES = ("registry", "donations", "notifications", "reporting")


class DevStack:
    def __init__(self, var_dir: Path) -> None:
        self.var_dir = var_dir
        self.ports = {name: free_port() for name in SERVICES}
        self.env = {
            **os.environ,
            "BAOTRO_BROKER_PORT": str(free_port()),
            **{f"{name.upper()}_PORT": str(port) for name, port in self.ports.items()},
        }
        self.env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
        self.process: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    def url(self, service: str, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}{path}"

    def start(self, timeout: float = 90.0) -> float:
        started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "baotro_shared.cli", "dev", "--var-dir", str(self.var_dir)],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self.process.stdout is not None
        while True:
            line = self.process.stdout.readline()
            if not line:
                pytest.fail("the dev stack exited:\n" + "".join(self.output) + self._logs())
            self.output.append(line)
            if "Ctrl-C" in line:
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                pytest.fail(f"not ready in {timeout}s:\n" + "".join(self.output))

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            pytest.fail("the dev stack did not stop within 60 s of Ctrl-C")
        self.process = None
        return code

    def _logs(self) -> str:
        parts = []
        for log in sorted((self.var_dir / "log").glob("*.log")):
            parts.append(f"\n--- {log.name}\n" + log.read_text(errors="replace")[-3000:])
        return "".join(parts)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[DevStack]:
    dev = DevStack(tmp_path / "var")
    yield dev
    if dev.process is not None:
        dev.process.kill()


def _token(role: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "baotro_shared.cli", "token", "--role", role],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def _stats(stack: DevStack, headers: dict[str, str]) -> dict[str, object]:
    response = httpx.get(stack.url("reporting", "/v1/stats/cases"), headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def _wait_stats(stack: DevStack, headers: dict[str, str], total: int, within: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < within:
        if _stats(stack, headers)["open_total"] == total:
            return time.monotonic() - started
        time.sleep(0.02)
    pytest.fail(f"reporting did not show {total} open cases within {within}s")


def _wait_duplicates(stack: DevStack, expected: int, within: float) -> None:
    """Wait until reporting's /metrics shows `expected` re-delivered events skipped."""
    pattern = re.compile(
        r'^baotro_consumer_processed_total\{outcome="duplicate",type="case.opened"\} ([0-9.]+)$',
        re.MULTILINE,
    )
    started = time.monotonic()
    seen = 0.0
    while time.monotonic() - started < within:
        match = pattern.search(httpx.get(stack.url("reporting", "/metrics")).text)
        seen = float(match.group(1)) if match else 0.0
        if seen >= expected:
            return
        time.sleep(0.1)
    pytest.fail(f"reporting skipped {seen} replayed events, expected {expected}")


def test_make_run_serves_the_flow_and_a_restart_loses_and_doubles_nothing(
    stack: DevStack,
) -> None:
    ready_after = stack.start()
    assert ready_after < 90
    for service in SERVICES:
        assert httpx.get(stack.url(service, "/readyz")).status_code == 200
        assert httpx.get(stack.url(service, "/openapi.json")).status_code == 200
    portal = httpx.get(stack.url("reporting", "/"))
    assert portal.status_code == 200
    assert 'lang="vi"' in portal.text
    headers = {"Authorization": f"Bearer {_token('fund_admin')}"}

    for commune, groups in [("14797", ["a"]), ("16522", ["d", "n"])]:
        response = httpx.post(
            stack.url("registry", "/v1/cases"),
            json={"commune_code": commune, "groups": groups},
            headers=headers,
        )
        assert response.status_code == 201, response.text
    _wait_stats(stack, headers, 2, within=2.0)
    before = _stats(stack, headers)
    _money_on_the_embedded_database(stack, headers)
    assert stack.stop() == 0
    assert (stack.var_dir / "registry.db").exists()

    stack.start()
    # the services re-publish their outbox into the empty broker; reporting skips duplicates
    _wait_duplicates(stack, 2, within=30.0)
    assert _stats(stack, headers) == before
    response = httpx.post(
        stack.url("registry", "/v1/cases"),
        json={"commune_code": "14797", "groups": ["b"]},
        headers=headers,
    )
    assert response.status_code == 201
    _wait_stats(stack, headers, 3, within=10.0)
    assert stack.stop() == 0


def _money_on_the_embedded_database(stack: DevStack, headers: dict[str, str]) -> None:
    """Donations on SQLite: a cash gift, its receipt, balances and a payment code with QR."""
    gift = httpx.post(
        stack.url("donations", "/v1/donations"),
        json={"channel": "cash", "amount": 1_250_000, "received_on": "2026-11-20"},
        headers=headers,
    )
    assert gift.status_code == 201, gift.text
    receipt = httpx.get(
        stack.url("donations", f"/v1/receipts/{gift.json()['receipt_number']}"), headers=headers
    )
    assert receipt.status_code == 200, receipt.text
    assert "Một triệu hai trăm năm mươi nghìn đồng" in receipt.text
    balances = httpx.get(stack.url("donations", "/v1/ledger/balances"), headers=headers)
    assert balances.status_code == 200, balances.text
    assert "1250000" in balances.text.replace(",", "")
    code = httpx.post(
        stack.url("donations", "/v1/payment-codes"),
        json={"target_kind": "campaign", "target_id": "tet-2027", "amount": 500_000},
        headers=headers,
    )
    assert code.status_code == 201, code.text
    qr = httpx.get(stack.url("donations", f"/v1/payment-codes/{code.json()['code']}/qr.png"))
    assert qr.headers["content-type"] == "image/png"
