"""Amounts and dates as Vietnamese banks write them."""

from __future__ import annotations

import dataclasses
from datetime import date, time

import pytest

from baotro_donations.domain.bank_statement import (
    Direction,
    StatementError,
    StatementLine,
    new_statement_line,
    parse_amount,
    parse_date,
    parse_time,
)


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
        # the shortcut for plain groups gives what the full parse gives
        ("00.000", ".", 0),
        ("1..000", ".", 1_000),
        ("1.000,000", "", 1_000),
        ("1,000.000", "", 1_000),
        ("١٢٣", ",", 123),
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


def test_a_date_read_again_is_the_same_and_an_unreadable_one_is_refused_again() -> None:
    assert parse_date("10/09/2024") == parse_date("10/09/2024") == (date(2024, 9, 10), None)
    for _ in range(2):
        with pytest.raises(StatementError, match="Ngày «32/09/2024» không đọc được"):
            parse_date("32/09/2024")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12:01:29", time(12, 1, 29)),
        ("00:00:00", time(0, 0, 0)),
        ("23:59:59", time(23, 59, 59)),
        (" 08:15:00 ", time(8, 15, 0)),
        ("9:05:01", time(9, 5, 1)),
        ("10:46", time(10, 46)),
        ("", None),
    ],
)
def test_times(text: str, expected: time | None) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00:00", "12:60:00", "12:00:60", "12h00", "12:01:29.5"])
def test_unreadable_times_are_refused_in_vietnamese(text: str) -> None:
    with pytest.raises(StatementError, match=f"Giờ «{text}» không đọc được"):
        parse_time(text)


def test_a_line_built_fast_is_the_line_the_dataclass_builds() -> None:
    values = {
        "line_no": 7,
        "booked_on": date(2024, 9, 1),
        "amount": 50_000,
        "direction": Direction.CREDIT,
        "memo": "xin cam on",
        "raw": "1,01/09/2024,5213.45946,,50.000,,xin cam on",
        "booked_at": time(10, 46, 12),
        "bank_reference": "FT1",
        "document_number": "5213.45946",
        "balance": 1_000_000,
        "counterparty": "NGUYEN VAN A",
        "counter_account": "0011001932418",
        "currency": "VND",
    }
    assert list(values) == [f.name for f in dataclasses.fields(StatementLine)]
    assert not hasattr(StatementLine, "__post_init__")
    fast, built = new_statement_line(**values), StatementLine(**values)  # type: ignore[arg-type]
    assert vars(fast) == vars(built)
    assert (fast, hash(fast), repr(fast)) == (built, hash(built), repr(built))
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.amount = 1  # type: ignore[misc]
