"""Public statement searches as the portal and the JSON API run them.

On PostgreSQL a search is one statement on a connection of the reader's own asyncpg pool:
no ORM session, no transaction (BEGIN and ROLLBACK), no liveness ping when a connection is
taken (the service engine's `pool_pre_ping` costs three round trips), no reset query when it
is given back (these connections only ever read, outside transactions). Each connection
plans every search for its own values (`plan_cache_mode`: a generic plan of a prepared
statement would sort thousands of lines for a common word or walk the whole date index for a
rare one), never JIT-compiles (compiling costs more than a search) and starts no parallel
workers (a search is short, and fifty at once already keep every core busy).

Elsewhere (SQLite on a laptop, an app assembled without the bootstrap) a search runs in a
unit of work through `StatementQueries` (`entrypoints.statement_search`), the same SQL built
by the same code.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import replace
from typing import Any, Protocol

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

from baotro_reporting.adapters.statement_queries import PurposeLabels, purpose_label
from baotro_reporting.adapters.statement_sql import (
    INDEX_ROWS_SQL,
    PURPOSE_NAMES_SQL,
    VERSION_SQL,
    count_limit,
    postgres_count,
    postgres_page,
    shape_and_values,
)
from baotro_reporting.adapters.statement_words import WordQuery
from baotro_reporting.domain.statement import (
    StatementLine,
    StatementPage,
    StatementQuery,
    shown_amount,
)

INDEX_CHUNK = 20_000
"""Lines read at a time to build the word index (the rows of one chunk are let go before the
next is read)."""
POOL_SIZE = 6
"""Connections per process: a search is CPU work for PostgreSQL; more searches at once than
its cores only queue inside PostgreSQL instead of here."""
SESSION = {
    "plan_cache_mode": "force_custom_plan",
    "jit": "off",
    "max_parallel_workers_per_gather": "0",
    "application_name": "baotro-reporting-public",
}
Version = tuple[int, int]


class StatementReader(Protocol):
    async def search(self, query: StatementQuery) -> StatementPage: ...

    def key(self, query: StatementQuery) -> Hashable:
        """Equal for searches that always give the same page."""
        ...

    async def version(self) -> Version:
        """Changes when statement lines are added or all removed (see `VERSION_SQL`)."""
        ...

    def start(self) -> None:
        """Begin what can be prepared before the first search (in the background)."""
        ...

    def forget(self) -> None:
        """Drop what this process holds of the statement (after it was emptied by a reset):
        the next search reads it anew."""
        ...

    async def close(self) -> None: ...


def _line(row: Mapping[str, Any]) -> StatementLine:
    kind = row["kind"]
    return StatementLine(
        id=row["id"],
        kind=kind,
        fund_code=row["fund_code"],
        on=row["line_date"],
        name=row["name"],
        amount=shown_amount(kind, row["amount"]),
        purpose=purpose_label(
            kind, row["purpose_kind"], campaign=row["campaign_name"], appeal=row["appeal_alias"]
        ),
        memo=row["memo"],
    )


def asyncpg_dsn(database_url: str) -> str:
    """The libpq-style address asyncpg takes, from the service's SQLAlchemy URL."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


async def _keep(_connection: Any) -> None:
    """Nothing to reset: these connections hold no session state of their own (asyncpg still
    rolls back a transaction left open, which they never open)."""


class PostgresStatementReader:
    """Searches on its own asyncpg pool, opened at the first search, closed by `close`; the
    version (and the names purposes show) is read on a connection of its own."""

    def __init__(self, database_url: str, *, pool_size: int = POOL_SIZE) -> None:
        self._dsn = asyncpg_dsn(database_url)
        self._pool_size = pool_size
        self._pools: dict[str, Any] = {}
        self._opening: asyncio.Lock | None = None

    async def _pool(self, name: str) -> Any:
        """The pool `name` ("search" or "version"), opened at its first use."""
        pool = self._pools.get(name)
        if pool is None:
            self._opening = self._opening or asyncio.Lock()
            async with self._opening:
                pool = self._pools.get(name)
                if pool is None:
                    size = 1 if name == "version" else self._pool_size
                    pool = self._pools[name] = await asyncpg.create_pool(
                        self._dsn, min_size=1, max_size=size, reset=_keep, server_settings=SESSION
                    )
        return pool

    async def search(self, query: StatementQuery) -> StatementPage:
        """One page, newest first, the total counted up to `count_limit(query)`."""
        limit = count_limit(query)
        shape, values = shape_and_values(query, postgres=True)
        values.update(window=limit + 1, offset=query.offset, size=query.size)
        statement = postgres_page(shape)
        pool = await self._pool("search")
        async with pool.acquire() as connection:
            rows = await connection.fetch(statement.sql, *statement.arguments(values))
            if rows:
                total = int(rows[0]["total"])
            elif query.offset:  # a page past the last line: count what there is
                counting = postgres_count(shape)
                total = int(await connection.fetchval(counting.sql, *counting.arguments(values)))
            else:
                total = 0
        return StatementPage(
            lines=[_line(row) for row in rows],
            page=query.page,
            size=query.size,
            total=min(total, limit),
            total_is_exact=total <= limit,
        )

    def key(self, query: StatementQuery) -> Hashable:
        """The search with its text as the word index reads it ("Nguyễn Văn  A" and
        "nguyen van a" are one search)."""
        words = WordQuery.of(query.text) if query.text else None
        return replace(query, text=" ".join(words.words) if words else query.text)

    async def version(self) -> Version:
        """Read on a connection of its own: never queued behind the searches of the pool (a
        cache waiting for the version would hold back every search it could answer)."""
        pool = await self._pool("version")
        async with pool.acquire() as connection:
            row = await connection.fetchrow(VERSION_SQL)
        return int(row["lines"]), int(row["ids"])

    async def purpose_names(self) -> PurposeLabels:
        """The names of the campaigns and the aliases of the appeals lines may point at."""
        pool = await self._pool("version")
        async with pool.acquire() as connection:
            rows = await connection.fetch(PURPOSE_NAMES_SQL)
        campaigns = {row["id"]: row["name"] for row in rows if row["kind"] == "campaign"}
        appeals = {
            row["id"]: row["name"] for row in rows if row["kind"] == "appeal" and row["name"]
        }
        return PurposeLabels(campaigns, appeals)

    async def index_rows(
        self, after_id: int, take: Callable[[list[Any]], Awaitable[None]]
    ) -> Version:
        """The lines after `after_id` as the word index takes them (`INDEX_ROWS_SQL`), given
        to `take` in chunks of INDEX_CHUNK, and the statement's version, both of one snapshot
        (on a connection of their own: reading every line takes seconds, and neither the
        searches nor the version wait for it)."""
        connection = await asyncpg.connect(self._dsn, server_settings=SESSION)
        try:
            async with connection.transaction(isolation="repeatable_read", readonly=True):
                cursor = await connection.cursor(INDEX_ROWS_SQL, after_id)
                while rows := await cursor.fetch(INDEX_CHUNK):
                    await take(rows)
                version = await connection.fetchrow(VERSION_SQL)
        finally:
            await connection.close()
        return int(version["lines"]), int(version["ids"])

    def start(self) -> None:
        """Nothing to prepare: the pool opens at the first search."""

    def forget(self) -> None:
        """Nothing kept: every search asks the database."""

    async def close(self) -> None:
        pools, self._pools = self._pools, {}
        for pool in pools.values():
            await pool.close()
