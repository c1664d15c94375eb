"""The broker and throw-away PostgreSQL databases, always cleaned up."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

from baotro_shared.broker_process import BrokerProcess, free_port
from baotro_shared.testing.postgres import PostgresDatabases
from bench.memory import child_peak_mib


@dataclass
class RunningBroker:
    process: BrokerProcess
    peak_mib: float | None = None
    """The broker's peak RSS, read just before it is stopped."""

    @property
    def bootstrap_servers(self) -> str:
        return self.process.bootstrap_servers


@contextlib.contextmanager
def running_broker() -> Iterator[RunningBroker]:
    """A fresh memory-only Tansu broker on a free port, stopped (and waited for) on exit."""
    process = BrokerProcess(free_port())
    process.start()
    broker = RunningBroker(process)
    try:
        yield broker
    finally:
        broker.peak_mib = child_peak_mib("tansu")
        process.stop()


@contextlib.asynccontextmanager
async def throwaway_databases(admin_dsn: str) -> AsyncIterator[PostgresDatabases]:
    """Creates databases on demand; every database it created is dropped on exit."""
    databases = PostgresDatabases(admin_dsn)
    await databases.check()
    try:
        yield databases
    finally:
        await databases.drop_all()
