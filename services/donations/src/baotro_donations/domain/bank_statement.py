"""Bank statement lines as every reader produces them, and the parsing of the fields Vietnamese
banks write differently: amounts ("1.000.000", "1,000,000", "1.000.000,00", "50.000 VND")
and dates ("01/09/2024", "2024-09-01", "01-09-2024 10:46:12").

A line that cannot be read is not guessed: the reader reports it as rejected with a
Vietnamese reason and its raw text, and the other lines go on.
"""

from __future__ import annotations

import enum
import functools
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


_new = object.__new__
_set = object.__setattr__


def new_statement_line(
    line_no: int,
    booked_on: date,
    amount: int,
    direction: Direction,
    memo: str,
    raw: str,
    booked_at: time | None = None,
    bank_reference: str | None = None,
    document_number: str | None = None,
    balance: int | None = None,
    counterparty: str | None = None,
    counter_account: str | None = None,
    currency: str = "VND",
) -> StatementLine:
    """`StatementLine(...)` at two thirds of its cost, for readers of 200,000-line statements:
    the `__init__` of a frozen dataclass looks `object.__setattr__` up again for every field.
    Sets every field in order (a test compares it with the dataclass); would skip a
    `__post_init__`, which the line does not have."""
    line: StatementLine = _new(StatementLine)
    _set(line, "line_no", line_no)
    _set(line, "booked_on", booked_on)
    _set(line, "amount", amount)
    _set(line, "direction", direction)
    _set(line, "memo", memo)
    _set(line, "raw", raw)
    _set(line, "booked_at", booked_at)
    _set(line, "bank_reference", bank_reference)
    _set(line, "document_number", document_number)
    _set(line, "balance", balance)
    _set(line, "counterparty", counterparty)
    _set(line, "counter_account", counter_account)
    _set(line, "currency", currency)
    return line


@dataclass(frozen=True)
class RejectedLine:
    line_no: int
    reason: str
    raw: str


Thousands = str
"""The thousands separator of a profile: ".", "," or "" (auto)."""

_AMOUNT_NOISE = re.compile(r"\s|VND|VNĐ|đ|₫", re.I)
_PLAIN = re.compile(r"^\d+$")
_GROUPED = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+")
"""Whole đồng in groups of three ("1.000.000", "1,000,000") or plain: what inference reads
as thousands, so the shortcut gives what the full parse would."""


def parse_amount(text: str, thousands: Thousands = "") -> int | None:
    """Whole đồng from a bank's text; None for an empty cell. Refuses fractions of a đồng
    other than zero and anything that is not a number.

    With `thousands` "" the separator is inferred: both "." and "," present → the last one
    is the decimal mark; one of them in groups of three → thousands.
    """
    if not text:
        return None
    # Shortcuts for the shapes of nearly every cell; they give what the full parse gives.
    if thousands in (".", ","):
        digits = text.replace(thousands, "")
        if digits.isdigit() and digits.isascii():
            return int(digits)
    elif not thousands and _GROUPED.fullmatch(text):
        return int(text.replace(".", "").replace(",", ""))
    cleaned = _AMOUNT_NOISE.sub("", text).lstrip("+")
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
    return _parse_date(text)


@functools.lru_cache(maxsize=4096)
def _parse_date(text: str) -> tuple[date, time | None] | None:
    # Cached: a statement repeats a few dates over thousands of lines, and strptime is slow.
    # Dates and times are immutable, so lines can share them; errors are not cached.
    cleaned = " ".join((text or "").split())
    if not cleaned:
        return None
    day_text, _, time_text = cleaned.partition(" ")
    day = _first(day_text, _DATE_FORMATS)
    if day is None:
        raise StatementError(f"Ngày «{cleaned}» không đọc được (cần dạng dd/mm/yyyy).")
    moment = _first(time_text, _TIME_FORMATS) if time_text else None
    return day.date(), moment.time() if moment else None


_HH_MM_SS = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]")


def parse_time(text: str) -> time | None:
    """The time of "10:46:12" or "10:46"; None when empty."""
    cleaned = (text or "").strip()
    if not cleaned:
        return None
    # "hh:mm:ss" without strptime (nearly every line has its own time, so caching would not
    # help); anything else goes the slow, general way.
    if _HH_MM_SS.fullmatch(cleaned) is not None:
        return time.fromisoformat(cleaned)
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
