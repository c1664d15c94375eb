"""The broker and throw-away PostgreSQL databases, always cleaned up."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator

from baotro_shared.broker_process import BrokerProcess, free_port
from baotro_shared.testing.postgres import PostgresDatabases


@contextlib.contextmanager
def running_broker() -> Iterator[BrokerProcess]:
    """A fresh memory-only Tansu broker on a free port, stopped (and waited for) on exit."""
    broker = BrokerProcess(free_port())
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


@contextlib.asynccontextmanager
async def throwaway_databases(admin_dsn: str) -> AsyncIterator[PostgresDatabases]:
    """Creates databases on demand; every database it created is dropped on exit."""
    databases = PostgresDatabases(admin_dsn)
    await databases.check()
    try:
        yield databases
    finally:
        await databases.drop_all()
