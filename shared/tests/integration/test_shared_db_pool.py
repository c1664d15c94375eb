"""Pooled connections on PostgreSQL: one the server dropped while it sat idle is replaced
before use; one in steady use is not pinged (no extra round trips per transaction)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from baotro_shared.db import create_engine


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("select pg_backend_pid()"))).scalar_one())


async def _drop_backend(url: str, pid: int) -> None:
    killer = create_engine(url)
    async with killer.connect() as conn:
        await conn.execute(text("select pg_terminate_backend(:pid)"), {"pid": pid})
    await killer.dispose()
    await asyncio.sleep(0.1)


async def test_a_connection_dropped_while_idle_is_replaced(postgres_database: str) -> None:
    engine = create_engine(postgres_database, ping_after_idle_s=0.2)
    first = await _backend_pid(engine)
    await _drop_backend(postgres_database, first)
    await asyncio.sleep(0.3)

    second = await _backend_pid(engine)

    assert second != first
    await engine.dispose()


async def test_without_the_idle_ping_the_dropped_connection_would_fail(
    postgres_database: str,
) -> None:
    engine = create_engine(postgres_database, ping_after_idle_s=3600)
    first = await _backend_pid(engine)
    await _drop_backend(postgres_database, first)

    with pytest.raises(DBAPIError):
        await _backend_pid(engine)
    await engine.dispose()


async def test_a_busy_connection_is_not_pinged(
    postgres_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(postgres_database, ping_after_idle_s=60)
    pings: list[object] = []
    dialect = engine.sync_engine.dialect
    ping = dialect.do_ping

    def counting_ping(dbapi_connection: object) -> bool:
        pings.append(dbapi_connection)
        return bool(ping(dbapi_connection))

    monkeypatch.setattr(dialect, "do_ping", counting_ping)

    for _ in range(20):
        await _backend_pid(engine)

    assert pings == []
    await engine.dispose()
