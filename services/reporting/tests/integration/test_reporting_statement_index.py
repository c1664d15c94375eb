"""The in-memory word index on PostgreSQL: every search gives the page the SQL search gives
(lines, purposes, totals, pages), lines added later are found after the check interval,
and an emptied statement or too many lines added make it build anew, searches meanwhile
answered by SQL."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, insert, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from baotro_reporting.adapters.orm import CampaignView, StatementLineRow
from baotro_reporting.adapters.statement_index_reader import IndexedStatementReader
from baotro_reporting.adapters.statement_reader import PostgresStatementReader
from baotro_reporting.bootstrap import MIGRATIONS
from baotro_reporting.domain.statement import StatementQuery, search_text
from baotro_shared.db import create_engine
from baotro_shared.migrations import upgrade_to_head
from baotro_shared.testing.postgres import PostgresDatabases

Sessions = async_sessionmaker[AsyncSession]
CHECK_S = 0.3
FIRST_DAY = date(2024, 9, 1)
RECORDED = datetime(2024, 9, 1, 1, 0, tzinfo=UTC)
CAMPAIGN = uuid.UUID("6f1c1f0e-4f5e-4a52-9d38-2f4b4a0c1b11")
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Đặng", "NGUYEN", "tran"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "VAN", "thi"]
GIVEN = ["An", "Anh", "Bình", "Lan", "Nam", "Hà", "Hải"]
MEMOS = ["ủng hộ đồng bào bão lũ", "ung ho tre em", "CT nhanh 247 den: ung ho", "MBVCB.123.ung ho"]


@pytest.fixture
async def sessions(postgres: PostgresDatabases) -> AsyncIterator[tuple[str, Sessions]]:
    name = f"baotro_t_reporting_index_{uuid.uuid4().hex[:6]}"
    url = await postgres.create(name)
    engine = create_engine(url)
    await upgrade_to_head(engine, MIGRATIONS)
    yield url, async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()
    await postgres.drop(name)


def _lines(rng: random.Random, first: int, count: int) -> list[dict[str, Any]]:
    made = []
    for number in range(first, first + count):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        memo = f"{name} {rng.choice(MEMOS)}" if rng.random() < 0.7 else rng.choice(MEMOS)
        kind = rng.choice(["donation"] * 8 + ["reversal", "disbursement"])
        made.append(
            {
                "line_key": f"test:{number}",
                "kind": kind,
                "fund_code": rng.choice(["TH"] * 9 + ["HN"]),
                "line_date": FIRST_DAY + timedelta(days=rng.randrange(10)),
                "recorded_at": RECORDED + timedelta(minutes=rng.randrange(3)),
                "amount": rng.choice([10_000, 50_000, 100_000, 200_000, 500_000, 2_000_000]),
                "name": name,
                "purpose_kind": "campaign" if number % 7 == 0 else "general",
                "purpose_ref": str(CAMPAIGN) if number % 7 == 0 else None,
                "memo": memo,
                "search_text": search_text(name, memo),
                "donation_id": None,
            }
        )
    return made


async def _add(sessions: Sessions, lines: list[dict[str, Any]]) -> None:
    async with sessions() as session, session.begin():
        await session.execute(insert(StatementLineRow), lines)


def _query(rng: random.Random) -> StatementQuery:
    criteria: dict[str, Any] = {"fund_code": "TH"}
    pick = rng.random()
    if pick < 0.6:
        words = [rng.choice(FAMILY), rng.choice(MIDDLE), rng.choice(GIVEN)][: rng.randint(1, 3)]
        text = " ".join(words)
        criteria["text"] = text[: rng.randint(1, len(text))] if rng.random() < 0.3 else text
    elif pick < 0.75:
        criteria["text"] = rng.choice(["ung ho", "bão lũ", "ung", "mbvcb", "247", "xyz"])
    if rng.random() < 0.3:
        low = rng.choice([10_000, 100_000, 200_000])
        criteria.update(min_amount=low, max_amount=low * rng.choice([1, 5, 20]))
    if rng.random() < 0.3:
        first = FIRST_DAY + timedelta(days=rng.randrange(9))
        criteria.update(date_from=first, date_to=first + timedelta(days=rng.randrange(3)))
    if rng.random() < 0.2:
        criteria["kind"] = rng.choice(["in", "out"])
    if rng.random() < 0.1:
        criteria["fund_code"] = rng.choice(["HN", None])
    criteria["page"] = rng.choice([1, 1, 1, 2, 3, 12])
    criteria["size"] = rng.choice([5, 20])
    return StatementQuery(**criteria)


async def _indexed(url: str, **options: Any) -> IndexedStatementReader:
    """A reader whose index is built."""
    reader = IndexedStatementReader(
        PostgresStatementReader(url), check_interval_s=CHECK_S, **options
    )
    reader.start()
    await _built(reader)
    return reader


async def _built(reader: IndexedStatementReader, builds: int = 1) -> None:
    for _ in range(200):
        if reader.builds >= builds and reader.indexed_lines:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the index was not built")


async def test_every_search_gives_the_page_the_sql_search_gives(
    sessions: tuple[str, Sessions],
) -> None:
    url, made = sessions
    rng = random.Random(7)
    async with made() as session, session.begin():
        session.add(
            CampaignView(
                campaign_id=CAMPAIGN,
                fund_code="TH",
                name="Tết yêu thương 2025",
                kind="general",
                starts_on=FIRST_DAY,
                ends_on=date(2025, 2, 1),
                target_amount=None,
                restricted=False,
            )
        )
    await _add(made, _lines(rng, 1, 3_000))
    sql = PostgresStatementReader(url)
    indexed = await _indexed(url)
    try:
        searches = [_query(rng) for _ in range(300)]
        differing = [
            query for query in searches if await indexed.search(query) != await sql.search(query)
        ]
        found = [await indexed.search(q) for q in searches[:50]]
    finally:
        await sql.close()
        await indexed.close()

    assert differing == []
    assert sum(page.total for page in found) > 0  # the searches do find lines
    assert indexed.builds == 1


async def test_lines_added_later_are_found_after_the_check_interval_without_a_new_build(
    sessions: tuple[str, Sessions],
) -> None:
    url, made = sessions
    rng = random.Random(11)
    await _add(made, _lines(rng, 1, 200))
    reader = await _indexed(url)
    sql = PostgresStatementReader(url)
    query = StatementQuery(fund_code="TH", text="Quách Thị Thoa")
    try:
        before = await reader.search(query)
        newest = _lines(rng, 201, 2)
        for line in newest:
            line.update(name="Quách Thị Thoa", search_text=search_text("Quách Thị Thoa"))
        newest[0]["line_date"] = FIRST_DAY - timedelta(days=30)  # an old day, a new line
        await _add(made, newest)
        await asyncio.sleep(CHECK_S)
        after = await reader.search(query)
        expected = await sql.search(query)
        mixed = StatementQuery(fund_code="TH", text="ung ho", size=50)
        assert await reader.search(mixed) == await sql.search(mixed)
    finally:
        await sql.close()
        await reader.close()

    assert before.total == 0
    assert after == expected
    assert after.total == 2
    assert reader.builds == 1
    assert reader.added_lines == 2


async def test_an_emptied_statement_is_indexed_anew_and_sql_answers_meanwhile(
    sessions: tuple[str, Sessions],
) -> None:
    url, made = sessions
    rng = random.Random(13)
    await _add(made, _lines(rng, 1, 300))
    reader = await _indexed(url)
    query = StatementQuery(fund_code="TH", text="ung")
    try:
        async with made() as session, session.begin():
            await session.execute(delete(StatementLineRow))
        await _add(made, _lines(random.Random(1), 1_000, 3))
        await asyncio.sleep(CHECK_S)
        during = await reader.search(query)  # the check finds the statement emptied
        await _built(reader, builds=2)
        after = await reader.search(query)
    finally:
        await reader.close()

    assert during.total == after.total <= 3
    assert during == after
    assert reader.indexed_lines == 3


async def test_too_many_lines_added_apart_make_one_index_again(
    sessions: tuple[str, Sessions],
) -> None:
    url, made = sessions
    rng = random.Random(17)
    await _add(made, _lines(rng, 1, 100))
    reader = await _indexed(url, max_added=3)
    try:
        await _add(made, _lines(rng, 101, 5))
        await asyncio.sleep(CHECK_S)
        page = await reader.search(StatementQuery(size=100, page=2))
        await _built(reader, builds=2)
    finally:
        await reader.close()

    assert (page.total, len(page.lines)) == (105, 5)
    assert reader.indexed_lines == 105
    assert reader.added_lines == 0


async def test_a_reversal_rewritten_by_its_late_gift_is_found_by_the_donors_name(
    sessions: tuple[str, Sessions],
) -> None:
    url, made = sessions
    donation = uuid.uuid4()
    reversal = _lines(random.Random(19), 1, 1)[0]
    anonymous = "Nhà hảo tâm ẩn danh"
    reversal.update(
        kind="reversal",
        name=anonymous,
        memo="Hoàn trả",
        search_text=search_text(anonymous, "Hoàn trả"),
        donation_id=donation,
    )
    await _add(made, [reversal])
    reader = await _indexed(url)
    sql = PostgresStatementReader(url)
    query = StatementQuery(fund_code="TH", text="Quách Thị Thoa")
    try:
        before = await reader.search(StatementQuery(fund_code="TH", text="hoan tra"))
        gift = _lines(random.Random(23), 2, 1)[0]
        gift.update(
            fund_code="TH",
            name="Quách Thị Thoa",
            search_text=search_text("Quách Thị Thoa", gift["memo"]),
            donation_id=donation,
        )
        async with made() as session, session.begin():  # as the projection writes a gift
            await session.execute(insert(StatementLineRow), [gift])
            await session.execute(
                update(StatementLineRow)
                .where(
                    StatementLineRow.donation_id == donation, StatementLineRow.kind == "reversal"
                )
                .values(
                    name="Quách Thị Thoa",
                    fund_code="TH",
                    search_text=search_text("Quách Thị Thoa", "Hoàn trả"),
                )
            )
        await asyncio.sleep(CHECK_S)
        after = await reader.search(query)
        expected = await sql.search(query)
        anonymous_after = await reader.search(StatementQuery(fund_code="TH", text="an danh"))
    finally:
        await sql.close()
        await reader.close()

    assert before.total == 1
    assert after == expected
    assert sorted(line.kind for line in after.lines) == ["donation", "reversal"]
    assert all(line.name == "Quách Thị Thoa" for line in after.lines)
    assert anonymous_after.total == 0  # the old text is no longer found
    assert reader.builds == 1
