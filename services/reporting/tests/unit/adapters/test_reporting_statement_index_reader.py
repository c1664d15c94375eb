"""The index reader without a database: SQL answers until the index is built and after a
failed build, which is tried again later; two searches' lines merge newest first."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from datetime import UTC, date, datetime
from typing import Any, cast

from baotro_reporting.adapters.statement_index import Found
from baotro_reporting.adapters.statement_index_build import build_index, index_row
from baotro_reporting.adapters.statement_index_reader import IndexedStatementReader, merge
from baotro_reporting.adapters.statement_queries import PurposeLabels
from baotro_reporting.adapters.statement_reader import PostgresStatementReader, Version
from baotro_reporting.domain.statement import StatementPage, StatementQuery

RECORDED = datetime(2024, 9, 1, 3, 0, tzinfo=UTC)


class MemoryStatement:
    """What the index reader asks of PostgreSQL, from a list of lines (id, text)."""

    def __init__(self, texts: dict[int, str]) -> None:
        self.texts = texts
        self.sql_searches = 0
        self.failures = 0
        self.release: asyncio.Event | None = None

    async def search(self, query: StatementQuery) -> StatementPage:
        self.sql_searches += 1
        return StatementPage(
            lines=[], page=query.page, size=query.size, total=-1, total_is_exact=True
        )

    async def purpose_names(self) -> PurposeLabels:
        return PurposeLabels({}, {})

    async def index_rows(
        self, after_id: int, take: Callable[[list[Any]], Awaitable[None]]
    ) -> Version:
        if self.release is not None:
            await self.release.wait()
        if self.failures:
            self.failures -= 1
            raise ConnectionError("the database went away")
        rows = [
            index_row(i, date(2024, 9, 1), RECORDED, "TH", "donation", 1, text, memo=text)
            for i, text in sorted(self.texts.items(), reverse=True)
            if i > after_id
        ]
        await take(rows)
        return await self.version()

    async def version(self) -> Version:
        newest = sorted(self.texts, reverse=True)[:64]
        return len(newest), sum(newest)

    def key(self, query: StatementQuery) -> Hashable:
        return query

    def forget(self) -> None:
        return None

    async def close(self) -> None:
        return None


def _reader(statement: MemoryStatement, **options: Any) -> IndexedStatementReader:
    return IndexedStatementReader(
        cast(PostgresStatementReader, statement), check_interval_s=1.0, **options
    )


async def test_sql_answers_until_the_index_is_built() -> None:
    statement = MemoryStatement({1: "ung ho", 2: "nguyen van an"})
    statement.release = asyncio.Event()
    reader = _reader(statement)
    reader.start()

    during = await reader.search(StatementQuery(text="ung"))
    statement.release.set()
    for _ in range(100):
        if reader.indexed_lines:
            break
        await asyncio.sleep(0.01)
    after = await reader.search(StatementQuery(text="ung"))
    await reader.close()

    assert during.total == -1  # SQL's answer
    assert [line.memo for line in after.lines] == ["ung ho"]
    assert statement.sql_searches == 1


async def test_a_failed_build_is_tried_again_later() -> None:
    statement = MemoryStatement({1: "ung ho"})
    statement.failures = 1
    reader = _reader(statement, retry_s=0.05)
    reader.start()
    await asyncio.sleep(0.01)

    failed = reader.indexed_lines
    reader.start()  # too soon: not tried
    for _ in range(100):
        if reader.builds:
            break
        await asyncio.sleep(0.01)
    await reader.close()

    assert failed == 0
    assert reader.builds == 1
    assert reader.indexed_lines == 1


def test_two_searches_merge_newest_first_cut_to_the_window() -> None:
    main, added = build_index([]), build_index([])
    older = Found([(5, 0, 3), (4, 0, 1)], [(main, 0), (main, 1)])
    newer = Found([(6, 0, 9), (4, 0, 8)], [(added, 0), (added, 1)])

    merged = merge(older, newer, 3)

    assert merged.ids == [9, 3, 8]
    assert merged.places == [(added, 0), (main, 0), (added, 1)]
