"""The page cache of public statement searches, over an in-memory reader (no I/O here; on
PostgreSQL in tests/integration/test_reporting_statement_reader.py): pages kept for `ttl_s`,
at most `max_bytes` of them, answered without reading the statement's version more than once
per `check_interval_s`, dropped when a check finds a new version; failures and pages computed
while lines arrived are not kept."""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date

import pytest

from baotro_reporting.adapters.statement_cache import CachedStatementReader, page_bytes
from baotro_reporting.adapters.statement_reader import Version
from baotro_reporting.domain.statement import StatementLine, StatementPage, StatementQuery


class MemoryReader:
    """Answers the Nth search with N lines counted (and `lines` lines); the version is set by
    the test, its reads counted."""

    def __init__(self, lines: int = 0) -> None:
        self.current: Version = (1, 1)
        self.searched: list[StatementQuery] = []
        self.failure: Exception | None = None
        self.on_search: asyncio.Event | None = None
        self.lines = lines
        self.version_reads = 0
        self.version_failure: Exception | None = None
        self.on_version: asyncio.Event | None = None
        self.started = self.forgotten = False

    async def search(self, query: StatementQuery) -> StatementPage:
        self.searched.append(query)
        if self.on_search is not None:
            await self.on_search.wait()
        if self.failure is not None:
            raise self.failure
        return _page(query, lines=self.lines, total=len(self.searched))

    def key(self, query: StatementQuery) -> Hashable:
        return query

    async def version(self) -> Version:
        self.version_reads += 1
        current = self.current  # the version when the read starts, as a query's snapshot
        if self.on_version is not None:
            await self.on_version.wait()
        if self.version_failure is not None:
            raise self.version_failure
        return current

    def start(self) -> None:
        self.started = True

    def forget(self) -> None:
        self.forgotten = True

    async def close(self) -> None:
        return None


def _line(number: int, text: str) -> StatementLine:
    return StatementLine(
        id=10_000_000 + number,
        kind="donation",
        fund_code="TH",
        on=date(2024, 9, 1 + number % 12),
        name=f"NGUYỄN VĂN AN {text} {number}",
        amount=100_000 + number,
        purpose="Ủng hộ Quỹ",
        memo=f"MBVCB.6812345678.{number} ung ho dong bao lu lut mien bac yagi {text}",
    )


def _page(query: StatementQuery, *, lines: int, total: int = 1) -> StatementPage:
    text = query.text or ""
    return StatementPage(
        lines=[_line(i, text) for i in range(lines)],
        page=query.page,
        size=query.size,
        total=total,
        total_is_exact=True,
    )


async def _until(condition: Callable[[], bool]) -> None:
    """Let the other tasks run until `condition` holds."""
    for _ in range(100):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("the tasks never got there")


def _cache(
    reader: MemoryReader, now: list[float], *, max_bytes: int = 1 << 30
) -> CachedStatementReader:
    return CachedStatementReader(
        reader, ttl_s=30, check_interval_s=1.0, max_bytes=max_bytes, clock=lambda: now[0]
    )


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


async def test_a_new_version_seen_by_the_next_check_drops_every_kept_page() -> None:
    reader, now = MemoryReader(), [0.0]
    cache = _cache(reader, now)
    await cache.search(StatementQuery(text="an"))
    await cache.search(StatementQuery(text="binh"))

    reader.current = (2, 7)
    now[0] = 0.9  # the version read at 0.0 is still recent: kept pages answer
    still_kept = await cache.search(StatementQuery(text="an"))
    now[0] = 1.0  # a second after the last read: read again, the new lines are seen
    await cache.search(StatementQuery(text="an"))
    await cache.search(StatementQuery(text="binh"))

    assert still_kept.total == 1
    assert len(reader.searched) == 4
    assert reader.version_reads == 2


async def test_kept_pages_are_answered_without_reading_the_version_again() -> None:
    reader, now = MemoryReader(), [0.0]
    cache = _cache(reader, now)

    for step in range(100):
        now[0] = step / 20  # 100 searches over 5 seconds
        await cache.search(StatementQuery(text="an"))
        await asyncio.sleep(0)  # the event loop runs the checks started in the background

    assert (cache.hits, cache.misses) == (99, 1)
    assert reader.version_reads == 10  # every half second


async def test_past_half_the_interval_the_next_check_runs_while_kept_pages_answer() -> None:
    reader, now = MemoryReader(), [0.0]
    cache = _cache(reader, now)
    await cache.search(StatementQuery(text="an"))
    reader.on_version = asyncio.Event()  # the next read takes long
    reader.current = (2, 9)

    now[0] = 0.6
    answered = await asyncio.wait_for(cache.search(StatementQuery(text="an")), 5)
    await _until(lambda: reader.version_reads == 2)
    now[0] = 1.0  # the version answered with is a second old: wait for the read under way
    waiting = asyncio.create_task(cache.search(StatementQuery(text="an")))
    await asyncio.sleep(0)
    waited = not waiting.done()
    reader.on_version.set()
    fresh = await waiting

    assert answered.total == 1
    assert waited
    assert fresh.total == 2
    assert reader.version_reads == 2


