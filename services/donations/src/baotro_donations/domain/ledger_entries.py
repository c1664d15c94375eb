"""Journal entries: immutable, balanced (overall and within each restriction), never edited.

A correction or a refund is a new entry that mirrors the original (`reverses=<id>`).
"""

from __future__ import annotations

import enum
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from baotro_donations.domain.ledger_accounts import (
    RESTRICTED_NET_ASSETS,
    UNRESTRICTED_NET_ASSETS,
    Account,
    LedgerRefusedError,
    Money,
    Restriction,
    check_amount,
    check_date,
    format_date_vi,
    format_dong,
    restriction_label,
)

MEMO_MAX_LENGTH = 500
Day = date
"""`date`, under a name that entries' own `date` field does not hide."""


class Side(enum.StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"

    @property
    def opposite(self) -> Side:
        return Side.CREDIT if self is Side.DEBIT else Side.DEBIT


@dataclass(frozen=True)
class Posting:
    """One line: `amount` đồng (> 0) on one `side` of `account`, for `restriction`."""

    account: Account
    side: Side
    amount: Money
    restriction: Restriction | None = None

    def __post_init__(self) -> None:
        check_amount(self.amount)
        # The two fund-balance accounts say in their name whose money they hold.
        if self.account == UNRESTRICTED_NET_ASSETS and self.restriction is not None:
            raise LedgerRefusedError(
                422, f"Tài khoản {self.account.code} chỉ ghi cho quỹ không hạn chế."
            )
        if self.account == RESTRICTED_NET_ASSETS and self.restriction is None:
            raise LedgerRefusedError(
                422, f"Tài khoản {self.account.code} phải ghi rõ nguồn quỹ có hạn chế."
            )

    @property
    def debit(self) -> Money:
        return self.amount if self.side is Side.DEBIT else 0

    @property
    def credit(self) -> Money:
        return self.amount if self.side is Side.CREDIT else 0

    @property
    def normal_amount(self) -> Money:
        """Signed so that a positive value increases the account's normal balance."""
        increases = (self.side is Side.DEBIT) == self.account.kind.debit_normal
        return self.amount if increases else -self.amount

    def mirrored(self, amount: Money) -> Posting:
        """The same line on the opposite side, for `amount`."""
        return Posting(self.account, self.side.opposite, amount, self.restriction)

    def with_amount(self, amount: Money) -> Posting:
        """The same line for another `amount` (checked): its account and restriction were
        checked when this line was made, so they are not checked again."""
        posting = object.__new__(Posting)
        posting.__dict__.update(self.__dict__, amount=check_amount(amount))
        return posting


@dataclass(frozen=True)
class JournalEntry:
    """An entry of one fund's book. `reverses` links a reversal (refund, correction) to the
    entry it mirrors, fully or in part."""

    id: uuid.UUID
    fund: str
    date: date
    memo: str
    lines: tuple[Posting, ...]
    reverses: uuid.UUID | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.lines))
        check_date(self.date)
        if not self.memo.strip():
            raise LedgerRefusedError(422, "Diễn giải bút toán không được để trống.", field="memo")
        if len(self.memo) > MEMO_MAX_LENGTH:
            raise LedgerRefusedError(
                422, f"Diễn giải bút toán tối đa {MEMO_MAX_LENGTH} ký tự.", field="memo"
            )
        if len(self.lines) < 2:
            raise LedgerRefusedError(
                422, "Bút toán kép phải có ít nhất một dòng Nợ và một dòng Có."
            )
        if not all(isinstance(line, Posting) for line in self.lines):
            raise LedgerRefusedError(422, "Mỗi dòng bút toán phải là một định khoản.")
        debits, credits = self.total_debit, self.total_credit
        if debits != credits:
            raise LedgerRefusedError(
                422,
                f"Bút toán không cân: tổng Nợ {format_dong(debits)} khác tổng Có "
                f"{format_dong(credits)} (chênh lệch {format_dong(abs(debits - credits))}).",
            )
        # Each restriction balances on its own, so no entry can move money between
        # restrictions except explicitly, through the transfer account 390.
        by_restriction: dict[Restriction | None, int] = defaultdict(int)
        for line in self.lines:
            by_restriction[line.restriction] += line.debit - line.credit
        for restriction, difference in by_restriction.items():
            if difference:
                raise LedgerRefusedError(
                    422,
                    f"Bút toán không cân trong {restriction_label(restriction)}: "
                    f"chênh lệch Nợ − Có {format_dong(difference)}.",
                )

    def like(self, *, entry_id: uuid.UUID, day: Day, amount: Money) -> JournalEntry:
        """This simple entry (one debit, one credit line of one restriction) again, with
        another id, date and amount: the new entry balances as this one does, by
        construction, so only the amount and the date are checked (bulk posting of gifts,
        where building and checking every entry anew took most of the time)."""
        if not self.is_simple or self.reverses is not None:
            raise ValueError("only a simple entry that reverses nothing is repeated")
        first, second = self.lines
        entry = object.__new__(JournalEntry)
        entry.__dict__.update(
            id=entry_id,
            fund=self.fund,
            date=check_date(day),
            memo=self.memo,
            lines=(first.with_amount(amount), second.with_amount(amount)),
            reverses=None,
        )
        return entry

    @property
    def total_debit(self) -> Money:
        return sum(line.debit for line in self.lines)

    @property
    def total_credit(self) -> Money:
        return sum(line.credit for line in self.lines)

    @property
    def amount(self) -> Money:
        """The entry's amount: its total debits (= total credits)."""
        return self.total_debit

    @property
    def is_simple(self) -> bool:
        """One debit line and one credit line: the only kind reversible in part."""
        return len(self.lines) == 2


def mirror_lines(original: JournalEntry, amount: Money) -> tuple[Posting, ...]:
    """The lines reversing `amount` of `original`: a simple entry in any part, a compound
    entry only in full (its lines cannot be scaled without rounding)."""
    if original.is_simple:
        return tuple(line.mirrored(amount) for line in original.lines)
    if amount != original.amount:
        raise LedgerRefusedError(
            422,
            "Bút toán nhiều dòng chỉ được đảo toàn bộ "
            f"({format_dong(original.amount)}), không đảo một phần.",
            field="amount",
        )
    return tuple(line.mirrored(line.amount) for line in original.lines)


def check_reversal(original: JournalEntry, reversal: JournalEntry, *, remaining: Money) -> None:
    """Refuse a `reversal` that is not a mirror of at most the `remaining` (not yet reversed)
    amount of `original`, in the same book, on or after its date."""
    if original.reverses is not None:
        raise LedgerRefusedError(409, "Không đảo một bút toán đảo; hãy ghi một bút toán mới.")
    if original.fund != reversal.fund:
        raise LedgerRefusedError(422, "Bút toán đảo phải ghi vào sổ của cùng quỹ.")
    if reversal.date < original.date:
        raise LedgerRefusedError(
            422,
            f"Ngày bút toán đảo không được trước ngày bút toán gốc "
            f"({format_date_vi(original.date)}).",
            field="date",
        )
    if reversal.amount > remaining:
        raise LedgerRefusedError(
            409,
            f"Không thể đảo {format_dong(reversal.amount)}: bút toán gốc "
            f"{format_dong(original.amount)} chỉ còn {format_dong(remaining)} chưa đảo.",
            field="amount",
        )
    if Counter(reversal.lines) != Counter(mirror_lines(original, reversal.amount)):
        raise LedgerRefusedError(422, "Bút toán đảo phải đối ứng đúng các dòng của bút toán gốc.")
