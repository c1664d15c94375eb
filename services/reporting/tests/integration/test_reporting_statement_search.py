"""The public statement's word search on PostgreSQL: the generated word vector (migrations
0003 and 0004), words found across diacritics and case, in order, the last one as a beginning; the
total counted only as far as it matters; the planner's choice between the word index (rare
words) and the date index (common words). Every search runs both ways the service runs it:
in a session (`StatementQueries`: SQLite's path, the CSV's) and on the public reader's own
asyncpg pool (`PostgresStatementReader`: the portal's and the JSON API's)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import insert, text, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from baotro_reporting.adapters import statement_queries
from baotro_reporting.adapters.orm import StatementLineRow
from baotro_reporting.adapters.statement_queries import StatementQueries
from baotro_reporting.adapters.statement_reader import PostgresStatementReader
from baotro_reporting.adapters.statement_sql import (
    COUNT_STEP,
    count_limit,
    page_statement,
    shape_and_values,
)
from baotro_reporting.bootstrap import MIGRATIONS
from baotro_reporting.domain.statement import (
    ANONYMOUS,
    StatementLine,
    StatementPage,
    StatementQuery,
    search_text,
)
from baotro_shared.db import create_engine
from baotro_shared.migrations import upgrade_to_head
from baotro_shared.testing.postgres import PostgresDatabases

Sessions = async_sessionmaker[AsyncSession]
RECORDED = datetime(2024, 9, 12, 3, 0, tzinfo=UTC)


@pytest.fixture
async def engine(postgres: PostgresDatabases) -> AsyncIterator[AsyncEngine]:
    name = f"baotro_t_reporting_search_{uuid.uuid4().hex[:6]}"
    engine = create_engine(await postgres.create(name))
    await upgrade_to_head(engine, MIGRATIONS)
    yield engine
    await engine.dispose()
    await postgres.drop(name)


@pytest.fixture
def sessions(engine: AsyncEngine) -> Sessions:
    return async_sessionmaker(engine, expire_on_commit=False)


Search = Callable[..., Awaitable[StatementPage]]


@pytest.fixture(params=["session", "asyncpg"])
async def search(
    request: pytest.FixtureRequest, sessions: Sessions, engine: AsyncEngine
) -> AsyncIterator[Search]:
    """`await search(text=…, page=…)`: a page of fund TH's statement, one way or the other."""
    reader = PostgresStatementReader(engine.url.render_as_string(hide_password=False))

    async def in_session(**criteria: Any) -> StatementPage:
        async with sessions() as session:
            return await StatementQueries(session).search(
                StatementQuery(fund_code="TH", **criteria)
            )

    async def on_pool(**criteria: Any) -> StatementPage:
        return await reader.search(StatementQuery(fund_code="TH", **criteria))

    yield in_session if request.param == "session" else on_pool
    await reader.close()


def _line(
    number: int, name: str, memo: str, *, amount: int = 100_000, day: int = 1
) -> dict[str, Any]:
    return {
        "line_key": f"test:{number}",
        "kind": "donation",
        "fund_code": "TH",
        "line_date": date(2024, 9, day),
        "recorded_at": RECORDED,
        "amount": amount,
        "name": name,
        "purpose_kind": "general",
        "purpose_ref": None,
        "memo": memo,
        "search_text": search_text(name, memo),
        "donation_id": None,
    }


async def _add(sessions: Sessions, lines: list[dict[str, Any]]) -> None:
    async with sessions() as session, session.begin():
        await session.execute(insert(StatementLineRow), lines)


def _memos(page: StatementPage) -> set[str]:
    return {line.memo for line in page.lines}


@pytest.fixture
async def donors(sessions: Sessions) -> None:
    await _add(
        sessions,
        [
            _line(1, "NGUYỄN VĂN A", "NGUYEN VAN A ung ho tre em", day=2),
            _line(2, "Nguyễn Văn Anh", "MBVCB.*******.NGUYEN VAN ANH ung ho.CT tu", day=3),
            _line(3, ANONYMOUS, "Van Nguyen A gui tien", day=4),
            _line(4, "Đỗ Văn Cường", "CT nhanh 247 den: DO VAN CUONG bao lu", amount=500_000),
            _line(5, ANONYMOUS, "chuyen tien ung ho dong bao bao lu.ct tu napas", amount=50_000),
        ],
    )


