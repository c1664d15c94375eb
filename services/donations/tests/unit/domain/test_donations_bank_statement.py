"""Amounts and dates as Vietnamese banks write them."""

from __future__ import annotations

from datetime import date, time

import pytest

from baotro_donations.domain.bank_statement import StatementError, parse_amount, parse_date


@pytest.mark.parametrize(
    ("text", "thousands", "expected"),
    [
        ("50.000", ".", 50_000),
        ("1.000.000", "", 1_000_000),
        ("1,000,000", "", 1_000_000),
        ("500,000", ",", 500_000),
        ("1.250.000,00", "", 1_250_000),
        ("1,250,000.00", "", 1_250_000),
        ("  2.000.000 VND ", "", 2_000_000),
        ("3000", "", 3_000),
        ("-11.000", ".", -11_000),
        ("(11,000)", ",", -11_000),
        ("", "", None),
        ("-", "", None),
    ],
)
def test_amounts(text: str, thousands: str, expected: int | None) -> None:
    assert parse_amount(text, thousands) == expected


@pytest.mark.parametrize("text", ["12,5", "1.000,50", "abc", "1.00.000", "5,581,433,215,x"])
def test_unreadable_amounts_are_refused_in_vietnamese(text: str) -> None:
    with pytest.raises(StatementError, match="Số tiền"):
        parse_amount(text)


def test_dates_and_times() -> None:
    assert parse_date("01/09/2024") == (date(2024, 9, 1), None)
    assert parse_date("2024-09-01 10:46:12") == (date(2024, 9, 1), time(10, 46, 12))
    assert parse_date("01-09-2024") == (date(2024, 9, 1), None)
    assert parse_date("  ") is None
    with pytest.raises(StatementError, match="Ngày «31/02/2024» không đọc được"):
        parse_date("31/02/2024")
