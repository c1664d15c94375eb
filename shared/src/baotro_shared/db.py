"""Engines and sessions: async SQLAlchemy on PostgreSQL (production, CI) or SQLite (laptop)."""

from __future__ import annotations

import json
import operator
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy.ext.asyncio as sa_asyncio
from sqlalchemy import JSON, DateTime, Dialect, Table, TypeDecorator, event
from sqlalchemy import exc as exc_module
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
)

from baotro_shared.timeutil import to_utc


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


PING_AFTER_IDLE_S = 5.0


def create_engine(
    url: str, *, echo: bool = False, ping_after_idle_s: float = PING_AFTER_IDLE_S
) -> AsyncEngine:
    """An async engine; SQLite gets WAL, a busy timeout and enforced foreign keys.

    A pooled connection idle for `ping_after_idle_s` or more is pinged when it is taken and
    replaced if the server dropped it (a restart, an idle timeout). SQLAlchemy's
    `pool_pre_ping` would ping on every checkout — three round trips with asyncpg, before
    every transaction of a busy service — for the same protection.
    """
    # hide_parameters: an error message or log line never carries the values of a statement
    # (personal data is encrypted before it is written, but defence in depth costs nothing)
    kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30}
    else:
        kwargs.update(pool_size=10, max_overflow=10)
    # looked up at call time so that OpenTelemetry's wrapper (instrument_clients) applies
    engine: AsyncEngine = sa_asyncio.create_async_engine(url, **kwargs)
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    _ping_idle_connections(engine, ping_after_idle_s)
    return engine


def _ping_idle_connections(engine: AsyncEngine, idle_s: float) -> None:
    """The pessimistic disconnect check of SQLAlchemy's pooling guide, for idle connections."""
    pool = engine.sync_engine.pool
    dialect = engine.sync_engine.dialect

    def mark_fresh(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    def ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is not None and time.monotonic() - since < idle_s:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as exc:
            # the pool discards this connection and takes (or opens) another
            raise exc_module.DisconnectionError("connection dropped while idle") from exc

    event.listen(pool, "connect", mark_fresh)
    event.listen(pool, "checkin", mark_fresh)
    event.listen(pool, "checkout", ping_if_idle)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (UTC).

    PostgreSQL keeps the offset (`timestamptz`); SQLite keeps none, so values are converted to
    UTC on the way in and marked UTC on the way out: the API answers the same on both.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        # a naive value comes from a person (a query filter): it is Vietnam time
        return None if value is None else to_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


async def bulk_insert(
    session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert many rows of `table` in this session's transaction: PostgreSQL's binary `COPY`
    (asyncpg), a multi-row INSERT elsewhere. Every row gives the same keys; columns left out
    take their server defaults (an identity id). JSON columns are encoded here, since COPY
    bypasses SQLAlchemy's types."""
    if not rows:
        return
    conn = await session.connection()
    if conn.dialect.name != "postgresql":
        await conn.execute(table.insert(), list(rows))
        return
    names = list(rows[0])
    values = operator.itemgetter(*names)
    records = (
        [values(row) for row in rows] if len(names) > 1 else [(row[names[0]],) for row in rows]
    )
    json_columns = [i for i, n in enumerate(names) if isinstance(table.c[n].type, JSON)]
    if json_columns:
        records = [_with_json_text(record, json_columns) for record in records]
    await _copy(conn, table, names, records)


async def copy_records(
    session: AsyncSession,
    table: Table,
    columns: Sequence[str],
    records: Sequence[tuple[Any, ...]],
) -> None:
    """`bulk_insert` of rows already laid out as tuples in the order of `columns`, their
    JSON columns already encoded as text (`json_text`): the many-rows path, without a
    dictionary per row on the way."""
    if not records:
        return
    conn = await session.connection()
    if conn.dialect.name != "postgresql":
        json_columns = {n for n in columns if isinstance(table.c[n].type, JSON)}
        rows = [
            {
                name: json.loads(value) if name in json_columns and value is not None else value
                for name, value in zip(columns, record, strict=True)
            }
            for record in records
        ]
        await conn.execute(table.insert(), rows)
        return
    await _copy(conn, table, list(columns), records)


async def _copy(
    conn: sa_asyncio.AsyncConnection,
    table: Table,
    columns: list[str],
    records: Sequence[tuple[Any, ...]],
) -> None:
    """PostgreSQL's binary COPY of `records` into `table` through asyncpg."""
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    await driver.copy_records_to_table(table.name, records=records, columns=columns)


def json_text(value: Any) -> str:
    """A JSON column's value as `bulk_insert` encodes it for COPY."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _with_json_text(record: tuple[Any, ...], columns: list[int]) -> tuple[Any, ...]:
    values = list(record)
    for i in columns:
        if values[i] is not None:
            values[i] = json_text(values[i])
    return tuple(values)
