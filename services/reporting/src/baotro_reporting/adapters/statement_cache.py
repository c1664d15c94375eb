"""Pages of public statement searches asked again, answered from memory.

A page is kept under its search as the reader normalises it (`StatementReader.key`: the
words as the word index reads them, the filters, the page) for at most `ttl_s` seconds, in at
most `max_bytes` of pages per process (the least recently asked go first; a page's size is
estimated by `page_bytes`). Whether lines were added is read from the database (the
statement's version: one short query on the newest line ids, `VERSION_SQL`) at most once per
`check_interval_s` per process, not for every search: a kept page is served without a round
trip. A line added since, or the statement emptied by a reset, drops every kept page when the
next check sees it.

What a search may miss, then: lines committed less than `check_interval_s` before it (it is
answered with a version read by a check that started less than that long before, and a check
started after a commit sees it; a page searched before the commit is never kept past such a
check); the campaign names and appeal aliases in the purposes, up to `ttl_s` old; a line whose
transaction committed after 64 later lines had. The next check starts at half the interval,
in the background: under steady traffic no search waits for one. Identical searches running
at the same time share one query, and the searches waiting for a check share that one read.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from baotro_reporting.adapters.statement_reader import StatementReader, Version
from baotro_reporting.domain.statement import StatementPage, StatementQuery

MAX_BYTES = 32 * 1024 * 1024
"""Per process: about 2,500 pages of 20 lines."""
CHECK_INTERVAL_S = 1.0
PAGE_OVERHEAD = 600
"""Bytes of a page without its lines, with its key and its place in the cache (measured with
tracemalloc, rounded up: tests/unit/adapters/test_reporting_statement_cache.py)."""
LINE_OVERHEAD = 400
"""Bytes of a line besides the characters of its texts."""


def page_bytes(page: StatementPage) -> int:
    """About how much memory a kept page holds (texts counted at 2 bytes a character: the
    Vietnamese letters outside Latin-1 make CPython store a string in 2 bytes a character)."""
    texts = sum(len(line.name) + len(line.memo) + len(line.purpose) for line in page.lines)
    return PAGE_OVERHEAD + LINE_OVERHEAD * len(page.lines) + 2 * texts


def _retrieve(outcome: asyncio.Future[Version]) -> None:
    """A failed check's error is retrieved even when every search waiting for it went away."""
    if not outcome.cancelled():
        outcome.exception()


@dataclass(frozen=True)
class _Kept:
    stored_at: float
    page: StatementPage
    size: int


class CachedStatementReader:
    def __init__(
        self,
        reader: StatementReader,
        *,
        ttl_s: float,
        check_interval_s: float = CHECK_INTERVAL_S,
        max_bytes: int = MAX_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._reader = reader
        self._ttl_s = ttl_s
        self._check_interval_s = check_interval_s
        self._refresh_s = check_interval_s / 2
        self._max_bytes = max_bytes
        self._clock = clock
        self._version: Version | None = None
        self._applied_at = -math.inf
        """When the check that read `_version` started."""
        self._check: tuple[float, asyncio.Future[Version]] | None = None
        """The latest check of the version: when it started, its outcome."""
        self._pages: OrderedDict[Hashable, _Kept] = OrderedDict()
        self._bytes = 0
        self._running: dict[tuple[Version, Hashable], asyncio.Future[StatementPage]] = {}
        self.hits = 0
        self.misses = 0
        self.version_reads = 0

    @property
    def kept_bytes(self) -> int:
        """The estimated size of the pages kept (`page_bytes`)."""
        return self._bytes

    async def search(self, query: StatementQuery) -> StatementPage:
        key = self._reader.key(query)
        version = await self._current_version()
        kept = self._pages.get(key)
        if kept is not None and self._clock() - kept.stored_at < self._ttl_s:
            self._pages.move_to_end(key)
            self.hits += 1
            return kept.page
        self.misses += 1
        running = self._running.get((version, key))
        if running is None:
            running = asyncio.ensure_future(self._search(query, key, version))
            self._running[(version, key)] = running
            running.add_done_callback(self._finished((version, key)))
        # shielded: a caller that goes away does not cancel the others' search
        return await asyncio.shield(running)

    async def _current_version(self) -> Version:
        """A version read by a check that started less than `check_interval_s` ago. Past half
        of that, a search starts the next check and is answered without waiting for it (while
        searches keep coming, none waits); past all of it, searches wait for a new check."""
        now = self._clock()
        check = self._check
        if check is None or (
            now - check[0] >= self._refresh_s
            and (check[1].done() or now - check[0] >= self._check_interval_s)
        ):
            check = (now, asyncio.ensure_future(self._read_version(now)))
            check[1].add_done_callback(_retrieve)
            self._check = check
        if self._version is not None and now - self._applied_at < self._check_interval_s:
            return self._version  # the common case: no await, no round trip
        await asyncio.shield(check[1])
        assert self._version is not None
        return self._version

    async def _read_version(self, started: float) -> Version:
        try:
            version = await self._reader.version()
        except BaseException:
            if self._check is not None and self._check[0] == started:
                self._check = None  # the next search reads again
            raise
        self.version_reads += 1
        if started > self._applied_at:  # a slower, older check never undoes a newer one
            self._applied_at = started
            if version != self._version:
                self._drop_pages()
                self._version = version
        return version

    def start(self) -> None:
        self._reader.start()

    def forget(self) -> None:
        """Drop every kept page and the known version: the next search reads both anew (this
        process learns at once what it did itself, e.g. an administrator's reset; the other
        processes within `check_interval_s`)."""
        self._drop_pages()
        self._version = None
        self._check = None
        self._reader.forget()

    def _drop_pages(self) -> None:
        self._pages.clear()
        self._bytes = 0

    async def _search(
        self, query: StatementQuery, key: Hashable, version: Version
    ) -> StatementPage:
        started = self._clock()
        page = await self._reader.search(query)
        if self._version == version:  # else lines arrived meanwhile: the page may predate them
            self._keep(key, _Kept(started, page, page_bytes(page)))
        return page

    def _keep(self, key: Hashable, kept: _Kept) -> None:
        if kept.size > self._max_bytes:
            return
        replaced = self._pages.pop(key, None)
        if replaced is not None:
            self._bytes -= replaced.size
        self._pages[key] = kept
        self._bytes += kept.size
        while self._bytes > self._max_bytes:
            _, dropped = self._pages.popitem(last=False)
            self._bytes -= dropped.size

    def _finished(
        self, running: tuple[Version, Hashable]
    ) -> Callable[[asyncio.Future[StatementPage]], None]:
        def forget(search: asyncio.Future[StatementPage]) -> None:
            self._running.pop(running, None)
            if not search.cancelled():
                search.exception()  # retrieved here too: every caller may have gone away

        return forget

    def key(self, query: StatementQuery) -> Hashable:
        return self._reader.key(query)

    async def version(self) -> Version:
        return await self._reader.version()

    async def close(self) -> None:
        await self._reader.close()
