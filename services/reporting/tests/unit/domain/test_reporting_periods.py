"""Report periods: a month, a quarter or a year, written the way people write them."""

from __future__ import annotations

from datetime import date

import pytest

from baotro_reporting.domain.periods import PeriodError, parse_period


def test_a_month() -> None:
    period = parse_period("2026-02")
    assert (period.start, period.end, period.label) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
        "Tháng 2/2026",
    )
    assert period.months() == [date(2026, 2, 1)]


def test_a_quarter() -> None:
    period = parse_period("2026-q2")
    assert (period.code, period.start, period.end, period.label) == (
        "2026-Q2",
        date(2026, 4, 1),
        date(2026, 6, 30),
        "Quý II/2026",
    )
    assert parse_period("2026-Q4").end == date(2026, 12, 31)


def test_a_year_has_twelve_months() -> None:
    period = parse_period("2026")
    assert (period.start, period.end, period.label) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
        "Năm 2026",
    )
    assert len(period.months()) == 12


@pytest.mark.parametrize("code", ["2026-13", "2026-Q5", "26", "1999", "2026/06", ""])
def test_other_periods_are_refused(code: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(code)
