"""Report periods as people write them: "2026-06" (a month), "2026-Q2" (a quarter), "2026"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodError(ValueError):
    """Not a period; `message` is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Period:
    code: str
    start: date
    end: date
    """Inclusive."""
    label: str

    def months(self) -> list[date]:
        """The first day of every month in the period."""
        out: list[date] = []
        day = self.start
        while day <= self.end:
            out.append(day)
            day = _next_month(day)
        return out


def _next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def _year(text: str) -> int:
    year = int(text)
    if not 2000 <= year <= 2100:
        raise PeriodError(f"Năm {year} nằm ngoài khoảng 2000–2100.")
    return year


def parse_period(code: str) -> Period:
    """`"2026-06"` → June 2026, `"2026-Q2"` → April–June, `"2026"` → the year."""
    text = code.strip().upper()
    if match := _MONTH.match(text):
        year, month = _year(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(f"Tháng {month} không tồn tại.")
        start = date(year, month, 1)
        return Period(text, start, _next_month(start) - timedelta(days=1), f"Tháng {month}/{year}")
    if match := _QUARTER.match(text):
        year, quarter = _year(match.group(1)), int(match.group(2))
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        return Period(
            f"{year}-Q{quarter}", start, end - timedelta(days=1), f"Quý {_ROMAN[quarter]}/{year}"
        )
    if match := _YEAR.match(text):
        year = _year(match.group(1))
        return Period(text, date(year, 1, 1), date(year, 12, 31), f"Năm {year}")
    raise PeriodError(
        f"Kỳ báo cáo «{code}» không hợp lệ: dùng tháng (2026-06), quý (2026-Q2) hoặc năm (2026)."
    )
