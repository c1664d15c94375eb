"""Engines and sessions: async SQLAlchemy on PostgreSQL (production, CI) or SQLite (laptop)."""

from __future__ import annotations

import json
import operator
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy.ext.asyncio as sa_asyncio
from sqlalchemy import JSON, DateTime, Dialect, Table, TypeDecorator, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
)

from baotro_shared.timeutil import to_utc


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine; SQLite gets WAL, a busy timeout and enforced foreign keys."""
    # hide_parameters: an error message or log line never carries the values of a statement
    # (personal data is encrypted before it is written, but defence in depth costs nothing)
    kwargs: dict[str, Any] = {"echo": echo, "pool_pre_ping": True, "hide_parameters": True}
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
    return engine


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
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    await driver.copy_records_to_table(table.name, records=records, columns=names)


def _with_json_text(record: tuple[Any, ...], columns: list[int]) -> tuple[Any, ...]:
    values = list(record)
    for i in columns:
        if values[i] is not None:
            values[i] = json.dumps(values[i], ensure_ascii=False, separators=(",", ":"))
    return tuple(values)