@pytest.mark.usefixtures("donors")
async def test_names_are_found_without_caring_about_diacritics_or_case(search: Search) -> None:
    for typed in ("nguyen van a", "Nguyễn Văn A", "NGUYEN VAN A", "  nguyễn   VĂN a "):
        page = await search(text=typed)

        # the last word also matches the beginning of a word: "a" finds "Anh"
        assert {line.name for line in page.lines} == {"NGUYỄN VĂN A", "Nguyễn Văn Anh"}, typed


@pytest.mark.usefixtures("donors")
async def test_words_must_follow_each_other_in_order_across_punctuation(search: Search) -> None:
    assert _memos(await search(text="van anh ung ho ct tu")) == {
        "MBVCB.*******.NGUYEN VAN ANH ung ho.CT tu"
    }
    assert _memos(await search(text="van nguyen a")) == {"Van Nguyen A gui tien"}
    assert (await search(text="a van nguyen")).lines == []
    assert len((await search(text="bao lu ct tu")).lines) == 1


@pytest.mark.usefixtures("donors")
async def test_a_word_is_whole_or_a_beginning_never_a_middle(search: Search) -> None:
    assert {line.name for line in (await search(text="cuong")).lines} == {"Đỗ Văn Cường"}
    assert len((await search(text="nguy")).lines) == 3
    assert (await search(text="uyen")).lines == []
    assert (await search(text="guyen van")).lines == []


@pytest.mark.usefixtures("donors")
async def test_text_without_letters_or_digits_finds_nothing(search: Search) -> None:
    page = await search(text="*** ... %_")

    assert (page.lines, page.total, page.total_is_exact) == ([], 0, True)


@pytest.mark.usefixtures("donors")
async def test_words_combine_with_amounts_and_dates(search: Search) -> None:
    page = await search(text="bao lu", min_amount=100_000)
    by_date = await search(text="ung ho", date_from=date(2024, 9, 3))

    assert [line.name for line in page.lines] == ["Đỗ Văn Cường"]
    assert [line.on for line in by_date.lines] == [date(2024, 9, 3)]


AMOUNTS = [7, 9_999, 10_000, 99_999, 100_000, 250_000, 2_499_999, 2_500_000, 2_500_001, 10**7]


@pytest.mark.parametrize(
    ("low", "high"),
    [
        (10_000, 2_500_000),
        (None, 99_999),
        (2_500_001, None),
        (250_000, 250_000),
        (1, 9),
        (1, 6),
    ],
)
async def test_words_with_an_amount_range_find_exactly_the_lines_in_it(
    sessions: Sessions, search: Search, low: int | None, high: int | None
) -> None:
    await _add(
        sessions,
        [
            _line(i, "Trần Thị Mai", "ung ho tre em", amount=amount, day=1 + i)
            for i, amount in enumerate(AMOUNTS)
        ],
    )

    pair = await search(text="ung ho", min_amount=low, max_amount=high)
    word = await search(text="Mai", min_amount=low, max_amount=high)

    inside = sorted(a for a in AMOUNTS if (low is None or a >= low) and (high is None or a <= high))
    assert sorted(line.amount for line in pair.lines) == inside
    assert sorted(line.amount for line in word.lines) == inside


async def test_typed_digits_never_find_an_amount_bucket(sessions: Sessions, search: Search) -> None:
    await _add(sessions, [_line(1, ANONYMOUS, "ung ho tre em", amount=2_500_000)])

    for typed in ("07", "072", "0725", "-07", "ung ho -0725"):
        assert (await search(text=typed)).lines == [], typed


@pytest.mark.usefixtures("donors")
async def test_the_word_vector_follows_a_rewritten_search_text(
    sessions: Sessions, search: Search
) -> None:
    async with sessions() as session, session.begin():
        await session.execute(
            update(StatementLineRow)
            .where(StatementLineRow.line_key == "test:3")
            .values(name="Lê Thị Hoa", search_text=search_text("Lê Thị Hoa", "hoan tra"))
        )

    assert [line.name for line in (await search(text="le thi hoa")).lines] == ["Lê Thị Hoa"]
    assert (await search(text="gui tien")).lines == []


