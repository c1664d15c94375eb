"""Run real services in the test process: their app, runtime, relay and consumer."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from baotro_shared.broker_process import BrokerProcess
from baotro_shared.runtime import ServiceRuntime
from baotro_shared.services import SERVICES
from baotro_shared.testing.postgres import PostgresDatabases


@dataclass
class RunningService:
    name: str
    app: FastAPI
    client: httpx.AsyncClient
    lifespan: LifespanManager
    database_url: str

    @property
    def runtime(self) -> ServiceRuntime[Any]:
        runtime: ServiceRuntime[Any] = self.app.state.runtime
        return runtime


FAST_TEST_SETTINGS: dict[str, Any] = {
    "consumer_max_attempts": 3,
    "consumer_backoff_initial_s": 0.05,
    "consumer_backoff_max_s": 0.2,
    "consumer_poll_timeout_ms": 100,
    "consumer_session_timeout_ms": 2000,
    "outbox_poll_interval_s": 0.05,
    "topic_partitions": 3,
}


class ServiceHarness:
    """Starts services by name on their own PostgreSQL databases and the test broker."""

    def __init__(self, *, postgres: PostgresDatabases, broker: BrokerProcess, run_id: str) -> None:
        self._postgres = postgres
        self._broker = broker
        self._run_id = run_id
        self._databases: dict[str, str] = {}
        self.running: dict[str, RunningService] = {}

    async def database_url(self, name: str) -> str:
        if name not in self._databases:
            self._databases[name] = await self._postgres.create(f"baotro_t_{self._run_id}_{name}")
        return self._databases[name]

    async def start(self, name: str, **overrides: Any) -> RunningService:
        """Start service `name` (keeping its database across restarts within a test)."""
        ref = SERVICES[name]
        url = await self.database_url(name)
        settings_cls = ref.settings_class()
        values = {
            **FAST_TEST_SETTINGS,
            "database_url": url,
            "kafka_bootstrap_servers": self._broker.bootstrap_servers,
            **overrides,
        }
        settings = settings_cls(**values)
        module = __import__(f"{ref.module}.bootstrap", fromlist=["create_app"])
        app: FastAPI = module.create_app(settings)
        runtime: ServiceRuntime[Any] = app.state.runtime
        lifespan = LifespanManager(app, startup_timeout=60, shutdown_timeout=30)
        await lifespan.__aenter__()
        await runtime.wait_broker_ready(60)
        await _wait_consumer_assigned(runtime)
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=lifespan.app), base_url=f"http://{name}"
        )
        service = RunningService(name, app, client, lifespan, url)
        self.running[name] = service
        return service

    async def stop(self, name: str) -> None:
        service = self.running.pop(name)
        await service.client.aclose()
        await service.lifespan.__aexit__(None, None, None)

    async def stop_all(self) -> None:
        for name in list(self.running):
            await self.stop(name)


async def _wait_consumer_assigned(runtime: ServiceRuntime[Any], timeout: float = 60.0) -> None:
    """Like `/readyz`: a service with a consumer is ready once it holds its partitions."""
    if runtime.consumer is None:
        return
    deadline = asyncio.get_running_loop().time() + timeout
    while not runtime.consumer.assigned:
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"{runtime.settings.service_name}: consumer never joined its group")
        await asyncio.sleep(0.05)
