"""Public statement searches answered by the in-memory word index, kept up to date.

The index (`statement_index`) is built in a thread from every line of one snapshot of the
statement when the process starts (`start`); until it is built, and whenever it is being
built anew, searches run in PostgreSQL as before (`PostgresStatementReader`). With it, a
search asks PostgreSQL nothing: the index also holds what the page shows of each line
(`statement_stored_lines`), and the names of the campaigns and appeals purposes show, read
again whenever lines were added and at least every `names_max_age_s`.

Lines keep coming: at most once per `check_interval_s`, in the background, the statement's
version (`VERSION_SQL`) is read; when it changed, the lines with a larger id than any
indexed are read and indexed apart (`added`: a small index searched beside the big one and
merged by date), with the reversal lines their gifts rewrote (hidden in the big index).
When the version then still differs from the one the indexed lines make (the statement was
emptied by a reset, or a line committed late below the largest id), the index is dropped
and built anew; it is built anew in the background when `max_added` lines were added apart.

A search therefore misses lines committed less than `check_interval_s` before it, as the
page cache already does (`statement_cache`); the cache keys its pages by the version the
index answers for (`version`).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import math
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import structlog

from baotro_reporting.adapters.statement_index import Found, StatementIndex
from baotro_reporting.adapters.statement_index_build import IndexBuilder, build_index
from baotro_reporting.adapters.statement_queries import PurposeLabels
from baotro_reporting.adapters.statement_reader import PostgresStatementReader, Version
from baotro_reporting.adapters.statement_sql import count_limit
from baotro_reporting.domain.statement import StatementLine, StatementPage, StatementQuery

log = structlog.get_logger(__name__)

MAX_ADDED = 20_000
NAMES_MAX_AGE_S = 30.0
RETRY_S = 10.0
"""After a failed build, the next is not tried before this."""
NEWEST = 64
"""Lines the version is made of (`VERSION_SQL`)."""


@dataclass(frozen=True)
class _Indexed:
    """The big index, what was added since apart, and the version they make together."""

    main: StatementIndex
    added: StatementIndex | None
    added_rows: tuple[Any, ...]
    version: Version
    newest_ids: tuple[int, ...]
    """The largest ids indexed (what the version is made of), descending."""

    @property
    def lines(self) -> int:
        return self.main.size + (self.added.size if self.added else 0)

    def find(self, query: StatementQuery, window: int) -> Found:
        found = self.main.find(query, window)
        if self.added is None:
            return found
        return merge(found, self.added.find(query, window), window)


def merge(older: Found, newer: Found, window: int) -> Found:
    """Two searches' lines as one, newest first, cut to `window`."""
    both = [
        *zip(older.keys, older.places, strict=True),
        *zip(newer.keys, newer.places, strict=True),
    ]
    both.sort(key=lambda found: found[0], reverse=True)
    kept = both[:window]
    return Found([k for k, _ in kept], [p for _, p in kept])


def page_lines(
    places: list[tuple[StatementIndex, int]], names: PurposeLabels
) -> list[StatementLine]:
    """The lines at `places` as the public sees them, in that order: each index (the big one,
    the one of lines added since) reads its own lines at once."""
    shown: dict[int, StatementLine] = {}
    for index in {index for index, _ in places}:
        positions = [at for at, (owner, _) in enumerate(places) if owner is index]
        lines = index.lines([places[at][1] for at in positions], names)
        shown.update(zip(positions, lines, strict=True))
    return [shown[at] for at in range(len(places))]