async def test_the_total_is_counted_as_far_as_the_pages_go(
    sessions: Sessions, search: Search
) -> None:
    lines = 2 * COUNT_STEP + 30
    await _add(
        sessions,
        [_line(i, ANONYMOUS, f"ung ho lan {i}", day=1 + i % 28) for i in range(lines)],
    )
    deep = 2 * COUNT_STEP // 20 + 1  # its page reaches past two steps: every line is counted

    first = await search(text="ung ho", size=20)
    third = await search(text="ung ho", page=3, size=20)
    last = await search(text="ung ho", page=deep, size=20)
    beyond = await search(text="ung ho", page=lines // 20 + 3, size=20)

    assert (first.total, first.total_is_exact, first.has_next) == (COUNT_STEP, False, True)
    assert first.last_page == COUNT_STEP // 20 + 1
    assert (third.total, third.total_is_exact, third.has_next) == (2 * COUNT_STEP, False, True)
    assert (last.total, last.total_is_exact, len(last.lines)) == (lines, True, 20)
    assert (beyond.lines, beyond.total, beyond.total_is_exact) == ([], lines, True)
    days = [line.on for line in first.lines + third.lines + last.lines]
    assert days == sorted(days, reverse=True)


async def test_the_csv_stream_walks_every_match_in_chunks(
    sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _add(sessions, [_line(i, ANONYMOUS, f"tre em {i}", day=1 + i % 5) for i in range(23)])
    monkeypatch.setattr(statement_queries, "STREAM_CHUNK", 5)

    chunks: list[list[StatementLine]] = []
    async with sessions() as session:
        query = StatementQuery(fund_code="TH", text="tre em")
        chunks = [chunk async for chunk in StatementQueries(session).stream(query)]

    lines = [line for chunk in chunks for line in chunk]
    assert [len(chunk) for chunk in chunks] == [5, 5, 5, 5, 3]
    assert len({line.id for line in lines}) == 23
    keys = [(line.on, line.id) for line in lines]
    assert keys == sorted(keys, reverse=True)


async def _plan(engine: AsyncEngine, query: StatementQuery) -> str:
    shape, values = shape_and_values(query, postgres=True)
    limit = count_limit(query)
    values.update(window=limit + 1, offset=query.offset, size=query.size)
    sql = page_statement(shape).params(values)
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    compiled = sql.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    async with engine.connect() as connection:
        rows = await connection.execute(text(f"EXPLAIN {compiled}"))
        return "\n".join(row[0] for row in rows)


async def test_rare_words_use_the_word_index_and_common_ones_the_date_index(
    engine: AsyncEngine,
) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO statement_line (line_key, kind, fund_code, line_date, recorded_at,"
                " amount, name, purpose_kind, memo, search_text) "
                "SELECT 'gen:' || n, 'donation', 'TH', DATE '2024-09-01' + (n % 12), "
                ":recorded, 10000 * (1 + n % 50), :anonymous, 'general', memo, memo "
                "FROM (SELECT n, 'chuyen tien ung ho ' || "
                "(ARRAY['nguyen','tran','le','pham','hoang'])[1 + n % 5] || ' van ' || "
                "(ARRAY['an','binh','cuong','dung','ha','hai','hoa','hung','lan','linh'])"
                "[1 + (n / 5) % 10] || ' ' || n AS memo "
                "FROM generate_series(1, 30000) AS n) AS generated"
            ),
            {"recorded": RECORDED, "anonymous": ANONYMOUS},
        )
        await connection.execute(text("ANALYZE statement_line"))

    rare = await _plan(engine, StatementQuery(fund_code="TH", text="tran van hoa 12345"))
    common = await _plan(engine, StatementQuery(fund_code="TH", text="ung ho"))
    rare_in_range = await _plan(
        engine,
        StatementQuery(
            fund_code="TH", text="tran van hoa 12345", min_amount=100_000, max_amount=300_000
        ),
    )

    assert "ix_statement_line_words" in rare
    assert "ix_statement_line_fund_order" in common
    assert "ix_statement_line_words" not in common
    # words and amounts in one lookup of the word index, never ANDed with the amount index
    assert "ix_statement_line_words" in rare_in_range
    assert "'-061'" in rare_in_range
    assert "ix_statement_line_fund_amount" not in rare_in_range
