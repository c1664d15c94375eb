"""Deduplication keys of bank transactions.

The bank's document number is NOT unique (7,530 Vietcombank DocNo values repeat within ten
days with different content), so a copy of a transfer is recognised by any of:

- its provider's id (`src`): SePay and Casso retry a webhook with the same id;
- the bank's reference (`ref`), when it is strong enough (8+ letters and digits, 6+ digits:
  an FT number, an MBVCB number, a full NAPAS trace) with account, direction, amount and
  booking date: no two different transfers share one in the shared statements (299,323
  lines). A webhook, which may arrive the evening before the statement books the transfer,
  also registers the next day;
- a fingerprint (`fp`) of account, date, direction, amount and the folded memo, numbered by
  occurrence: two identical gifts on one day (the same 50.000 đồng "ung ho" twice) are two
  transactions, and importing the same statement again, or one that overlaps it by whole
  days, finds the same numbers.

A line is a duplicate when any of its keys is already known. Keys are hashed to a fixed width.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from baotro_shared.text import compact

_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
_NO_DIGITS = str.maketrans("", "", "0123456789")


@dataclass(frozen=True)
class LineKeys:
    """The keys of one line: any known one makes the line a duplicate; all are registered
    when the line is new."""

    lookup: tuple[str, ...]
    register: tuple[str, ...]

    def astuple(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return self.lookup, self.register


@functools.lru_cache(maxsize=4096)
def strong_reference(reference: str | None) -> str | None:
    """The bank reference in one spelling when it can identify a transfer, else None.
    Remembered a while: a line's references are asked for again and again, close together
    (reading the line, its keys, its row)."""
    if not reference or len(reference) < 8:
        return None
    cleaned = reference.upper()
    if not (cleaned.isascii() and cleaned.isalnum()):
        cleaned = _NOT_ALNUM.sub("", cleaned)
    if len(cleaned) < 8:
        return None
    digits = len(cleaned) - len(cleaned.translate(_NO_DIGITS))
    return cleaned if digits >= 6 else None


def _hash(kind: str, *parts: object) -> str:
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=20)
    return f"{kind}:{digest.hexdigest()}"


def compact_memo(text: str) -> str:
    """`compact`, with a fast path for ASCII text (most memos): the same letters and digits
    (and the same as matching's `BankLineView.compact_memo`: reading a statement works it
    out once for both)."""
    if text.isascii():
        return _NOT_ALNUM.sub("", text.upper())
    return compact(text)


def source_key(source: str, source_id: str) -> str:
    return _hash(f"src:{source}", source_id)


def key_kind(key: str) -> str:
    """ "src:sepay", "ref", "fpn": what a key was built from."""
    return key.rpartition(":")[0]


def reference_keys(
    account: str,
    direction: str,
    amount: int,
    references: Iterable[str | None],
    days: Sequence[date],
) -> list[str]:
    strong = dict.fromkeys(r for r in map(strong_reference, references) if r)
    return [_hash("ref", account, direction, amount, ref, day) for ref in strong for day in days]


def fingerprint_base(
    account: str,
    booked_on: date,
    direction: str,
    amount: int,
    memo: str,
    *,
    compacted: str | None = None,
) -> str:
    """The fingerprint before its occurrence is numbered (`compacted`: `compact_memo(memo)`,
    when worked out already)."""
    squeezed = compact_memo(memo) if compacted is None else compacted
    return _hash("fp", account, booked_on.isoformat(), direction, amount, squeezed)


def fingerprint_key(base: str, occurrence: int) -> str:
    return _hash("fpn", base, occurrence)


@dataclass(frozen=True)
class KeyedLine:
    account: str
    """"<fund>/<bank account key>"."""
    booked_on: date
    direction: str
    amount: int
    memo: str
    references: tuple[str | None, ...] = ()


def statement_keys(lines: Sequence[KeyedLine]) -> list[LineKeys]:
    """Keys of a statement's lines, in order. Occurrences are counted within the statement;
    a reference repeated inside one statement is registered by its first line only (the
    statement lists distinct transfers; the bank's own line order decides)."""
    return StatementKeys().of(lines)


KeyParts = tuple[str, list[str]]
"""What a line's keys are made of before its fingerprint is numbered: the fingerprint's base
and the line's reference keys (`key_parts`)."""


def key_parts(line: KeyedLine, compacted: str | None = None) -> KeyParts:
    """The hashes of a line's keys that depend on the line alone (pure: made anywhere, in
    any order); `StatementKeys.numbered` then numbers the fingerprints in statement order.
    `compacted`: `compact_memo(line.memo)`, when worked out already."""
    base = fingerprint_base(
        line.account, line.booked_on, line.direction, line.amount, line.memo, compacted=compacted
    )
    refs = reference_keys(
        line.account, line.direction, line.amount, line.references, [line.booked_on]
    )
    return base, refs


class StatementKeys:
    """`statement_keys` of a statement read a part at a time: the parts, given in order,
    get the keys the whole statement would."""

    def __init__(self) -> None:
        self._seen: Counter[str] = Counter()
        self._registered: set[str] = set()

    def state(self) -> tuple[dict[str, int], set[str]]:
        """What the keys of the parts so far leave for the next (`resume`)."""
        return dict(self._seen), self._registered

    def resume(self, state: tuple[dict[str, int], set[str]]) -> None:
        """Go on from `state`, the `state()` of the keys of the parts before (made elsewhere)."""
        seen, registered = state
        self._seen = Counter(seen)
        self._registered = set(registered)

    def of(self, lines: Iterable[KeyedLine]) -> list[LineKeys]:
        return self.numbered(map(key_parts, lines))

    def numbered(self, parts: Iterable[KeyParts]) -> list[LineKeys]:
        """The keys of lines given by their `key_parts`, in statement order."""
        seen, registered = self._seen, self._registered
        result = []
        for base, refs in parts:
            seen[base] += 1
            fingerprint = fingerprint_key(base, seen[base])
            fresh_refs = [r for r in refs if r not in registered]
            registered.update(fresh_refs)
            result.append(LineKeys((*refs, fingerprint), (*fresh_refs, fingerprint)))
        return result


def webhook_keys(line: KeyedLine, *, source: str, source_id: str) -> LineKeys:
    """Keys of a transfer notified by a webhook, but its fingerprint: the provider's id and
    the bank's reference on the booking day and the next. Without a strong reference the
    handler finds the fingerprint's occurrence (`fingerprint_key`) among what is stored."""
    refs = reference_keys(
        line.account,
        line.direction,
        line.amount,
        line.references,
        [line.booked_on, line.booked_on + timedelta(days=1)],
    )
    keys = (source_key(source, source_id), *refs)
    return LineKeys(keys, keys)