async def test_searches_arriving_while_the_version_is_read_wait_for_that_read() -> None:
    reader, now = MemoryReader(), [0.0]
    cache = _cache(reader, now)
    await cache.search(StatementQuery(text="an"))
    now[0] += 1.0
    reader.on_version = asyncio.Event()

    waiting = [asyncio.create_task(cache.search(StatementQuery(text="an"))) for _ in range(5)]
    await _until(lambda: reader.version_reads == 2)
    reader.current = (2, 9)  # written after the read started: not in its snapshot
    reader.on_version.set()
    pages = await asyncio.gather(*waiting)

    assert reader.version_reads == 2
    assert [page.total for page in pages] == [1] * 5


async def test_a_failed_version_read_fails_its_searches_and_is_tried_again() -> None:
    reader, now = MemoryReader(), [0.0]
    cache = _cache(reader, now)
    reader.version_failure = RuntimeError("database gone")

    with pytest.raises(RuntimeError, match="database gone"):
        await cache.search(StatementQuery(text="an"))
    reader.version_failure = None
    page = await cache.search(StatementQuery(text="an"))  # same instant: read again

    assert reader.version_reads == 2
    assert page.total == 1


async def test_an_older_read_finishing_late_does_not_bring_back_an_older_version() -> None:
    reader, now = MemoryReader(), [0.0]
    cache = _cache(reader, now)
    await cache.search(StatementQuery(text="an"))
    now[0] = 1.0
    slow_read = reader.on_version = asyncio.Event()
    slow = asyncio.create_task(cache.search(StatementQuery(text="an")))
    await _until(lambda: reader.version_reads == 2)  # reading (1, 1)
    now[0] = 2.0  # the slow read is a second old: the next search reads again
    reader.current = (2, 9)
    reader.on_version = None
    newer_page = await cache.search(StatementQuery(text="an"))
    slow_read.set()
    slow_page = await slow  # its read of (1, 1) ends last
    after = await cache.search(StatementQuery(text="an"))

    assert newer_page.total == 2
    assert slow_page is newer_page
    assert after is newer_page  # kept under (2, 9): the late (1, 1) dropped nothing
    assert reader.version_reads == 3


async def test_the_least_recently_asked_pages_go_first_within_the_bytes_allowed() -> None:
    reader, now = MemoryReader(lines=20), [0.0]
    one_page = page_bytes(await reader.search(StatementQuery(text="a")))
    reader.searched.clear()
    cache = _cache(reader, now, max_bytes=int(2.5 * one_page))
    a, b, c = (StatementQuery(text=t) for t in ("a", "b", "c"))

    for query in (a, b, a, c, a, b):
        await cache.search(query)

    # a stays (asked again before c came); b was dropped for c, then asked again
    assert [q.text for q in reader.searched] == ["a", "b", "c", "b"]
    assert cache.kept_bytes <= 2.5 * one_page


def test_the_size_of_a_page_is_estimated_from_above_and_not_far() -> None:
    reader = MemoryReader(lines=20)  # pages of 20 lines as the portal shows them
    kept: OrderedDict[Hashable, tuple[float, StatementPage]] = OrderedDict()
    estimated = 0
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for number in range(200):
            query = StatementQuery(fund_code="TH", text=f"nguyen van an {number}")
            page = _page(query, lines=reader.lines)
            kept[query] = (0.0, page)
            estimated += page_bytes(page)
        used = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()

    assert used <= estimated <= 2 * used


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
    await _until(lambda: len(reader.searched) == 1)
    reader.current = (2, 9)  # lines written while the first search ran
    now[0] += 1.0  # the next search reads the version again
    reader.on_search.set()
    newer = await cache.search(StatementQuery(text="binh"))
    await slow
    await cache.search(StatementQuery(text="an"))

    assert newer.total == 2
    assert [q.text for q in reader.searched] == ["an", "binh", "an"]


async def test_forgetting_drops_the_pages_and_reads_the_version_again_at_once() -> None:
    reader, now = MemoryReader(), [0.0]
    cache = _cache(reader, now)
    await cache.search(StatementQuery(text="an"))

    cache.forget()  # e.g. the read models were just reset by this process
    now[0] = 0.1  # well within the interval: only forgetting makes the next search read
    page = await cache.search(StatementQuery(text="an"))

    assert page.total == 2
    assert reader.version_reads == 2
    assert len(reader.searched) == 2
    assert reader.forgotten  # what the reader behind keeps goes too (the word index)


def test_starting_the_cache_starts_the_reader_behind_it() -> None:
    reader = MemoryReader()

    _cache(reader, [0.0]).start()

    assert reader.started