def release_freed_memory() -> None:
    """Give back to the system what building freed (glibc keeps it otherwise: about 100 MiB
    of a million lines' build); elsewhere nothing."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        return


def newest_ids(ids: list[int]) -> tuple[int, ...]:
    return tuple(sorted(ids, reverse=True)[:NEWEST])


def version_of(newest: tuple[int, ...]) -> Version:
    """The version `VERSION_SQL` reads on a statement whose largest ids are `newest`."""
    return len(newest), sum(newest)


class IndexedStatementReader:
    """Searches with the word index once it is built; `reader` meanwhile and for the lines."""

    def __init__(
        self,
        reader: PostgresStatementReader,
        *,
        check_interval_s: float,
        max_added: int = MAX_ADDED,
        names_max_age_s: float = NAMES_MAX_AGE_S,
        retry_s: float = RETRY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._reader = reader
        self._names = PurposeLabels({}, {})
        self._names_max_age_s = names_max_age_s
        self._names_read_at = -math.inf
        self._reading_names: asyncio.Task[None] | None = None
        self._check_interval_s = check_interval_s
        self._max_added = max_added
        self._clock = clock
        self._indexed: _Indexed | None = None
        self._building: asyncio.Task[None] | None = None
        self._checking: asyncio.Task[None] | None = None
        self._checked_at = -math.inf
        """When the latest check started."""
        self._applied_at = -math.inf
        """When the check (or the build's snapshot) the index is up to date with started."""
        self._generation = 0
        self._retry_at = -math.inf
        self._retry_s = retry_s
        """Counts the times the index was dropped: a build started before is not used."""
        self.build_seconds: float | None = None
        self.builds = 0
        """Indexes built from every line (the first, and each time it was built anew)."""

    @property
    def added_lines(self) -> int:
        """Lines indexed apart since the index was built."""
        return len(self._indexed.added_rows) if self._indexed else 0

    @property
    def indexed_lines(self) -> int:
        """Lines the index holds; 0 while it is being built."""
        return self._indexed.lines if self._indexed else 0

    def start(self) -> None:
        """Build the index in the background (searches run in PostgreSQL meanwhile); after a
        failed build, not before `retry_s`."""
        if self._clock() < self._retry_at:
            return
        if self._building is None or self._building.done():
            self._building = asyncio.ensure_future(self._build(self._generation))

    async def search(self, query: StatementQuery) -> StatementPage:
        indexed = await self._current()
        if indexed is None:
            return await self._reader.search(query)
        limit = count_limit(query)
        found = indexed.find(query, limit + 1)
        names = self._names
        shown = found.places[query.offset : query.offset + query.size]
        lines = page_lines(shown, names)
        total = len(found.keys)
        return StatementPage(
            lines=lines,
            page=query.page,
            size=query.size,
            total=min(total, limit),
            total_is_exact=total <= limit,
        )

    async def _current(self) -> _Indexed | None:
        """The index, up to date with a check started less than `check_interval_s` ago. Past
        half of that, a search starts the next check and goes on without it (while searches
        keep coming, none waits); past all of it, a search waits for the check."""
        if self._indexed is None:
            self.start()
            return None
        now = self._clock()
        checking = self._checking
        if now - self._checked_at >= self._check_interval_s / 2:
            checking = self._start_check(now)
        if now - self._names_read_at >= self._names_max_age_s and (
            self._reading_names is None or self._reading_names.done()
        ):
            self._reading_names = asyncio.ensure_future(self._read_names(now))
        if now - self._applied_at >= self._check_interval_s and checking is not None:
            await asyncio.shield(checking)
        return self._indexed

    def _start_check(self, now: float) -> asyncio.Task[None]:
        """A check of the version started now, unless one is running: the running one."""
        checking = self._checking
        if checking is None or checking.done():
            self._checked_at = now
            checking = self._checking = asyncio.ensure_future(self._check(now))
        return checking

    async def _read_names(self, started: float) -> None:
        try:
            names = await self._reader.purpose_names()
        except Exception:
            log.exception("reporting.statement_index.names_failed")
            return
        if started > self._names_read_at:
            self._names, self._names_read_at = names, started

    async def _build(self, generation: int) -> None:
        started, snapshot = time.perf_counter(), self._clock()
        builder = IndexBuilder()

        async def take(rows: list[Any]) -> None:
            await asyncio.to_thread(builder.add, rows)

        try:
            version = await self._reader.index_rows(0, take)
            main = await asyncio.to_thread(builder.finish)
            await asyncio.to_thread(release_freed_memory)
            names = await self._reader.purpose_names()
        except Exception:  # searches go on in PostgreSQL; the build is tried again later
            log.exception("reporting.statement_index.build_failed", retry_in_s=self._retry_s)
            self._retry_at = self._clock() + self._retry_s
            asyncio.get_running_loop().call_later(self._retry_s, self.start)
            return
        if generation != self._generation:
            return
        newest = newest_ids(np.sort(main.ids)[-NEWEST:].tolist())
        self._indexed = _Indexed(main, None, (), version, newest)
        self._names, self._names_read_at = names, snapshot
        self._applied_at = self._checked_at = snapshot
        self.build_seconds = time.perf_counter() - started
        self.builds += 1
        log.info(
            "reporting.statement_index.built",
            lines=main.size,
            seconds=round(self.build_seconds, 2),
            mib=round(main.nbytes / 2**20),
        )

    async def _check(self, started: float) -> None:
        indexed, generation = self._indexed, self._generation
        if indexed is None:
            return
        try:
            version = await self._reader.version()
            if version == indexed.version:
                self._applied_at = max(self._applied_at, started)
                return
            largest = indexed.newest_ids[0] if indexed.newest_ids else 0
            rows: list[Any] = []

            async def take(chunk: list[Any]) -> None:
                rows.extend(chunk)

            version = await self._reader.index_rows(largest, take)
            names = await self._reader.purpose_names()  # a new campaign's lines may be here
        except Exception:
            log.exception("reporting.statement_index.check_failed")
            return
        if generation != self._generation or indexed is not self._indexed:
            return
        newest = newest_ids(list({*indexed.newest_ids, *(row[0] for row in rows)}))
        if version != version_of(newest):
            self._drop()  # emptied, or a line committed late below the largest id: anew
            return
        largest = indexed.newest_ids[0] if indexed.newest_ids else 0
        rewritten = {row[0] for row in rows if row[0] <= largest}
        if rewritten:  # their new text goes in apart; their old one is no longer found
            indexed.main.hide(rewritten)
        added_rows = (*(r for r in indexed.added_rows if r[0] not in rewritten), *rows)
        ordered = sorted(added_rows, key=lambda row: (row[1], row[2], row[0]), reverse=True)
        added = build_index(ordered) if ordered else None
        self._indexed = _Indexed(indexed.main, added, added_rows, version, newest)
        self._applied_at = max(self._applied_at, started)
        if started > self._names_read_at:
            self._names, self._names_read_at = names, started
        if len(added_rows) > self._max_added:
            self.start()  # one index again; this one serves until it is built

    def _drop(self) -> None:
        """Forget the index and build it anew (searches run in SQL meanwhile)."""
        self._generation += 1
        self._indexed = None
        if self._building is not None and not self._building.done():
            self._building.cancel()
        self._building = None
        self.start()

    def key(self, query: StatementQuery) -> Hashable:
        return self._reader.key(query)

    async def version(self) -> Version:
        """The version the index answers for, after a check started now (the page cache in
        front keys its pages by it: a page is never kept under a version whose lines the
        index did not have yet); while there is no index, the database's."""
        if self._indexed is not None:
            await asyncio.shield(self._start_check(self._clock()))
        indexed = self._indexed
        return indexed.version if indexed is not None else await self._reader.version()

    def forget(self) -> None:
        self._drop()
        self._reader.forget()

    async def close(self) -> None:
        for task in (self._building, self._checking, self._reading_names):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self._reader.close()
