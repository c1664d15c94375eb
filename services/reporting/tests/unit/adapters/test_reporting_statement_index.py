"""The in-memory word index finds what PostgreSQL's search finds, in the same order.

`reference` below is the search of `statement_sql.postgres_page` written out line by line
(the vector's words and pairs, the prefix of the last word, the regular expression on the
words' order, the filters, newest first); hypothesis compares the index with it on
statements and searches made of a few words that begin, contain and follow each other.
The comparison with PostgreSQL itself is in tests/integration."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from baotro_reporting.adapters.statement_amounts import amount_tsquery
from baotro_reporting.adapters.statement_index import IndexRow
from baotro_reporting.adapters.statement_index_build import build_index, index_row
from baotro_reporting.adapters.statement_words import JOINER, WordQuery
from baotro_reporting.domain.statement import LineKind, StatementQuery, search_text

WORDS = ["an", "anh", "nguyễn", "nguyen", "văn", "van", "thi", "lan", "zo", "ung", "hộ", "12", "1"]
SEPARATORS = [" ", ".", " - ", "*", "  "]
DAY = date(2024, 9, 1)
MOMENT = datetime(2024, 9, 1, 3, 0, tzinfo=UTC)


def reference(rows: list[IndexRow], query: StatementQuery, window: int) -> list[int]:
    """The ids PostgreSQL's search gives, computed line by line."""
    words = WordQuery.of(query.text) if query.text else None
    if query.text and words is None:
        return []
    ranged = query.min_amount is not None or query.max_amount is not None
    if words is not None and ranged and amount_tsquery(query.min_amount, query.max_amount) is None:
        return []
    found = []
    for line_id, day, recorded_us, fund, kind, amount, text, *_shown in rows:
        disbursement = kind == LineKind.DISBURSEMENT
        if query.fund_code is not None and fund != query.fund_code:
            continue
        if query.date_from is not None and day < query.date_from.toordinal():
            continue
        if query.date_to is not None and day > query.date_to.toordinal():
            continue
        if query.min_amount is not None and amount < query.min_amount:
            continue
        if query.max_amount is not None and amount > query.max_amount:
            continue
        if query.kind == "in" and disbursement:
            continue
        if query.kind == "out" and not disbursement:
            continue
        if words is not None and not _holds(text, words):
            continue
        found.append((day, recorded_us, line_id))
    return [line_id for *_, line_id in sorted(found, reverse=True)[:window]]


def _holds(text: str, words: WordQuery) -> bool:
    line = re.findall(r"[0-9a-z]+", text)
    vector = set(line) | {a + JOINER + b for a, b in pairwise(line)}
    typed = list(words.words)
    if len(typed) == 1:
        return any(token.startswith(typed[0]) for token in vector)
    pairs = [a + JOINER + b for a, b in pairwise(typed)]
    if not all(pair in vector for pair in pairs[:-1]):
        return False
    if not any(token.startswith(pairs[-1]) for token in vector):
        return False
    return words.pattern is None or re.search(words.pattern, text) is not None


def _newest_first(rows: list[IndexRow]) -> list[IndexRow]:
    return sorted(rows, key=lambda row: (row[1], row[2], row[0]), reverse=True)


texts = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), min_size=0, max_size=6
).map(lambda parts: search_text("".join(w + s for w, s in parts)))
lines = st.lists(
    st.tuples(
        st.integers(0, 6),  # day
        st.integers(0, 2),  # time of day
        st.sampled_from(["TH", "HN"]),
        st.sampled_from([LineKind.DONATION, LineKind.REVERSAL, LineKind.DISBURSEMENT]),
        st.sampled_from([5_000, 50_000, 100_000, 250_000, 1_000_000]),
        texts,
    ),
    max_size=60,
).map(
    lambda made: [
        index_row(n + 1, DAY + timedelta(days=d), MOMENT + timedelta(hours=h), f, k, a, t)
        for n, (d, h, f, k, a, t) in enumerate(made)
    ]
)
typed = st.lists(st.sampled_from([*WORDS, "ngu", "a", "va", "anz", "nguyenz"]), max_size=4).map(
    " ".join
)
optional_day = st.none() | st.integers(0, 6).map(lambda d: DAY + timedelta(days=d))
optional_amount = st.none() | st.sampled_from([0, 10_000, 100_000, 200_000, 2_000_000])


