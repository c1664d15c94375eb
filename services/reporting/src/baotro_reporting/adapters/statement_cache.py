"""Pages of public statement searches asked again, kept while the statement does not change.

A page is kept under its search as the reader normalises it (`StatementReader.key`: the
words as the word index reads them, the filters, the page) for at most `ttl_s` seconds and
at most `max_pages` pages per process (the least recently asked go first). Before a kept
page is served, the statement's version is read (one short query on the newest line ids,
`VERSION_SQL`): a line added since, or the statement emptied by a reset, drops every kept
page, so a search never shows a statement older than the request. What may be up to `ttl_s`
old: the campaign names and appeal aliases in the purposes, and a line whose transaction
committed after 64 later lines had. Identical searches running at the same time share one
query.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from baotro_reporting.adapters.statement_reader import StatementReader, Version
from baotro_reporting.domain.statement import StatementPage, StatementQuery

MAX_PAGES = 2_000
"""About 25 MB per process at 20 lines a page."""


class CachedStatementReader:
    def __init__(
        self,
        reader: StatementReader,
        *,
        ttl_s: float,
        max_pages: int = MAX_PAGES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._reader = reader
        self._ttl_s = ttl_s
        self._max_pages = max_pages
        self._clock = clock
        self._version: Version | None = None
        self._pages: OrderedDict[Hashable, tuple[float, StatementPage]] = OrderedDict()
        self._running: dict[tuple[Version, Hashable], asyncio.Future[StatementPage]] = {}
        self.hits = 0
        self.misses = 0

    async def search(self, query: StatementQuery) -> StatementPage:
        key = self._reader.key(query)
        version = await self._reader.version()
        if version != self._version:
            self._pages.clear()
            self._version = version
        kept = self._pages.get(key)
        if kept is not None and self._clock() - kept[0] < self._ttl_s:
            self._pages.move_to_end(key)
            self.hits += 1
            return kept[1]
        self.misses += 1
        running = self._running.get((version, key))
        if running is None:
            running = asyncio.ensure_future(self._search(query, key, version))
            self._running[(version, key)] = running
            running.add_done_callback(self._finished((version, key)))
        # shielded: a caller that goes away does not cancel the others' search
        return await asyncio.shield(running)

    async def _search(
        self, query: StatementQuery, key: Hashable, version: Version
    ) -> StatementPage:
        started = self._clock()
        page = await self._reader.search(query)
        if self._version == version:  # else lines arrived meanwhile: the page may predate them
            self._pages[key] = (started, page)
            self._pages.move_to_end(key)
            while len(self._pages) > self._max_pages:
                self._pages.popitem(last=False)
        return page

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
