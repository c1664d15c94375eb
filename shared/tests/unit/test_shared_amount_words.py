"""Amounts in figures and in Vietnamese words, and the fix-ups over num2words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from num2words import num2words  # type: ignore[import-untyped]

from baotro_shared.amount_words import (
    MAX_AMOUNT,
    AmountError,
    amount_in_figures,
    amount_in_words,
    number_in_words,
)


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (1, "Một đồng"),
        (5, "Năm đồng"),
        (10, "Mười đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (25, "Hai mươi lăm đồng"),
        (105, "Một trăm linh năm đồng"),
        (110, "Một trăm mười đồng"),
        (1_000, "Một nghìn đồng"),
        (1_000_000, "Một triệu đồng"),
        (1_250_000, "Một triệu hai trăm năm mươi nghìn đồng"),
        (2_000_000_000, "Hai tỷ đồng"),
    ],
)
def test_amounts_in_words(amount: int, words: str) -> None:
    assert amount_in_words(amount) == words


@pytest.mark.parametrize(
    ("amount", "ours", "num2words_says"),
    [
        (1_010, "một nghìn không trăm mười", "một nghìn lẻ mười"),
        (1_015, "một nghìn không trăm mười lăm", "một nghìn lẻ mười lăm"),
        (5_000_021, "năm triệu không trăm hai mươi mốt", "năm triệu lẻ hai mươi mốt"),
        (1_000_005, "một triệu không trăm linh năm", "một triệu lẻ năm"),
        (10**15, "một triệu tỷ", "một trăm nghìn tỷ"),
    ],
)
def test_fix_ups_over_num2words(amount: int, ours: str, num2words_says: str) -> None:
    assert num2words(amount, lang="vi") == num2words_says
    assert number_in_words(amount) == ours


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (1_001, "một nghìn không trăm linh một"),
        (1_001_000, "một triệu không trăm linh một nghìn"),
        (1_000_100, "một triệu một trăm"),
        (2_500_000_000, "hai tỷ năm trăm triệu"),
        (1_000_000_000_005, "một nghìn tỷ không trăm linh năm"),
        (1_001_000_000_000, "một nghìn không trăm linh một tỷ"),
        (
            MAX_AMOUNT,
            "chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn chín trăm "
            "chín mươi chín tỷ chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn "
            "chín trăm chín mươi chín",
        ),
    ],
)
def test_groups_after_a_higher_group_are_read_in_full(amount: int, words: str) -> None:
    assert number_in_words(amount) == words


def test_the_southern_reading_says_le() -> None:
    assert amount_in_words(105, odd_word="lẻ") == "Một trăm lẻ năm đồng"
    assert number_in_words(1_000_005, odd_word="lẻ") == "một triệu không trăm lẻ năm"


def test_num2words_reads_the_northern_thousand_and_the_lam_mot_forms() -> None:
    """What num2words 0.5.14 really says for vi, relied on for every group of three digits."""
    assert num2words(1_000, lang="vi") == "một nghìn"
    assert num2words(15, lang="vi") == "mười lăm"
    assert num2words(11, lang="vi") == "mười một"
    assert num2words(41, lang="vi") == "bốn mươi mốt"
    assert num2words(105, lang="vi") == "một trăm lẻ năm"
    assert num2words(24, lang="vi") == "hai mươi bốn"


@given(st.integers(min_value=1, max_value=999))
def test_groups_below_a_thousand_are_num2words_with_linh(number: int) -> None:
    expected = str(num2words(number, lang="vi")).replace("lẻ", "linh")
    assert number_in_words(number) == expected


@given(st.integers(min_value=0, max_value=MAX_AMOUNT))
def test_every_amount_reads_as_well_formed_words(amount: int) -> None:
    words = amount_in_words(amount)
    assert words[0].isupper()
    assert words.endswith(" đồng")
    assert "  " not in words
    assert "lẻ" not in words
    assert (" không " in f" {words.lower()} ") == (amount == 0 or _has_inner_empty_hundreds(amount))


def _has_inner_empty_hundreds(amount: int) -> bool:
    """Whether some non-zero group of three digits below the leading one is below 100."""
    groups = []
    while amount:
        amount, group = divmod(amount, 1000)
        groups.append(group)
    return any(0 < group < 100 for group in groups[:-1])


@pytest.mark.parametrize(
    ("amount", "figures"),
    [
        (0, "0 đồng"),
        (500, "500 đồng"),
        (1_000, "1.000 đồng"),
        (1_250_000, "1.250.000 đồng"),
        (2_000_000_000, "2.000.000.000 đồng"),
    ],
)
def test_amounts_in_figures(amount: int, figures: str) -> None:
    assert amount_in_figures(amount) == figures


@pytest.mark.parametrize("amount", [-1, -1_250_000])
def test_negative_amounts_are_refused(amount: int) -> None:
    with pytest.raises(AmountError, match="không được âm"):
        amount_in_words(amount)
    with pytest.raises(AmountError, match="không được âm"):
        amount_in_figures(amount)


@pytest.mark.parametrize("amount", [1.5, True, "1000"])
def test_amounts_that_are_not_whole_dong_are_refused(amount: object) -> None:
    with pytest.raises(AmountError, match="số nguyên"):
        amount_in_words(amount)  # type: ignore[arg-type]


def test_amounts_too_large_to_read_are_refused() -> None:
    with pytest.raises(AmountError, match="quá lớn"):
        amount_in_words(MAX_AMOUNT + 1)
