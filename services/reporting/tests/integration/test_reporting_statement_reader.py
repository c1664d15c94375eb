"""The public statement reader on PostgreSQL: one statement per search on its own asyncpg pool
(the purposes with the campaign's name or the appeal's alias joined in), the page cache over
it (a page asked again is kept while no line is written; new, rewritten and removed lines show
at the next search), and the app of the bootstrap, which searches on that pool and closes it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import delete, insert, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from baotro_reporting.adapters.orm import AppealView, CampaignView, StatementLineRow
from baotro_reporting.adapters.statement_cache import CachedStatementReader
from baotro_reporting.adapters.statement_queries import StatementQueries
from baotro_reporting.adapters.statement_reader import SESSION, PostgresStatementReader
from baotro_reporting.bootstrap import MIGRATIONS, create_app
from baotro_reporting.domain.statement import ANONYMOUS, StatementQuery, search_text
from baotro_reporting.settings import ReportingSettings
from baotro_shared.db import create_engine
from baotro_shared.migrations import upgrade_to_head

Sessions = async_sessionmaker[AsyncSession]
RECORDED = datetime(2024, 9, 12, 3, 0, tzinfo=UTC)
CAMPAIGN = uuid.UUID("6f1c1f0e-4f5e-4a52-9d38-2f4b4a0c1b11")
APPEAL = uuid.UUID("0b8f6c56-3a51-4a44-8b55-9a2c7f3e2d22")
CHECK_S = 0.5
"""How often the caches of these tests read the statement's version."""


@pytest.fixture
async def url(postgres_database: str) -> str:
    engine = create_engine(postgres_database)
    await upgrade_to_head(engine, MIGRATIONS)
    await engine.dispose()
    return postgres_database


