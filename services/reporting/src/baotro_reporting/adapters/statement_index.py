"""The public statement's word index held in memory: which lines a search finds, newest first.

PostgreSQL's GIN index finds the lines holding a name, but not in date order: a search for
"Nguyễn Thị Lan" among a million lines fetches and sorts the seven hundred lines that hold
it to show the newest twenty, about 5 ms of PostgreSQL's CPU each time. Here the same words
(`statement_words`: every word, every pair of neighbouring words joined by "z") point at
lines by their rank in the statement's order (date, time recorded, id; newest first), so
a search walks its rarest word's lines already in order and stops as soon as it has what
the page needs (`MatchQuery.window`): a few microseconds of numpy per search.

It answers exactly what `statement_sql.postgres_page` answers (the same words, pairs and
prefixes; the same filters; the same order; the same count up to the window): the tests
compare both on the same lines. What a page shows of each line (names, memos, purposes) is
held beside the words (`statement_stored_lines`).

Layout: the vocabulary is sorted, so the words starting with what a user is still typing
are one range of it; `offsets` cuts `postings` (the ranks of the lines holding each word,
ascending) by word. Columns per rank: id, day, time recorded, fund, kind, amount, and the
line's words spaced out (`statement_words.spaced_words`) for the order of several words.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from baotro_reporting.adapters.statement_amounts import amount_tsquery
from baotro_reporting.adapters.statement_queries import PurposeLabels
from baotro_reporting.adapters.statement_stored_lines import StoredLines
from baotro_reporting.adapters.statement_words import JOINER, WordQuery
from baotro_reporting.domain.statement import LineKind, StatementLine, StatementQuery

IndexRow = tuple[int, int, int, str, str, int, str, str, str, str, str | None]
"""(id, day as `date.toordinal`, time recorded in µs since the epoch, fund code, kind,
amount, search text, name, memo, purpose kind, purpose ref): a line as the index takes it
(`statement_index_build`)."""
Ints = npt.NDArray[np.int64]
Ranks = npt.NDArray[np.int32]
_AFTER_EVERY_WORD = "{"
"""Sorts after every word (words are made of 0-9 and a-z)."""
FIRST_CHUNK = 512
LAST_CHUNK = 65_536
SORTED_UNION = 32_768
"""Below this many postings, the lines of several words are merged by sorting them; above,
by marking every line of the statement (a pass over all of them)."""
UNION_BYTES = 32 * 1024 * 1024
"""The lines of the words beginning with what was typed, merged, are kept for the next search
of the same beginning, up to this many bytes (the least recently used go first)."""


@dataclass(frozen=True)
class Found:
    """The first `window` lines a search finds, newest first: their order keys and places
    (the index holding each and its rank there)."""

    keys: list[tuple[int, int, int]]
    """(day ordinal, time recorded in µs, id): larger is newer."""
    places: list[tuple[StatementIndex, int]]

    @property
    def ids(self) -> list[int]:
        return [key[2] for key in self.keys]


@dataclass(frozen=True)
class _Term:
    """Lines holding one word, or (`prefix`) any word of a range of the vocabulary."""

    start: int
    stop: int

    @property
    def empty(self) -> bool:
        return self.start >= self.stop


class StatementIndex:
    """The words of every line and the columns its filters read, by rank (newest first)."""

    def __init__(
        self,
        *,
        ids: Ints,
        days: Ints,
        stamps: Ints,
        funds: npt.NDArray[np.int16],
        fund_codes: dict[str, int],
        amounts: Ints,
        texts: list[str],
        vocabulary: list[str],
        offsets: Ints,
        postings: Ranks,
        stored: StoredLines,
    ) -> None:
        self.ids, self.days, self.stamps = ids, days, stamps
        self._funds, self._fund_codes = funds, fund_codes
        self._fund_names = {code: fund for fund, code in fund_codes.items()}
        self._disbursements = stored.is_kind(LineKind.DISBURSEMENT)
        self._amounts, self._texts, self._stored = amounts, texts, stored
        self._vocabulary, self._offsets, self._postings = vocabulary, offsets, postings
        self._descending_days = -days  # ascending: a date range is one slice of ranks
        self._unions: OrderedDict[tuple[int, int], Ranks] = OrderedDict()
        self._hidden: npt.NDArray[np.bool_] | None = None
        """Lines rewritten since the index was built (their new text is indexed apart)."""
        self._union_bytes = 0

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def nbytes(self) -> int:
        """The arrays' bytes (the texts and the vocabulary are Python strings besides)."""
        arrays = (self.ids, self.days, self.stamps, self._funds, self._amounts, self._postings)
        columns = self._offsets.nbytes + self._disbursements.nbytes + self._stored.nbytes
        return sum(a.nbytes for a in arrays) + columns

    def lines(self, ranks: list[int], names: PurposeLabels) -> list[StatementLine]:
        """The lines at `ranks` (of a `Found`) as the public sees them, in that order."""
        at = np.array(ranks, dtype=np.int64)
        fund_names = self._fund_names
        return self._stored.lines(
            ranks,
            line_ids=self.ids[at].tolist(),
            funds=[fund_names[code] for code in self._funds[at].tolist()],
            days=self.days[at].tolist(),
            amounts=self._amounts[at].tolist(),
            names=names,
        )

    def hide(self, ids: set[int]) -> None:
        """These lines are no longer found here (they were rewritten)."""
        at = np.flatnonzero(np.isin(self.ids, np.fromiter(ids, dtype=np.int64)))
        if len(at):
            if self._hidden is None:
                self._hidden = np.zeros(self.size, dtype=np.bool_)
            self._hidden[at] = True

    def find(self, query: StatementQuery, window: int) -> Found:
        """The first `window` lines of `query`, as `statement_sql.postgres_page` orders them."""
        if window <= 0:
            return Found([], [])
        ranks = self._find(query, window)
        ids: list[int] = self.ids[ranks].tolist()
        days: list[int] = self.days[ranks].tolist()
        stamps: list[int] = self.stamps[ranks].tolist()
        keys = list(zip(days, stamps, ids, strict=True))
        return Found(keys, [(self, rank) for rank in ranks.tolist()])

    def _find(self, query: StatementQuery, window: int) -> Ranks:
        nothing = np.empty(0, dtype=np.int32)
        fund = None
        if query.fund_code is not None:
            fund = self._fund_codes.get(query.fund_code)
            if fund is None:
                return nothing
        first, last = self._date_ranks(query.date_from, query.date_to)
        if first >= last:
            return nothing
        phrase: str | None = None
        terms: list[_Term] = []
        if query.text:
            words = WordQuery.of(query.text)
            if words is None:
                return nothing
            ranged = query.min_amount is not None or query.max_amount is not None
            if ranged and amount_tsquery(query.min_amount, query.max_amount) is None:
                return nothing
            terms = self._terms(words.words)
            if any(t.empty for t in terms):
                return nothing
            phrase = words.phrase
        source: Ranks | range
        if terms:
            terms.sort(key=self._term_size)
            source = self._lines(terms[0])
            # int32 bounds: a Python int would have numpy copy `source` to compare it
            start, stop = np.searchsorted(source, np.array([first, last], dtype=np.int32))
            source = source[start:stop]
            others = [self._lines(t) for t in terms[1:]]
        else:
            source, others = range(first, last), []
        return self._walk(source, others, phrase, query, fund, window)

    def _walk(
        self,
        source: Ranks | range,
        others: Sequence[Ranks],
        phrase: str | None,
        query: StatementQuery,
        fund: int | None,
        window: int,
    ) -> Ranks:
        """`source`'s lines that every filter keeps, in chunks, until `window` are found.
        The words' order (`WordQuery.phrase` in each line's spaced words, Python, per line) is
        checked last, and only on as many lines as are still needed."""
        kept: list[Ranks] = []
        found, start, chunk = 0, 0, FIRST_CHUNK
        if fund is not None and len(self._fund_codes) == 1:
            fund = None  # one fund: every line is of it
        texts = self._texts
        while start < len(source) and found < window:
            if isinstance(source, range):  # every line of a date range: no array of them all
                stop = min(start + chunk, len(source))
                ranks = np.arange(source.start + start, source.start + stop, dtype=np.int32)
            else:
                ranks = source[start : start + chunk]
            start += chunk
            chunk = min(chunk * 4, LAST_CHUNK)
            masks = [
                lines[np.minimum(np.searchsorted(lines, ranks), len(lines) - 1)] == ranks
                for lines in others
            ]
            if fund is not None:
                masks.append(self._funds[ranks] == fund)
            if query.kind == "in":
                masks.append(~self._disbursements[ranks])
            elif query.kind == "out":
                masks.append(self._disbursements[ranks])
            if query.min_amount is not None:
                masks.append(self._amounts[ranks] >= query.min_amount)
            if query.max_amount is not None:
                masks.append(self._amounts[ranks] <= query.max_amount)
            if self._hidden is not None:
                masks.append(~self._hidden[ranks])
            if masks:
                ranks = ranks[np.logical_and.reduce(masks) if len(masks) > 1 else masks[0]]
            needed = window - found
            if phrase is None:
                ranks = ranks[:needed]
            else:
                following: list[int] = []
                for rank in ranks.tolist():
                    if phrase in texts[rank]:
                        following.append(rank)
                        if len(following) == needed:
                            break
                ranks = np.array(following, dtype=np.int32)
            kept.append(ranks)
            found += len(ranks)
        return np.concatenate(kept) if kept else np.empty(0, dtype=np.int32)

    def _date_ranks(self, date_from: date | None, date_to: date | None) -> tuple[int, int]:
        """The ranks of the lines from `date_from` to `date_to`: [first, last)."""
        first, last = 0, self.size
        if date_to is not None:
            first = int(np.searchsorted(self._descending_days, -date_to.toordinal(), "left"))
        if date_from is not None:
            last = int(np.searchsorted(self._descending_days, -date_from.toordinal(), "right"))
        return first, last

    def _terms(self, words: Sequence[str]) -> list[_Term]:
        """One word: the words it begins. Several: each pair of neighbours, the last pair
        as a beginning (`WordQuery.tsquery`)."""
        if len(words) == 1:
            return [self._prefix(words[0])]
        pairs = [a + JOINER + b for a, b in pairwise(words)]
        return [*(self._exact(p) for p in pairs[:-1]), self._prefix(pairs[-1])]

    def _exact(self, word: str) -> _Term:
        at = bisect.bisect_left(self._vocabulary, word)
        if at < len(self._vocabulary) and self._vocabulary[at] == word:
            return _Term(at, at + 1)
        return _Term(0, 0)

    def _prefix(self, beginning: str) -> _Term:
        start = bisect.bisect_left(self._vocabulary, beginning)
        stop = bisect.bisect_left(self._vocabulary, beginning + _AFTER_EVERY_WORD, lo=start)
        return _Term(start, stop)

    def _term_size(self, term: _Term) -> int:
        return int(self._offsets[term.stop] - self._offsets[term.start])

    def _lines(self, term: _Term) -> Ranks:
        """The ranks of the lines holding the term, ascending, each once."""
        postings = self._postings[self._offsets[term.start] : self._offsets[term.stop]]
        if term.stop - term.start == 1:
            return postings
        key = (term.start, term.stop)
        merged = self._unions.get(key)
        if merged is not None:
            self._unions.move_to_end(key)
            return merged
        if len(postings) < SORTED_UNION:
            merged = np.unique(postings)
        else:  # marking every line costs less than sorting many postings
            marked = np.zeros(self.size, dtype=np.bool_)
            marked[postings] = True
            merged = np.flatnonzero(marked).astype(np.int32)
        self._unions[key] = merged
        self._union_bytes += merged.nbytes
        while self._union_bytes > UNION_BYTES:
            _, dropped = self._unions.popitem(last=False)
            self._union_bytes -= dropped.nbytes
        return merged
