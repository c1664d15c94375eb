"""pytest plugin (entry point `baotro`): real PostgreSQL, the real broker, services in-process.

With `CI=true`, a missing component fails the test instead of skipping it: CI must not hide
an integration test.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from baotro_shared.broker_process import BrokerProcess, free_port
from baotro_shared.observability.tracing import configure_tracing, instrument_clients
from baotro_shared.settings import DEVELOPMENT_SIGNING_KEY
from baotro_shared.testing.harness import ServiceHarness
from baotro_shared.testing.postgres import PostgresDatabases
from baotro_shared.web.auth import Role, TokenConfig, issue_token

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing_component(reason: str) -> None:
    """Skip locally, fail in CI."""
    if IN_CI:
        pytest.fail(f"required test component missing in CI: {reason}")
    pytest.skip(reason)


def pytest_configure(config: pytest.Config) -> None:
    """Hypothesis checks properties here, not speed (`make bench` measures that): no deadline
    per example. A first example can be slow for reasons of its own, e.g. unidecode loading
    the table of a script it meets for the first time (seen: 370 ms, a failed run)."""
    try:
        from hypothesis import settings
    except ImportError:  # the plugin without the project's test dependencies
        return
    settings.register_profile("baotro", deadline=None)
    settings.load_profile("baotro")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if (
            "/integration/" in str(item.path)
            or "/tests/e2e" in str(item.path)
            or (str(item.path).startswith(os.path.join(os.getcwd(), "tests") + os.sep))
        ):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def span_exporter() -> InMemorySpanExporter:
    """Every span of the test process, kept in memory."""
    exporter = InMemorySpanExporter()
    configure_tracing(service="tests", otlp_endpoint=None, exporter=exporter, synchronous=True)
    instrument_clients()
    return exporter


@pytest.fixture
def broker() -> Iterator[BrokerProcess]:
    """A real Kafka-protocol broker (Tansu, memory-only) on a free port, new for each test.

    It starts in milliseconds; a broker per test keeps tests from seeing each other's events.
    """
    try:
        process = BrokerProcess(free_port())
        process.start()
    except Exception as exc:  # pragma: no cover - depends on the machine
        missing_component(f"cannot start the Tansu broker: {exc}")
        raise
    yield process
    process.stop()


@pytest.fixture(scope="session")
async def postgres() -> AsyncIterator[PostgresDatabases]:
    """Creates databases on 127.0.0.1:5432 on demand and drops them at the end."""
    databases = PostgresDatabases(
        os.environ.get("BAOTRO_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    try:
        await databases.check()
    except Exception as exc:  # pragma: no cover - depends on the machine
        missing_component(f"PostgreSQL is not reachable: {exc}")
    yield databases
    await databases.drop_all()


@pytest.fixture
async def postgres_database(postgres: PostgresDatabases) -> AsyncIterator[str]:
    """A new, empty database for one test (its SQLAlchemy URL), dropped after it."""
    name = f"baotro_t_{uuid.uuid4().hex[:12]}"
    url = await postgres.create(name)
    yield url
    await postgres.drop(name)


@pytest.fixture
async def services(
    postgres: PostgresDatabases, broker: BrokerProcess, span_exporter: InMemorySpanExporter
) -> AsyncIterator[ServiceHarness]:
    """Start services in-process on fresh PostgreSQL databases; stopped after the test."""
    harness = ServiceHarness(postgres=postgres, broker=broker, run_id=uuid.uuid4().hex[:8])
    try:
        yield harness
    finally:
        await harness.stop_all()


@pytest.fixture(scope="session")
def token_config() -> TokenConfig:
    return TokenConfig(DEVELOPMENT_SIGNING_KEY, "baotro", "baotro")


@pytest.fixture(scope="session")
def make_token(token_config: TokenConfig) -> Callable[..., str]:
    def _make(role: Role | str, communes: list[str] | None = None, sub: str = "tester") -> str:
        return issue_token(token_config, sub=sub, role=role, communes=communes)

    return _make


def bearer(
    make_token: Callable[..., str],
    role: Role | str,
    communes: list[str] | None = None,
    *,
    sub: str = "tester",
) -> dict[str, str]:
    """The Authorization header of a test token for `role` (and `communes`), as `sub`."""
    return {"Authorization": f"Bearer {make_token(role, communes, sub=sub)}"}


@pytest.fixture(scope="session")
def auth_header(make_token: Callable[..., str]) -> Callable[..., dict[str, str]]:
    def _header(
        role: Role | str, communes: list[str] | None = None, sub: str = "tester"
    ) -> dict[str, str]:
        return bearer(make_token, role, communes, sub=sub)

    return _header


async def eventually(
    probe: Callable[[], Awaitable[Any]],
    *,
    timeout: float = 20.0,
    interval: float = 0.05,
    message: str = "condition not reached",
) -> Any:
    """Poll `probe` until it returns a truthy value; fail with `message` after `timeout`."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = await probe()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"{message} (last value: {last!r})")