@pytest.fixture
async def engine(url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> Sessions:
    return async_sessionmaker(engine, expire_on_commit=False)


@pytest.fixture
async def reader(url: str) -> AsyncIterator[PostgresStatementReader]:
    reader = PostgresStatementReader(url)
    yield reader
    await reader.close()


def _line(
    number: int, name: str, memo: str, *, kind: str = "donation", **columns: Any
) -> dict[str, Any]:
    return {
        "line_key": f"test:{number}",
        "kind": kind,
        "fund_code": "TH",
        "line_date": date(2024, 9, 1 + number % 28),
        "recorded_at": RECORDED,
        "amount": 100_000,
        "name": name,
        "purpose_kind": "general",
        "purpose_ref": None,
        "memo": memo,
        "search_text": search_text(name, memo),
        "donation_id": None,
        **columns,
    }


async def _add(sessions: Sessions, *lines: dict[str, Any]) -> None:
    async with sessions() as session, session.begin():
        await session.execute(insert(StatementLineRow), list(lines))


def _query(**criteria: Any) -> StatementQuery:
    return StatementQuery(fund_code="TH", **criteria)


async def test_purposes_name_the_campaign_or_the_appeal_and_match_the_session_search(
    sessions: Sessions, reader: PostgresStatementReader
) -> None:
    async with sessions() as session, session.begin():
        session.add(
            CampaignView(
                campaign_id=CAMPAIGN,
                fund_code="TH",
                name="Tết yêu thương 2025",
                kind="general",
                starts_on=date(2024, 9, 1),
                ends_on=date(2025, 2, 1),
                target_amount=None,
                restricted=False,
            )
        )
        session.add(
            AppealView(
                appeal_id=APPEAL,
                alias="Bé Mây",
                age_band="6-10",
                province_name="Thanh Hóa",
                need_kind="Học phí",
                amount_sought=5_000_000,
                story="…",
                published_at=RECORDED,
                withdrawn_at=None,
            )
        )
    await _add(
        sessions,
        _line(1, "Lê Thị Hoa", "ung ho", purpose_kind="campaign", purpose_ref=str(CAMPAIGN)),
        _line(2, "Lê Văn Nam", "ung ho", purpose_kind="appeal", purpose_ref=str(APPEAL)),
        _line(3, ANONYMOUS, "", purpose_kind="case", purpose_ref="not-a-uuid"),
        _line(4, ANONYMOUS, "", purpose_kind="campaign", purpose_ref=str(uuid.uuid4())),
        _line(5, "Học bổng", "", kind="disbursement", purpose_kind="scholarship"),
        _line(6, ANONYMOUS, "hoan tra", kind="reversal", amount=30_000),
    )

    page = await reader.search(_query())
    async with sessions() as session:
        in_session = await StatementQueries(session).search(_query())

    assert page == in_session
    assert {line.name: line.purpose for line in page.lines if line.name != ANONYMOUS} == {
        "Lê Thị Hoa": "Ủng hộ chiến dịch: Tết yêu thương 2025",
        "Lê Văn Nam": "Ủng hộ hoàn cảnh: Bé Mây",
        "Học bổng": "Học bổng",
    }
    assert sorted(line.amount for line in page.lines) == [
        -100_000,
        -30_000,
        100_000,
        100_000,
        100_000,
        100_000,
    ]


async def test_its_connections_plan_each_search_for_its_values_and_never_jit(
    reader: PostgresStatementReader,
) -> None:
    await reader.search(_query(text="nguyen"))

    pool = await reader._pool("search")
    async with pool.acquire() as connection:
        settings = {name: await connection.fetchval(f"SHOW {name}") for name in SESSION}

    assert settings == SESSION


async def test_a_page_asked_again_is_answered_from_memory_until_a_check_sees_new_lines(
    sessions: Sessions, reader: PostgresStatementReader
) -> None:
    cache = CachedStatementReader(reader, ttl_s=60, check_interval_s=CHECK_S)
    await _add(sessions, _line(1, "NGUYỄN VĂN A", "ung ho"))

    first = await cache.search(_query(text="Nguyễn Văn A"))
    again = await cache.search(_query(text="  nguyen  VAN a "))
    await _add(sessions, _line(2, "Nguyễn Văn An", "ung ho tre em"))
    within_the_interval = await cache.search(_query(text="nguyen van a"))
    reads_while_kept = cache.version_reads
    await asyncio.sleep(CHECK_S)
    after_the_interval = await cache.search(_query(text="nguyen van a"))
    later = await cache.search(_query(text="nguyen van a"))

    assert [line.name for line in first.lines] == ["NGUYỄN VĂN A"]
    assert again is first
    assert within_the_interval is first  # no round trip: the page as it was, < CHECK_S old
    assert reads_while_kept == 1
    assert [line.name for line in after_the_interval.lines] == ["Nguyễn Văn An", "NGUYỄN VĂN A"]
    assert later is after_the_interval
    assert (cache.hits, cache.misses) == (3, 2)
    assert cache.version_reads <= 3  # at the start, maybe at CHECK_S / 2, after CHECK_S


async def test_a_page_searched_before_lines_arrived_is_not_served_after_the_next_check(
    sessions: Sessions, reader: PostgresStatementReader
) -> None:
    """Lines keep arriving while the same search is asked over and over: every search shows
    every line committed at least CHECK_S before it started, never an older page."""
    cache = CachedStatementReader(reader, ttl_s=60, check_interval_s=CHECK_S)
    committed: list[tuple[float, str]] = []
    loop = asyncio.get_running_loop()
    late: list[str] = []
    for number in range(8):
        name = f"Phạm Thị Thoa {number}"
        await _add(sessions, _line(number, name, "ung ho"))
        committed.append((loop.time(), search_text(name)))
        for _ in range(3):
            asked_at = loop.time()
            page = await cache.search(_query(text="pham thi thoa"))
            shown = {search_text(line.name) for line in page.lines}
            late += [n for at, n in committed if at <= asked_at - CHECK_S and n not in shown]
            await asyncio.sleep(CHECK_S / 4)

    await asyncio.sleep(CHECK_S)
    settled = await cache.search(_query(text="pham thi thoa"))

    assert late == []
    assert cache.hits > 0  # pages were answered from memory in between
    assert cache.version_reads < cache.hits + cache.misses
    assert settled.total == 8


async def test_rewritten_and_removed_lines_show_at_the_next_search(
    sessions: Sessions, reader: PostgresStatementReader
) -> None:
    # read before every search (check_interval_s=0): the statement exactly as it is
    cache = CachedStatementReader(reader, ttl_s=60, check_interval_s=0)
    await _add(sessions, _line(1, ANONYMOUS, "hoan tra"), _line(2, "Lê Thị Hoa", "ung ho"))
    await cache.search(_query())

    # a gift arriving after its reversal: the reversal takes the name, in the gift's transaction
    async with sessions() as session, session.begin():
        await session.execute(
            update(StatementLineRow)
            .where(StatementLineRow.line_key == "test:1")
            .values(name="Trần Văn Bảo", search_text=search_text("Trần Văn Bảo", "hoan tra"))
        )
        await session.execute(insert(StatementLineRow), [_line(3, "Trần Văn Bảo", "ung ho")])
    renamed = await cache.search(_query())
    async with sessions() as session, session.begin():
        await session.execute(delete(StatementLineRow))  # the read models' reset
    emptied = await cache.search(_query())

    assert sorted(line.name for line in renamed.lines) == [
        "Lê Thị Hoa",
        "Trần Văn Bảo",
        "Trần Văn Bảo",
    ]
    assert (emptied.lines, emptied.total, emptied.total_is_exact) == ([], 0, True)
    assert cache.hits == 0


async def test_identical_searches_at_the_same_time_run_one_query(
    sessions: Sessions, reader: PostgresStatementReader
) -> None:
    await _add(sessions, *(_line(i, f"Người {i}", "ung ho") for i in range(30)))
    cache = CachedStatementReader(reader, ttl_s=60)
    queries: list[StatementQuery] = []
    search = reader.search

    async def counted(query: StatementQuery) -> Any:
        queries.append(query)
        return await search(query)

    reader.search = counted  # type: ignore[method-assign]

    pages = await asyncio.gather(*(cache.search(_query(text="nguoi")) for _ in range(8)))

    assert len(queries) == 1
    assert all(page is pages[0] for page in pages)
    assert pages[0].total == 30


async def test_the_app_searches_on_its_own_pool_and_closes_it_when_it_stops(
    url: str, sessions: Sessions
) -> None:
    await _add(sessions, _line(1, "NGUYỄN VĂN A", "ung ho"), _line(2, "Trần Văn Bảo", "ung ho"))
    settings = ReportingSettings(
        database_url=url, kafka_bootstrap_servers="127.0.0.1:9", consumer_poll_timeout_ms=100
    )
    app = create_app(settings)

    async with (
        LifespanManager(app, startup_timeout=60),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://p") as http,
    ):
        body = (await http.get("/v1/public/statement", params={"q": "nguyen van a"})).json()
        page = (await http.get("/sao-ke", params={"q": "tran van bao"})).text
        during = await _public_connections(sessions)
    after = await _public_connections(sessions)

    assert [item["name"] for item in body["items"]] == ["NGUYỄN VĂN A"]
    assert "Trần Văn Bảo" in page
    assert "NGUYỄN VĂN A" not in page
    assert during >= 1
    assert after == 0


async def test_the_portal_shows_new_lines_once_its_check_interval_has_passed(
    url: str, sessions: Sessions
) -> None:
    await _add(sessions, _line(1, "Trần Văn Bảo", "ung ho"))
    settings = ReportingSettings(
        database_url=url,
        kafka_bootstrap_servers="127.0.0.1:9",
        consumer_poll_timeout_ms=100,
        statement_cache_check_ms=int(CHECK_S * 1000),
    )
    app = create_app(settings)
    query = {"q": "tran van bao"}

    async with (
        LifespanManager(app, startup_timeout=60),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://p") as http,
    ):
        before = (await http.get("/v1/public/statement", params=query)).json()
        await http.get("/sao-ke", params=query)
        await _add(sessions, _line(2, "Trần Văn Bảo", "ung ho dot 2"))
        await asyncio.sleep(CHECK_S)
        after = (await http.get("/v1/public/statement", params=query)).json()
        page = (await http.get("/sao-ke", params=query)).text

    assert [item["memo"] for item in before["items"]] == ["ung ho"]
    assert [item["memo"] for item in after["items"]] == ["ung ho dot 2", "ung ho"]
    assert "ung ho dot 2" in page


async def _public_connections(sessions: Sessions) -> int:
    async with sessions() as session:
        count = await session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = :name"
            ),
            {"name": SESSION["application_name"]},
        )
    return int(count or 0)
