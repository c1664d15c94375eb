"""Payers' names compared with the donors' in one go (`nearest_donors`, rapidfuzz's `cdist`)
say what rapidfuzz's `extractOne` says of each name: the same donor, the same score, the
same first of equally near donors, nothing under the cutoff."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from baotro_donations.domain.matching import (
    NAME_CUTOFF,
    NameMatch,
    nearest_donor,
    nearest_donors,
    sorted_words,
)

# Few syllables: names repeat, differ by a word or a letter, and tie.
SYLLABLES = ["NGUYEN", "VAN", "AN", "ANH", "THI", "HOA", "HOAN", "LE", "TRAN", "MINH", "MIN"]
names = st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=4).map(" ".join)


@given(
    payers=st.lists(names, max_size=12),
    donors=st.lists(names, max_size=12),
)
def test_nearest_donors_say_what_extract_one_says_of_each_name(
    payers: list[str], donors: list[str]
) -> None:
    sorted_donors = {uuid.UUID(int=i + 1): sorted_words(name) for i, name in enumerate(donors)}

    together = nearest_donors(payers, sorted_donors)

    assert together == [_one_by_one(name, sorted_donors) for name in payers]
    assert [nearest_donor(name, sorted_donors) for name in payers] == together


def _one_by_one(name: str, sorted_donors: dict[uuid.UUID, str]) -> NameMatch:
    best = process.extractOne(
        sorted_words(name), sorted_donors, scorer=fuzz.ratio, score_cutoff=NAME_CUTOFF
    )
    return None if best is None else (best[2], best[1])


def test_a_close_name_is_found_and_a_far_one_is_not() -> None:
    donors = {uuid.UUID(int=1): sorted_words("NGUYEN THI HOA"), uuid.UUID(int=2): "LE MINH"}

    close, far = nearest_donors(["NGUYEN THI HOAN", "TRAN VAN AN"], donors)

    assert close is not None
    assert close[0] == uuid.UUID(int=1)
    assert NAME_CUTOFF <= close[1] < 100
    assert far is None


def test_no_names_or_no_donors_give_nothing() -> None:
    assert nearest_donors([], {uuid.UUID(int=1): "AN"}) == []
    assert nearest_donors(["AN", "HOA"], {}) == [None, None]
