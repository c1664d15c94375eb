"""Building the in-memory word index (`statement_index`) from the statement's lines.

Lines come newest first, in chunks (`IndexBuilder.add`), so that the rows read from the
database are let go chunk by chunk; `finish` sorts the words once. A line's words are those
of its vector in PostgreSQL (`statement_words.VECTOR_SQL`): every run of 0-9 and a-z of its
search text, and every pair of neighbouring words joined by "z" (the amount's bucket words
are left out: the index checks amounts themselves). About 15 µs a line.
"""

from __future__ import annotations

import re
from array import array
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from itertools import count, pairwise, repeat

import numpy as np

from baotro_reporting.adapters.statement_index import IndexRow, StatementIndex
from baotro_reporting.adapters.statement_stored_lines import StoredLinesBuilder
from baotro_reporting.adapters.statement_words import JOINER, spaced_words

_WORD = re.compile(r"[0-9a-z]+")
_SPACES = {c: " " for c in range(128) if not re.fullmatch(r"[0-9a-z]", chr(c))}
"""Every ASCII character but 0-9 and a-z, as a space: a line's words, the fast way."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def index_row(
    line_id: int,
    day: date,
    recorded_at: datetime,
    fund_code: str,
    kind: str,
    amount: int,
    search_text: str,
    *,
    name: str = "",
    memo: str = "",
    purpose_kind: str = "general",
    purpose_ref: str | None = None,
) -> IndexRow:
    """A line as the index takes it (`INDEX_ROWS_SQL` has PostgreSQL write it so)."""
    if recorded_at.tzinfo is None:
        recorded_at = recorded_at.replace(tzinfo=UTC)
    recorded_us = (recorded_at - _EPOCH) // _MICROSECOND
    day_number = day.toordinal()
    row = (line_id, day_number, recorded_us, fund_code, kind, amount, search_text)
    return (*row, name, memo, purpose_kind, purpose_ref)


class IndexBuilder:
    """Takes lines newest first (`add`, any number of times), then makes the index."""

    def __init__(self) -> None:
        self._ids = array("q")
        self._days = array("i")
        self._stamps = array("q")
        self._funds = array("h")
        self._fund_codes: dict[str, int] = {}
        self._stored = StoredLinesBuilder()
        self._amounts = array("q")
        self._texts: list[str] = []
        self._numbers: defaultdict[str, int] = defaultdict(count().__next__)
        self._word_numbers = array("i")
        self._word_ranks = array("i")

    def add(self, rows: Iterable[IndexRow]) -> None:
        """The next lines, older than those added before."""
        rows = list(rows)
        self._ids.extend([row[0] for row in rows])
        self._days.extend([row[1] for row in rows])
        self._stamps.extend([row[2] for row in rows])
        codes = self._fund_codes
        self._funds.extend([codes.setdefault(row[3], len(codes)) for row in rows])
        self._amounts.extend([row[5] for row in rows])
        self._stored.add(
            [row[4] for row in rows],
            [row[7] for row in rows],
            [row[8] for row in rows],
            [row[9] for row in rows],
            [row[10] for row in rows],
        )
        number = self._numbers.__getitem__
        word_numbers, word_ranks, texts = self._word_numbers, self._word_ranks, self._texts
        for rank, row in enumerate(rows, start=len(self._ids) - len(rows)):
            text = row[6]
            words = text.translate(_SPACES).split() if text.isascii() else _WORD.findall(text)
            texts.append(spaced_words(words))
            words += [a + JOINER + b for a, b in pairwise(words)]
            word_numbers.extend(map(number, words))
            word_ranks.extend(repeat(rank, len(words)))

    def finish(self) -> StatementIndex:
        """The index of every line added (the builder is spent)."""
        vocabulary = list(self._numbers)  # in the order the words were numbered
        self._numbers.clear()
        order = sorted(range(len(vocabulary)), key=vocabulary.__getitem__)
        renumber = np.empty(len(vocabulary), dtype=np.int32)
        renumber[order] = np.arange(len(vocabulary), dtype=np.int32)
        by_word = renumber[np.frombuffer(self._word_numbers, dtype=np.int32)]
        grouped = np.argsort(by_word, kind="stable")  # ranks stay ascending within a word
        by_word = by_word[grouped]
        postings = np.frombuffer(self._word_ranks, dtype=np.int32)[grouped]
        del grouped
        self._word_numbers = self._word_ranks = array("i")
        # a word twice in a line is one posting
        first = np.ones(len(postings), dtype=np.bool_)
        first[1:] = (by_word[1:] != by_word[:-1]) | (postings[1:] != postings[:-1])
        by_word, postings = by_word[first], postings[first]
        offsets = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(np.bincount(by_word, minlength=len(vocabulary)), out=offsets[1:])
        return StatementIndex(
            ids=np.frombuffer(self._ids, dtype=np.int64),
            days=np.frombuffer(self._days, dtype=np.int32).astype(np.int64),
            stamps=np.frombuffer(self._stamps, dtype=np.int64),
            funds=np.frombuffer(self._funds, dtype=np.int16),
            fund_codes=self._fund_codes,
            amounts=np.frombuffer(self._amounts, dtype=np.int64),
            texts=self._texts,
            vocabulary=[vocabulary[i] for i in order],
            offsets=offsets,
            postings=postings,
            stored=self._stored.finish(),
        )


def build_index(rows: Iterable[IndexRow]) -> StatementIndex:
    """The index of `rows`, newest first (date, time recorded, id; all descending)."""
    builder = IndexBuilder()
    builder.add(rows)
    return builder.finish()
