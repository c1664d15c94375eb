"""What a public statement line may show, and which searches are accepted."""

from __future__ import annotations

from datetime import date

import pytest

from baotro_reporting.domain.statement import (
    ANONYMOUS,
    StatementQuery,
    StatementQueryError,
    like_pattern,
    mask_numbers,
    public_memo,
    public_name,
    search_text,
)


@pytest.mark.parametrize(
    ("memo", "expected"),
    [
        ("CT tu 0011001932418 toi", "CT tu ************* toi"),
        ("TK 3500.431.101.000.909 Agribank", "TK **************** Agribank"),
        ("goi 0912 345 678 nhe", "goi ********** nhe"),
        ("CCCD 038216004321", "CCCD ************"),
        ("ung ho 500000 dong", "ung ho 500000 dong"),
        ("ngay 10/09/2024 ung ho 1.000.000", "ngay 10/09/2024 ung ho 1.000.000"),
        ("ma 1234567 va 12345678", "ma 1234567 va ********"),
    ],
)
def test_runs_of_eight_digits_or_more_are_masked(memo: str, expected: str) -> None:
    assert mask_numbers(memo) == expected


def test_an_anonymous_donor_is_never_named_even_when_a_name_travels() -> None:
    assert public_name("Trần Thị Bí Mật", anonymous=True) == ANONYMOUS
    assert public_name(None, anonymous=False) == ANONYMOUS
    assert public_name("   ", anonymous=False) == ANONYMOUS
    assert public_name("Công ty  Minh Phát", anonymous=False) == "Công ty Minh Phát"


def test_a_memo_keeps_its_words_and_loses_its_line_breaks() -> None:
    assert public_memo("CT nhanh 247 den: TRAN TIEN ANH chuyen\ntien") == (
        "CT nhanh 247 den: TRAN TIEN ANH chuyen tien"
    )
    assert public_memo(None) == ""


def test_search_text_is_folded_without_diacritics_and_lower_case() -> None:
    assert search_text("NGUYỄN VĂN A", "Ủng hộ ĐỒNG BÀO") == "nguyen van a ung ho dong bao"


def test_like_pattern_folds_the_query_and_escapes_wildcards() -> None:
    assert like_pattern("Nguyễn Văn A") == "%nguyen van a%"
    assert like_pattern("100%_x") == "%100\\%\\_x%"
    assert like_pattern("   ") is None


@pytest.mark.parametrize(
    "arguments",
    [
        {"page": 0},
        {"size": 0},
        {"size": 101},
        {"page": 501, "size": 20},
        {"min_amount": -1},
        {"min_amount": 10, "max_amount": 5},
        {"date_from": date(2024, 9, 10), "date_to": date(2024, 9, 1)},
        {"kind": "sideways"},
    ],
)
def test_searches_that_cannot_run_are_refused_in_vietnamese(arguments: dict[str, object]) -> None:
    with pytest.raises(StatementQueryError) as refused:
        StatementQuery(**arguments)  # type: ignore[arg-type]
    assert refused.value.message[0].isupper()


def test_pages_are_offsets_within_the_result_window() -> None:
    assert StatementQuery(page=3, size=20).offset == 40
    assert StatementQuery(page=500, size=20).offset == 9_980
