"""The public statement (sao kê): what one line shows, how it is searched, what never shows.

Every donation is a line (the donor's public name or "Nhà hảo tâm ẩn danh", the amount, the
date, the purpose, the memo as donations masked it); every reversal is a line of its own with
a negative amount on the date it was booked, so that the lines of a period add up to the
ledger of that period and a published line is never rewritten; every disbursement is a line
(purpose, groups of children, commune, amount, the public description — never a name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from baotro_shared.text import fold_lower

ANONYMOUS = "Nhà hảo tâm ẩn danh"
MIN_MASKED_DIGITS = 8
MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000
"""Pages reach this many lines at most (bounded offset); narrower searches find the rest."""
MAX_QUERY_LENGTH = 100

# digits, possibly grouped by single dots, dashes or spaces: "3500.431.101.000.909",
# "0912 345 678", "0011001932418"
_DIGIT_RUN = re.compile(r"\d(?:[.\- ]?\d)*")


class LineKind:
    DONATION = "donation"
    REVERSAL = "reversal"
    DISBURSEMENT = "disbursement"


def shown_amount(kind: str, amount: int) -> int:
    """The amount as a line shows it: a gift adds, a reversal or a disbursement takes away
    (lines store every amount positive)."""
    return amount if kind == LineKind.DONATION else -amount


def mask_numbers(text: str) -> str:
    """Any run of 8 digits or more (account, phone, ID numbers) becomes asterisks.

    Donations already masks the memo it publishes; this is the second lock on the door.
    Separators inside a run count as part of it, so a dotted account number is masked too.
    """

    def _mask(match: re.Match[str]) -> str:
        run = match.group(0)
        digits = sum(symbol.isdigit() for symbol in run)
        return "*" * digits if digits >= MIN_MASKED_DIGITS else run

    return _DIGIT_RUN.sub(_mask, text)


def public_name(display_name: str | None, *, anonymous: bool) -> str:
    """The name the public reads: the donor's display name only when they allow it."""
    if anonymous or not display_name or not display_name.strip():
        return ANONYMOUS
    return mask_numbers(" ".join(display_name.split()))


def public_memo(memo: str | None) -> str:
    return mask_numbers(" ".join(memo.split())) if memo else ""


def search_text(*parts: str) -> str:
    """The folded column searches run on: "Nguyễn Văn A ủng hộ" → "nguyen van a ung ho"."""
    return fold_lower(" ".join(p for p in parts if p))


def like_pattern(query: str) -> str | None:
    """`%folded query%` with LIKE's wildcards escaped (escape character `\\`); None if blank."""
    folded = fold_lower(query)[:MAX_QUERY_LENGTH]
    if not folded:
        return None
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class StatementQueryError(ValueError):
    """A search that cannot run; `message` is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class StatementQuery:
    """A search of the statement: words (phrase, folded), amount range, date range, page."""

    fund_code: str | None = None
    text: str | None = None
    min_amount: int | None = None
    max_amount: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    kind: str | None = None
    page: int = 1
    size: int = 20

    def __post_init__(self) -> None:
        if self.page < 1:
            raise StatementQueryError("Số trang phải từ 1 trở lên.")
        if not 1 <= self.size <= MAX_PAGE_SIZE:
            raise StatementQueryError(f"Mỗi trang có từ 1 đến {MAX_PAGE_SIZE} dòng.")
        if self.page * self.size > MAX_RESULT_WINDOW:
            raise StatementQueryError(
                f"Chỉ xem được {MAX_RESULT_WINDOW:,} dòng đầu tiên của một lần tìm; ".replace(
                    ",", "."
                )
                + "hãy thu hẹp tìm kiếm (tên, số tiền, ngày) hoặc tải tệp CSV."
            )
        for value in (self.min_amount, self.max_amount):
            if value is not None and value < 0:
                raise StatementQueryError("Số tiền tìm kiếm không được âm.")
        if (
            self.min_amount is not None
            and self.max_amount is not None
            and self.min_amount > self.max_amount
        ):
            raise StatementQueryError("Số tiền “từ” phải nhỏ hơn hoặc bằng số tiền “đến”.")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise StatementQueryError("Ngày “từ” phải trước hoặc bằng ngày “đến”.")
        if self.kind is not None and self.kind not in ("in", "out"):
            raise StatementQueryError("Loại dòng phải là “in” (thu) hoặc “out” (chi).")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def pattern(self) -> str | None:
        return like_pattern(self.text) if self.text else None


class StatementLine(NamedTuple):
    """One line as the public sees it (amount signed: a reversal is negative). A named tuple:
    a page makes twenty of them per search, and a frozen dataclass took four times as long
    to make (profiled)."""

    id: int
    kind: str
    fund_code: str
    on: date
    name: str
    amount: int
    purpose: str
    memo: str

    @property
    def is_receipt(self) -> bool:
        return self.kind in (LineKind.DONATION, LineKind.REVERSAL)


@dataclass(frozen=True)
class StatementPage:
    lines: list[StatementLine]
    page: int
    size: int
    total: int
    total_is_exact: bool
    """False when there are more than MAX_RESULT_WINDOW matches (total is then that cap)."""

    @property
    def has_next(self) -> bool:
        return self.page * self.size < self.total

    @property
    def last_page(self) -> int:
        return max(1, -(-self.total // self.size))
