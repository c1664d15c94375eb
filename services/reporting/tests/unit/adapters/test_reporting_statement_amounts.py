"""The amount buckets of the word vector and the buckets that cover a range (pure)."""

from __future__ import annotations

import random

import pytest

from baotro_reporting.adapters.statement_amounts import amount_buckets, amount_tsquery


def _own_buckets(amount: int) -> set[str]:
    """The bucket words the generated column gives a line of `amount` (migration 0004)."""
    digits = str(amount)
    magnitude = f"-{len(digits):02d}"
    return {magnitude, magnitude + digits[:1], magnitude + digits[:2]}


def test_a_range_is_covered_by_whole_magnitudes_first_digits_then_two() -> None:
    assert amount_buckets(500_000, 2_500_000) == [
        "-065",
        "-066",
        "-067",
        "-068",
        "-069",
        "-071",
        "-0720",
        "-0721",
        "-0722",
        "-0723",
        "-0724",
        "-0725",
    ]
    assert amount_buckets(1_000_000, None) == [f"-{digits:02d}" for digits in range(7, 16)]
    assert amount_buckets(7, 7) == ["-017"]


def test_an_empty_range_has_no_bucket() -> None:
    assert amount_buckets(500_000, 100_000) == []
    assert amount_tsquery(500_000, 100_000) is None


def test_the_tsquery_is_one_of_the_buckets() -> None:
    assert amount_tsquery(100_000, 199_999) == "('-061')"
    assert amount_tsquery(10_000, 20_000) == "('-051' | '-0520')"


@pytest.mark.parametrize("seed", range(5))
def test_every_amount_in_a_range_has_one_of_its_buckets_in_the_cover(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(400):
        low = rng.choice([None, rng.randrange(10 ** rng.randrange(1, 11))])
        high = rng.choice([None, rng.randrange(10 ** rng.randrange(1, 11))])
        cover = set(amount_buckets(low, high))
        for _ in range(50):
            amount = rng.randrange(10 ** rng.randrange(1, 12))
            inside = (low is None or amount >= low) and (high is None or amount <= high)
            if inside:
                assert _own_buckets(amount) & cover, (low, high, amount)


def test_the_cover_holds_no_bucket_wholly_outside_the_range() -> None:
    cover = amount_buckets(250_000, 260_000)

    assert cover == ["-0625", "-0626"]
