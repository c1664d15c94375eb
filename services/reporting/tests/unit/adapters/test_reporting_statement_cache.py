"""The page cache of public statement searches, over an in-memory reader (no I/O here; on
PostgreSQL in tests/integration/test_reporting_statement_reader.py): pages kept for `ttl_s`,
at most `max_pages` of them, dropped when the statement's version changes; failures and
pages computed while lines arrived are not kept."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable

import pytest

from baotro_reporting.adapters.statement_cache import CachedStatementReader
from baotro_reporting.adapters.statement_reader import Version
from baotro_reporting.domain.statement import StatementPage, StatementQuery


class MemoryReader:
    """Answers page N of any search with N lines counted; the version is set by the test."""

    def __init__(self) -> None:
        self.current: Version = (1, 1)
        self.searched: list[StatementQuery] = []
        self.failure: Exception | None = None
        self.on_search: asyncio.Event | None = None

    async def search(self, query: StatementQuery) -> StatementPage:
        self.searched.append(query)
        if self.on_search is not None:
            await self.on_search.wait()
        if self.failure is not None:
            raise self.failure
        return StatementPage(
            lines=[],
            page=query.page,
            size=query.size,
            total=len(self.searched),
            total_is_exact=True,
        )

    def key(self, query: StatementQuery) -> Hashable:
        return query

    async def version(self) -> Version:
        return self.current

    async def close(self) -> None:
        return None


def _cache(reader: MemoryReader, now: list[float], **options: int) -> CachedStatementReader:
    return CachedStatementReader(reader, ttl_s=30, clock=lambda: now[0], **options)


async def test_a_page_is_kept_for_its_time_then_searched_again() -> None:
    reader, now = MemoryReader(), [100.0]
    cache = _cache(reader, now)

    first = await cache.search(StatementQuery(text="an"))
    now[0] += 29.9
    kept = await cache.search(StatementQuery(text="an"))
    now[0] += 0.2
    renewed = await cache.search(StatementQuery(text="an"))

    assert (first.total, kept.total, renewed.total) == (1, 1, 2)


async def test_other_filters_and_other_pages_are_other_searches() -> None:
    reader, now = MemoryReader(), [0.0]
    cache = _cache(reader, now)

    for query in (
        StatementQuery(text="an"),
        StatementQuery(text="an", page=2),
        StatementQuery(text="an", min_amount=1),
        StatementQuery(text="an", kind="out"),
        StatementQuery(text="an"),
    ):
        await cache.search(query)

    assert len(reader.searched) == 4
    assert (cache.hits, cache.misses) == (1, 4)


async def test_a_new_version_of_the_statement_drops_every_kept_page() -> None:
    reader, now = MemoryReader(), [0.0]
    cache = _cache(reader, now)
    await cache.search(StatementQuery(text="an"))
    await cache.search(StatementQuery(text="binh"))

    reader.current = (2, 7)
    await cache.search(StatementQuery(text="an"))
    await cache.search(StatementQuery(text="binh"))

    assert len(reader.searched) == 4


async def test_the_least_recently_asked_pages_go_first() -> None:
    reader, now = MemoryReader(), [0.0]
    cache = _cache(reader, now, max_pages=2)
    a, b, c = (StatementQuery(text=t) for t in ("a", "b", "c"))

    for query in (a, b, a, c, a, b):
        await cache.search(query)

    # a stays (asked again before c came); b was dropped for c, then asked again
    assert [q.text for q in reader.searched] == ["a", "b", "c", "b"]


async def test_a_failed_search_is_not_kept_and_fails_every_caller_waiting_for_it() -> None:
    reader, now = MemoryReader(), [0.0]
    cache = _cache(reader, now)
    reader.failure = RuntimeError("database gone")
    reader.on_search = asyncio.Event()

    waiting = [asyncio.create_task(cache.search(StatementQuery(text="an"))) for _ in range(3)]
    await asyncio.sleep(0)
    reader.on_search.set()
    outcomes = await asyncio.gather(*waiting, return_exceptions=True)
    reader.failure, reader.on_search = None, None
    retried = await cache.search(StatementQuery(text="an"))

    assert [str(o) for o in outcomes] == ["database gone"] * 3
    assert len(reader.searched) == 2
    assert retried.total == 2


async def test_a_caller_going_away_does_not_cancel_the_search_of_the_others() -> None:
    reader, now = MemoryReader(), [0.0]
    cache = _cache(reader, now)
    reader.on_search = asyncio.Event()

    gone = asyncio.create_task(cache.search(StatementQuery(text="an")))
    staying = asyncio.create_task(cache.search(StatementQuery(text="an")))
    await asyncio.sleep(0)
    gone.cancel()
    reader.on_search.set()

    with pytest.raises(asyncio.CancelledError):
        await gone
    assert (await staying).total == 1


async def test_a_page_searched_while_lines_arrived_is_not_kept() -> None:
    reader, now = MemoryReader(), [0.0]
    cache = _cache(reader, now)
    reader.on_search = asyncio.Event()

    slow = asyncio.create_task(cache.search(StatementQuery(text="an")))
    await asyncio.sleep(0)
    reader.current = (2, 9)  # lines written while the first search ran
    reader.on_search.set()
    newer = await cache.search(StatementQuery(text="binh"))
    await slow
    await cache.search(StatementQuery(text="an"))

    assert newer.total == 2
    assert [q.text for q in reader.searched] == ["an", "binh", "an"]