@st.composite
def queries(draw: st.DrawFn) -> StatementQuery:
    low, high = draw(optional_amount), draw(optional_amount)
    if low is not None and high is not None and low > high:
        low, high = high, low
    first, last = draw(optional_day), draw(optional_day)
    if first is not None and last is not None and first > last:
        first, last = last, first
    return StatementQuery(
        fund_code=draw(st.none() | st.sampled_from(["TH", "HN", "XX"])),
        text=draw(st.none() | typed),
        min_amount=low,
        max_amount=high,
        date_from=first,
        date_to=last,
        kind=draw(st.none() | st.sampled_from(["in", "out"])),
    )


@settings(max_examples=400, deadline=None)
@given(rows=lines, query=queries(), window=st.integers(1, 70))
def test_the_index_finds_what_the_search_in_sql_finds_newest_first(
    rows: list[IndexRow], query: StatementQuery, window: int
) -> None:
    ordered = _newest_first(rows)

    found = build_index(ordered).find(query, window)

    assert found.ids == reference(ordered, query, window)


def _row(line_id: int, text: str, *, days: int = 0, amount: int = 100_000) -> IndexRow:
    return index_row(line_id, DAY + timedelta(days=days), MOMENT, "TH", "donation", amount, text)


def _find(rows: list[IndexRow], text: str | None = None, **criteria: object) -> list[int]:
    index = build_index(_newest_first(rows))
    return index.find(StatementQuery(text=text, **criteria), 100).ids  # type: ignore[arg-type]


def test_a_name_is_found_without_diacritics_and_as_it_is_being_typed() -> None:
    rows = [
        _row(1, search_text("NGUYỄN VĂN A", "ủng hộ")),
        _row(2, search_text("Nguyễn Văn Anh")),
        _row(3, search_text("Văn Nguyễn A")),
    ]

    assert _find(rows, "nguyen van a") == [2, 1]
    assert _find(rows, "Nguyễn Văn A") == [2, 1]
    assert _find(rows, "NGUYEN VAN AN") == [2]


def test_a_word_is_not_found_inside_another_and_the_words_keep_their_order() -> None:
    rows = [_row(1, "nguyen thi lan"), _row(2, "lan thi nguyen"), _row(3, "thi nguyen van")]

    assert _find(rows, "uyen") == []
    assert _find(rows, "thi nguyen") == [3, 2]
    assert _find(rows, "nguyen thi") == [1]


def test_every_pair_present_is_not_enough_the_words_must_follow_each_other() -> None:
    rows = [_row(1, "nguyen van an van thi"), _row(2, "ba nguyen van thi")]

    assert _find(rows, "nguyen van thi") == [2]
    assert _find(rows, "nguyen van th") == [2]


def test_newest_first_and_the_filters_narrow_the_lines() -> None:
    rows = [
        _row(1, "ung ho", days=0, amount=50_000),
        _row(2, "ung ho", days=2, amount=500_000),
        _row(3, "ung ho", days=1, amount=5_000_000),
    ]

    assert _find(rows, "ung") == [2, 3, 1]
    assert _find(rows, "ung ho", min_amount=100_000) == [2, 3]
    assert _find(rows, "ung", max_amount=100_000) == [1]
    assert _find(rows, None, date_from=DAY + timedelta(days=1)) == [2, 3]
    assert _find(rows, None, date_to=DAY) == [1]
    assert _find(rows, "ung", fund_code="HN") == []


def test_the_search_stops_at_the_window_and_walks_past_the_first_chunk() -> None:
    rows = [_row(n, "ung ho" if n % 997 else "nguyen van an", days=n % 5) for n in range(1, 5001)]
    index = build_index(_newest_first(rows))

    first = index.find(StatementQuery(text="ung"), 51)
    rare = index.find(StatementQuery(text="nguyen van"), 100)

    assert len(first.ids) == 51
    assert first.keys == sorted(first.keys, reverse=True)
    assert sorted(rare.ids) == [997, 1994, 2991, 3988, 4985]


def test_an_empty_statement_finds_nothing() -> None:
    index = build_index([])

    assert index.find(StatementQuery(text="an"), 10).ids == []
    assert index.find(StatementQuery(), 10).ids == []


def test_a_hidden_line_is_no_longer_found() -> None:
    index = build_index(_newest_first([_row(1, "ung ho"), _row(2, "ung ho"), _row(3, "an")]))

    index.hide({2, 99})

    assert index.find(StatementQuery(text="ung"), 10).ids == [1]
    assert index.find(StatementQuery(), 10).ids == [3, 1]
