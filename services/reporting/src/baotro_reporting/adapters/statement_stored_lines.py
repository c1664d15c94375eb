"""What the index shows of each line, held beside its words (`statement_index`): a search's
page is then made without asking PostgreSQL.

Names and memos are kept as UTF-8 in one block each (a Python string per line would cost
three times as much); kinds, purposes and their targets as small codes. A line's purpose
names the campaign or the appeal it went to as the `PurposeLabels` given last read them.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from baotro_reporting.adapters.statement_queries import PurposeLabels
from baotro_reporting.domain.statement import StatementLine, shown_amount

Ints = npt.NDArray[np.int64]


class _Codes:
    """A few distinct texts as small numbers."""

    def __init__(self) -> None:
        self.numbers: dict[str | None, int] = {}
        self.texts: list[str | None] = []

    def of(self, text: str | None) -> int:
        number = self.numbers.get(text)
        if number is None:
            number = self.numbers[text] = len(self.texts)
            self.texts.append(text)
        return number


class _Texts:
    """Texts as one block of UTF-8 and where each ends."""

    def __init__(self) -> None:
        self.blocks: list[bytes] = []
        self.ends = array("q")
        self.size = 0

    def add(self, texts: Sequence[str]) -> None:
        encoded = [t.encode() for t in texts]
        for text in encoded:
            self.size += len(text)
            self.ends.append(self.size)
        self.blocks.append(b"".join(encoded))


class StoredLinesBuilder:
    """Takes the shown columns of lines in rank order (`add`), then `finish`."""

    def __init__(self) -> None:
        self._kinds = _Codes()
        self._kind_codes = array("b")
        self._purposes = _Codes()
        self._purpose_codes = array("h")
        self._refs = _Codes()
        self._ref_codes = array("i")
        self._names = _Texts()
        self._memos = _Texts()

    def add(
        self,
        kinds: Sequence[str],
        names: Sequence[str],
        memos: Sequence[str],
        purposes: Sequence[str],
        refs: Sequence[str | None],
    ) -> None:
        self._kind_codes.extend([self._kinds.of(k) for k in kinds])
        self._purpose_codes.extend([self._purposes.of(p) for p in purposes])
        self._ref_codes.extend([self._refs.of(r) for r in refs])
        self._names.add(names)
        self._memos.add(memos)

    def finish(self) -> StoredLines:
        return StoredLines(
            kinds=[str(k) for k in self._kinds.texts],
            kind_codes=np.frombuffer(self._kind_codes, dtype=np.int8),
            purposes=[str(p) for p in self._purposes.texts],
            purpose_codes=np.frombuffer(self._purpose_codes, dtype=np.int16),
            refs=self._refs.texts,
            ref_codes=np.frombuffer(self._ref_codes, dtype=np.int32),
            names=b"".join(self._names.blocks),
            name_ends=np.frombuffer(self._names.ends, dtype=np.int64),
            memos=b"".join(self._memos.blocks),
            memo_ends=np.frombuffer(self._memos.ends, dtype=np.int64),
        )


@dataclass(frozen=True)
class StoredLines:
    kinds: list[str]
    kind_codes: npt.NDArray[np.int8]
    purposes: list[str]
    purpose_codes: npt.NDArray[np.int16]
    refs: list[str | None]
    ref_codes: npt.NDArray[np.int32]
    names: bytes
    name_ends: Ints
    memos: bytes
    memo_ends: Ints

    @property
    def nbytes(self) -> int:
        arrays = (self.kind_codes, self.purpose_codes, self.ref_codes)
        ends = self.name_ends.nbytes + self.memo_ends.nbytes
        return sum(a.nbytes for a in arrays) + ends + len(self.names) + len(self.memos)

    def is_kind(self, kind: str) -> npt.NDArray[np.bool_]:
        """Whether each line is of `kind`."""
        if kind not in self.kinds:
            return np.zeros(len(self.kind_codes), dtype=np.bool_)
        return np.asarray(self.kind_codes == self.kinds.index(kind), dtype=np.bool_)

    def lines(
        self,
        ranks: list[int],
        *,
        line_ids: list[int],
        funds: list[str],
        days: list[int],
        amounts: list[int],
        names: PurposeLabels,
    ) -> list[StatementLine]:
        """The lines at `ranks` as the public sees them (`statement_reader._line`); the other
        columns are given in the same order. A page's twenty values of a column are read one
        by one through a memoryview (Python ints at once): numpy's calls cost more for so
        few."""
        kind_codes = self.kind_codes.data
        ref_codes = self.ref_codes.data
        purpose_codes = self.purpose_codes.data
        kinds = [self.kinds[kind_codes[rank]] for rank in ranks]
        refs = [self.refs[ref_codes[rank]] for rank in ranks]
        purposes = [self.purposes[purpose_codes[rank]] for rank in ranks]
        shown_names = _texts(self.names, self.name_ends, ranks)
        memos = _texts(self.memos, self.memo_ends, ranks)
        return [
            StatementLine(
                line_ids[i],
                kind,
                funds[i],
                date.fromordinal(days[i]),
                shown_names[i],
                shown_amount(kind, amounts[i]),
                names.of(kind, purposes[i], refs[i]),
                memos[i],
            )
            for i, kind in enumerate(kinds)
        ]


def _texts(block: bytes, ends: Ints, ranks: list[int]) -> list[str]:
    at = ends.data
    return [block[at[rank - 1] if rank else 0 : at[rank]].decode() for rank in ranks]
