"""Amount ranges in the public statement's word vector: bucket words, and the buckets that
cover a range.

Each line's vector holds three words for its amount (migration 0004, `statement_words`):
its number of digits ("-07" for 2.500.000 đ), that and its first digit ("-072"), that and
its first two digits ("-0725"). A range is covered by the fewest buckets that hold every
amount in it: whole magnitudes, then first digits, then first two digits at the edges. The
cover may hold a little more than the range (an edge bucket "-0725" is 2.500.000 to
2.599.999): the amount itself is checked on the lines the index hands over. So a search of
words and an amount range is one GIN lookup (`'nguyenzvan' & ('-065' | '-066' | …)`) instead
of the words' lines ANDed with a bitmap of the hundreds of thousands of lines the amount
index finds. Words never start with "-": no typed word matches a bucket.
"""

from __future__ import annotations

MAX_DIGITS = 15
"""The largest amount a search takes has 15 digits (`statement_params.parse_amount`)."""


def _bucket(digits: int, prefix: str = "") -> str:
    return f"-{digits:02d}{prefix}"


def _width(digits: int, prefix_length: int) -> int:
    """How many amounts share a prefix of `prefix_length` digits among `digits`-digit ones."""
    return int("1" + "0" * (digits - prefix_length))


def _cover(low: int, high: int, digits: int, prefix: str) -> list[str]:
    """Buckets under `prefix` (of `digits`-digit amounts) covering [low, high] ∩ the prefix."""
    width = _width(digits, len(prefix))
    start = int(prefix) * width if prefix else (10 ** (digits - 1) if digits > 1 else 0)
    end = (int(prefix) + 1) * width - 1 if prefix else 10**digits - 1
    low, high = max(low, start), min(high, end)
    if low > high:
        return []
    if (low, high) == (start, end) or len(prefix) == 2 or len(prefix) == digits:
        return [_bucket(digits, prefix)]
    first = str(low)[len(prefix)]
    last = str(high)[len(prefix)]
    found: list[str] = []
    for digit in range(int(first), int(last) + 1):
        found += _cover(low, high, digits, prefix + str(digit))
    return found


def amount_buckets(low: int | None, high: int | None) -> list[str]:
    """The bucket words covering amounts from `low` to `high` (either may be open); empty
    when no amount can be in the range."""
    low = max(low or 0, 0)
    high = min(high if high is not None else 10**MAX_DIGITS - 1, 10**MAX_DIGITS - 1)
    if low > high:
        return []
    found: list[str] = []
    for digits in range(len(str(low)), len(str(high)) + 1):
        found += _cover(low, high, digits, "")
    return found


def amount_tsquery(low: int | None, high: int | None) -> str | None:
    """`('-065' | '-066' | …)` for the range, None when no amount can be in it."""
    buckets = amount_buckets(low, high)
    if not buckets:
        return None
    return "(" + " | ".join(f"'{bucket}'" for bucket in buckets) + ")"
