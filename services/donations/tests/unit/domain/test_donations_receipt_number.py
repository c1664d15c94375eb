"""Receipt numbers: "TH-2026-000123" formatted and parsed back, malformed input refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from baotro_donations.domain.receipt_number import (
    ReceiptNumber,
    ReceiptNumberError,
    format_receipt_number,
    parse_receipt_number,
)


def test_formats_with_a_six_digit_zero_padded_sequence() -> None:
    assert format_receipt_number("TH", 2026, 123) == "TH-2026-000123"
    assert format_receipt_number("TH-X14797", 2027, 1) == "TH-X14797-2027-000001"


def test_sequence_past_six_digits_grows_longer() -> None:
    assert format_receipt_number("TH", 2026, 1_234_567) == "TH-2026-1234567"


def test_parses_back_into_its_parts() -> None:
    assert parse_receipt_number("TH-2026-000123") == ReceiptNumber("TH", 2026, 123)
    fund, year, seq = parse_receipt_number("TH-X14797-2027-000001")
    assert (fund, year, seq) == ("TH-X14797", 2027, 1)


def test_parser_tolerates_spaces_and_lower_case() -> None:
    assert parse_receipt_number("  th-2026-000123 \n") == ReceiptNumber("TH", 2026, 123)


def test_str_of_a_parsed_number_is_canonical() -> None:
    assert str(ReceiptNumber("TH", 2026, 42)) == "TH-2026-000042"


@pytest.mark.parametrize(
    ("fund_code", "year", "seq", "message"),
    [
        ("th", 2026, 1, "Mã quỹ"),
        ("", 2026, 1, "Mã quỹ"),
        ("TH_1", 2026, 1, "Mã quỹ"),
        ("TH", 1999, 1, "Năm"),
        ("TH", 10_000, 1, "Năm"),
        ("TH", 2026, 0, "Số thứ tự"),
        ("TH", 2026, -1, "Số thứ tự"),
        ("TH", 2026, True, "Số thứ tự"),
    ],
)
def test_format_refuses_bad_parts(fund_code: str, year: int, seq: int, message: str) -> None:
    with pytest.raises(ReceiptNumberError, match=message):
        format_receipt_number(fund_code, year, seq)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "TH2026000123",
        "TH-2026-123",  # not zero-padded
        "TH-2026-0001234",  # padded beyond six digits
        "TH-2026-000000",  # sequences start at 1
        "TH-26-000123",
        "TH-1999-000123",
        "TH-2026-000123-1",
        "TH 2026 000123",
        "-2026-000123",
        "TH--X-2026-000123",
        "TH-2026-00012a",
        "TH-2026-٠٠٠١٢٣",  # Arabic-Indic digits
        "Tſ-2026-000123",  # long s upper-cases to an ASCII S
    ],
)
def test_parser_refuses_anything_but_the_canonical_form(text: str) -> None:
    with pytest.raises(ReceiptNumberError, match="Số biên lai không hợp lệ"):
        parse_receipt_number(text)


def test_parser_error_shows_the_expected_form() -> None:
    with pytest.raises(ReceiptNumberError) as refused:
        parse_receipt_number("TH-2026-123")
    assert refused.value.message == (
        "Số biên lai không hợp lệ: “TH-2026-123” (đúng dạng: TH-2026-000123)."
    )


fund_codes = st.from_regex(r"\A[A-Z][A-Z0-9]{0,5}(-[A-Z0-9]{1,4}){0,2}\Z")


@settings(max_examples=200)
@given(fund_codes, st.integers(2000, 9999), st.integers(1, 10**9))
def test_format_then_parse_is_the_identity(fund_code: str, year: int, seq: int) -> None:
    text = format_receipt_number(fund_code, year, seq)
    assert parse_receipt_number(text) == ReceiptNumber(fund_code, year, seq)
    assert str(parse_receipt_number(text)) == text


@settings(max_examples=200)
@given(fund_codes, st.integers(2000, 9999), st.integers(1, 999_998))
def test_numbers_of_one_fund_and_year_sort_by_sequence(fund_code: str, year: int, seq: int) -> None:
    assert format_receipt_number(fund_code, year, seq) < format_receipt_number(
        fund_code, year, seq + 1
    )


@settings(max_examples=200)
@given(st.text(max_size=30))
def test_parser_accepts_only_what_it_can_write_back(text: str) -> None:
    try:
        number = parse_receipt_number(text)
    except ReceiptNumberError:
        return
    assert str(number) == text.strip().upper()
