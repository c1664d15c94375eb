"""What typed text becomes for PostgreSQL's word index (pure: no database here; the search
itself is tested on PostgreSQL in tests/integration/test_reporting_statement_search.py)."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from baotro_reporting.adapters.statement_sql import COUNT_STEP, count_limit
from baotro_reporting.adapters.statement_words import (
    MAX_WORDS,
    VECTOR_SQL,
    WordQuery,
    spaced_words,
)
from baotro_reporting.domain.statement import MAX_RESULT_WINDOW, StatementQuery


def test_one_word_is_looked_up_as_a_word_or_its_beginning() -> None:
    query = WordQuery.of("Nguyễn")

    assert query is not None
    assert (query.words, query.tsquery, query.pattern) == (("nguyen",), "'nguyen':*", None)


def test_several_words_are_looked_up_as_neighbouring_pairs_then_checked_in_order() -> None:
    query = WordQuery.of("  NGUYỄN văn   Á ")

    assert query is not None
    assert query.words == ("nguyen", "van", "a")
    assert query.tsquery == "'nguyenzvan' & 'vanza':*"
    assert query.pattern is not None
    assert re.search(query.pattern, "mbvcb.123.nguyen van anh ung ho")
    assert re.search(query.pattern, "nguyen-van.a")
    assert not re.search(query.pattern, "nguyen van ba")
    assert not re.search(query.pattern, "xnguyen van a")


def test_the_phrase_in_spaced_words_finds_what_the_pattern_finds() -> None:
    query = WordQuery.of("nguyen van a")

    assert query is not None
    assert query.phrase == " nguyen van a"
    assert query.phrase in spaced_words(["mbvcb", "123", "nguyen", "van", "anh", "ung", "ho"])
    assert query.phrase not in spaced_words(["nguyen", "van", "ba"])
    assert query.phrase not in spaced_words(["xnguyen", "van", "a"])
    assert WordQuery(("nguyen",)).phrase is None


_FOLDED = st.text(alphabet="abnz0 .-_/", max_size=24)


@given(text=_FOLDED, typed=_FOLDED)
def test_the_phrase_and_the_pattern_agree_on_any_text(text: str, typed: str) -> None:
    query = WordQuery.of(typed)
    assume(query is not None and query.pattern is not None)
    assert query is not None
    assert query.pattern is not None
    assert query.phrase is not None
    words = re.findall("[0-9a-z]+", text)

    assert (query.phrase in spaced_words(words)) == bool(re.search(query.pattern, text))


@pytest.mark.parametrize("typed", ["", "   ", "***", "%_\\'", "…"])
def test_text_without_letters_or_digits_searches_nothing(typed: str) -> None:
    assert WordQuery.of(typed) is None


def test_quotes_and_operators_never_reach_the_tsquery() -> None:
    query = WordQuery.of("o'neil & (x | !y) <-> z:*")

    assert query is not None
    assert query.words == ("o", "neil", "x", "y", "z")
    assert set(query.tsquery) <= set("abcdefghijklmnopqrstuvwxyz0123456789' &:*")


def test_a_long_text_keeps_its_first_words() -> None:
    query = WordQuery.of(" ".join(f"w{i}" for i in range(40)))

    assert query is not None
    assert len(query.words) == MAX_WORDS


def test_the_generated_column_splits_words_the_same_way() -> None:
    assert "[^0-9a-z]+" in VECTOR_SQL
    assert "'simple'::regconfig" in VECTOR_SQL
    assert VECTOR_SQL.startswith("strip(")  # no positions: the order is checked on the text


@pytest.mark.parametrize(
    ("page", "size", "limit"),
    [(1, 20, COUNT_STEP), (2, 20, COUNT_STEP), (3, 20, 2 * COUNT_STEP), (1, 100, 3 * COUNT_STEP)],
)
def test_the_total_is_counted_a_step_past_the_page(page: int, size: int, limit: int) -> None:
    assert count_limit(StatementQuery(page=page, size=size)) == limit


def test_the_count_never_passes_the_result_window() -> None:
    last = StatementQuery(page=MAX_RESULT_WINDOW // 100, size=100)

    assert count_limit(last) == MAX_RESULT_WINDOW
