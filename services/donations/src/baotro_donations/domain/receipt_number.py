"""Receipt (biên lai) numbers: `<fund code>-<year>-<sequence>`, e.g. "TH-2026-000123".

Issuing the sequence gap-free per fund per year is the service layer's job (a database
counter under a lock); this module only formats and parses the number.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from baotro_donations.domain.ledger_accounts import FUND_CODE_MAX_LENGTH

SEQUENCE_DIGITS = 6
"""Zero-padded width; a sequence past 999999 simply grows longer."""
YEAR_MIN, YEAR_MAX = 2000, 9999
_FUND_CODE = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$")
_RECEIPT = re.compile(r"^(?P<fund>[A-Z][A-Z0-9-]*)-(?P<year>[0-9]{4})-(?P<seq>[0-9]+)$")


class ReceiptNumberError(ValueError):
    """A malformed receipt number or part; the message is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ReceiptNumber(NamedTuple):
    fund_code: str
    year: int
    seq: int

    def __str__(self) -> str:
        return format_receipt_number(self.fund_code, self.year, self.seq)


def format_receipt_number(fund_code: str, year: int, seq: int) -> str:
    """`("TH", 2026, 123)` → "TH-2026-000123"."""
    if len(fund_code) > FUND_CODE_MAX_LENGTH or not _FUND_CODE.match(fund_code):
        raise ReceiptNumberError(
            "Mã quỹ trên biên lai gồm chữ in hoa và chữ số, bắt đầu bằng chữ, "
            f"có thể nối bằng '-' (tối đa {FUND_CODE_MAX_LENGTH} ký tự)."
        )
    if isinstance(year, bool) or not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        raise ReceiptNumberError(f"Năm trên biên lai phải từ {YEAR_MIN} đến {YEAR_MAX}.")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise ReceiptNumberError("Số thứ tự biên lai phải là số nguyên từ 1 trở lên.")
    return f"{fund_code}-{year}-{seq:0{SEQUENCE_DIGITS}d}"


def parse_receipt_number(text: str) -> ReceiptNumber:
    """ "TH-2026-000123" → `ReceiptNumber("TH", 2026, 123)`. Surrounding spaces and lower case
    are tolerated; anything else must be exactly what `format_receipt_number` writes."""
    candidate = text.strip().upper()
    match = _RECEIPT.match(candidate) if text.isascii() else None
    if match is None:
        raise ReceiptNumberError(
            f"Số biên lai không hợp lệ: “{text.strip()}” (đúng dạng: TH-2026-000123)."
        )
    number = ReceiptNumber(match["fund"], int(match["year"]), int(match["seq"]))
    try:
        canonical = str(number)
    except ReceiptNumberError as error:
        raise ReceiptNumberError(f"Số biên lai không hợp lệ: {error.message}") from None
    if canonical != candidate:
        raise ReceiptNumberError(
            f"Số biên lai không hợp lệ: “{text.strip()}” (đúng dạng: {canonical})."
        )
    return number
