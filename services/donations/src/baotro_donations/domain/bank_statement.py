"""Bank statement lines as every reader produces them, and the parsing of the fields Vietnamese
banks write differently: amounts ("1.000.000", "1,000,000", "1.000.000,00", "50.000 VND")
and dates ("01/09/2024", "2024-09-01", "01-09-2024 10:46:12").

A line that cannot be read is not guessed: the reader reports it as rejected with a
Vietnamese reason and its raw text, and the other lines go on.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, datetime, time


class StatementError(ValueError):
    """A statement or one of its lines cannot be read; `message` is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Direction(enum.StrEnum):
    CREDIT = "credit"
    """Money in."""
    DEBIT = "debit"
    """Money out (fees, refunds, transfers)."""


@dataclass(frozen=True)
class StatementLine:
    line_no: int
    """1-based position in the file (the first data row of a CSV is its line 2)."""
    booked_on: date
    amount: int
    """Whole đồng, always positive; `direction` tells in or out."""
    direction: Direction
    memo: str
    raw: str
    """The line as read, for inspection."""
    booked_at: time | None = None
    bank_reference: str | None = None
    document_number: str | None = None
    """The bank's DocNo: NOT unique (7,530 repeat within 10 days in the Vietcombank file)."""
    balance: int | None = None
    counterparty: str | None = None
    counter_account: str | None = None
    currency: str = "VND"


@dataclass(frozen=True)
class RejectedLine:
    line_no: int
    reason: str
    raw: str


Thousands = str
"""The thousands separator of a profile: ".", "," or "" (auto)."""

_AMOUNT_NOISE = re.compile(r"\s|VND|VNĐ|đ|₫", re.I)
_PLAIN = re.compile(r"^\d+$")


def parse_amount(text: str, thousands: Thousands = "") -> int | None:
    """Whole đồng from a bank's text; None for an empty cell. Refuses fractions of a đồng
    other than zero and anything that is not a number.

    With `thousands` "" the separator is inferred: both "." and "," present → the last one
    is the decimal mark; one of them in groups of three → thousands.
    """
    cleaned = _AMOUNT_NOISE.sub("", text or "").lstrip("+")
    if not cleaned or cleaned == "-":
        return None
    negative = cleaned.startswith("-") or (cleaned.startswith("(") and cleaned.endswith(")"))
    cleaned = cleaned.strip("-()")
    integer, fraction = _split_decimal(cleaned, thousands)
    if not _PLAIN.match(integer) or (fraction and not _PLAIN.match(fraction)):
        raise StatementError(f"Số tiền «{text.strip()}» không đọc được.")
    if fraction and int(fraction) != 0:
        raise StatementError(f"Số tiền «{text.strip()}» có phần lẻ dưới một đồng.")
    value = int(integer)
    return -value if negative else value


def _split_decimal(text: str, thousands: Thousands) -> tuple[str, str]:
    if thousands:
        decimal = "," if thousands == "." else "."
        integer, _, fraction = text.partition(decimal)
        return integer.replace(thousands, ""), fraction
    last_dot, last_comma = text.rfind("."), text.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        mark = "." if last_dot > last_comma else ","
        other = "," if mark == "." else "."
        integer, _, fraction = text.rpartition(mark)
        return integer.replace(other, ""), fraction
    for mark in (".", ","):
        if mark in text:
            groups = text.split(mark)
            if all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3:
                return "".join(groups), ""
            if len(groups) == 2:
                return groups[0], groups[1]
            raise StatementError(f"Số tiền «{text}» không đọc được.")
    return text, ""


_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d/%m/%y", "%d.%m.%Y", "%Y%m%d")
_TIME_FORMATS = ("%H:%M:%S", "%H:%M")


def parse_date(text: str) -> tuple[date, time | None] | None:
    """(date, time or None) from "01/09/2024", "2024-09-01 10:46:12", ...; None when empty."""
    cleaned = " ".join((text or "").split())
    if not cleaned:
        return None
    day_text, _, time_text = cleaned.partition(" ")
    day = _first(day_text, _DATE_FORMATS)
    if day is None:
        raise StatementError(f"Ngày «{cleaned}» không đọc được (cần dạng dd/mm/yyyy).")
    moment = _first(time_text, _TIME_FORMATS) if time_text else None
    return day.date(), moment.time() if moment else None


def parse_time(text: str) -> time | None:
    cleaned = (text or "").strip()
    if not cleaned:
        return None
    moment = _first(cleaned, _TIME_FORMATS)
    if moment is None:
        raise StatementError(f"Giờ «{cleaned}» không đọc được (cần dạng hh:mm:ss).")
    return moment.time()


def _first(text: str, formats: tuple[str, ...]) -> datetime | None:
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None
