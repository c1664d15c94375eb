"""The fund's double-entry ledger: a pure state object and the operations that make entries.

Operations (`record_donation`, `record_disbursement`, `record_transfer`, `reverse`,
`record_opening_balance`) are pure functions: they read a `Ledger`, return a validated
`JournalEntry` or raise `LedgerRefusedError`, and change nothing. `Ledger.post` returns a new
ledger holding the entry. Every balance is computed from the entries, as of any date
(inclusive).

Money is held in pots: (asset account, restriction). A pot never goes below zero on any date,
including dates between a back-dated entry and today, so the money "available" in a pot on a
date is the lowest balance it has from that date on.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from baotro_donations.domain.ledger_accounts import (
    CASH_DONATIONS,
    EXPENSE_ACCOUNTS,
    IN_KIND_DONATIONS,
    RESTRICTED_NET_ASSETS,
    TRANSFERS_BETWEEN_RESTRICTIONS,
    UNRESTRICTED_NET_ASSETS,
    Account,
    AccountKind,
    AssetType,
    Fund,
    InsufficientBalanceError,
    LedgerRefusedError,
    Money,
    Purpose,
    Restriction,
    check_amount,
    check_date,
    format_date_vi,
    format_dong,
    restriction_label,
)
from baotro_donations.domain.ledger_entries import (
    JournalEntry,
    Posting,
    Side,
    check_reversal,
    mirror_lines,
)

Pot = tuple[str, Restriction | None]
"""(account code, restriction): a sub-ledger of one account."""


@dataclass(frozen=True)
class Ledger:
    """The books of several funds: their charts and every entry posted so far."""

    funds: Mapping[str, Fund] = field(hash=False)
    entries: tuple[JournalEntry, ...] = ()

    @classmethod
    def open(cls, funds: Iterable[Fund]) -> Ledger:
        """An empty ledger for `funds` (one book each)."""
        return cls(funds={fund.code: fund for fund in funds})

    @cached_property
    def _by_id(self) -> dict[uuid.UUID, JournalEntry]:
        return {entry.id: entry for entry in self.entries}

    @cached_property
    def _reversed(self) -> dict[uuid.UUID, Money]:
        reversed_: dict[uuid.UUID, Money] = defaultdict(int)
        for entry in self.entries:
            if entry.reverses is not None:
                reversed_[entry.reverses] += entry.amount
        return reversed_

    def fund(self, code: str) -> Fund:
        try:
            return self.funds[code]
        except KeyError:
            raise LedgerRefusedError(422, f"Không có sổ của quỹ {code}.", field="fund") from None

    def entry(self, entry_id: uuid.UUID) -> JournalEntry:
        try:
            return self._by_id[entry_id]
        except KeyError:
            raise LedgerRefusedError(404, f"Không tìm thấy bút toán {entry_id}.") from None

    def has_entry(self, entry_id: uuid.UUID) -> bool:
        return entry_id in self._by_id

    def reversed_amount(self, entry_id: uuid.UUID) -> Money:
        """How much of the entry has been reversed so far."""
        return self._reversed.get(entry_id, 0)

    def reversible_amount(self, entry_id: uuid.UUID) -> Money:
        """How much of the entry may still be reversed (0 for a reversal itself)."""
        original = self.entry(entry_id)
        if original.reverses is not None:
            return 0
        return original.amount - self.reversed_amount(entry_id)

    def lines(self, fund: str, as_of: date | None = None) -> Iterator[tuple[JournalEntry, Posting]]:
        """Every line of `fund`'s book dated on or before `as_of` (all when None)."""
        for entry in self.entries:
            if entry.fund == fund and (as_of is None or entry.date <= as_of):
                for line in entry.lines:
                    yield entry, line

    def balances(self, fund: str, as_of: date | None = None) -> dict[Pot, Money]:
        """Every touched pot with its balance on its normal side (debit for assets and
        expenses, credit for net assets and income)."""
        result: dict[Pot, Money] = defaultdict(int)
        for _, line in self.lines(fund, as_of):
            result[line.account.code, line.restriction] += line.normal_amount
        return dict(result)

    def totals(self, fund: str, as_of: date | None = None) -> tuple[Money, Money]:
        """(total debits, total credits) of `fund`'s book; always equal."""
        debit = credit = 0
        for _, line in self.lines(fund, as_of):
            debit += line.debit
            credit += line.credit
        return debit, credit

    def pot_balance(
        self, fund: str, account: str, restriction: Restriction | None, as_of: date | None = None
    ) -> Money:
        """The balance of `account` for `restriction` only."""
        return self.balances(fund, as_of).get((account, restriction), 0)

    def account_balance(self, fund: str, account: str, as_of: date | None = None) -> Money:
        """The balance of `account` across all restrictions."""
        return sum(v for (code, _), v in self.balances(fund, as_of).items() if code == account)

    def restriction_balance(
        self, fund: str, restriction: Restriction | None, as_of: date | None = None
    ) -> Money:
        """The money (cash, bank, in kind) held for `restriction`: the sum of its asset pots."""
        return sum(
            line.normal_amount
            for _, line in self.lines(fund, as_of)
            if line.restriction == restriction and line.account.kind is AccountKind.ASSET
        )

    def net_assets(
        self, fund: str, restriction: Restriction | None, as_of: date | None = None
    ) -> Money:
        """Fund balance + income − expenses of `restriction`; equals `restriction_balance`."""
        total = 0
        for _, line in self.lines(fund, as_of):
            if line.restriction == restriction and line.account.kind is not AccountKind.ASSET:
                sign = -1 if line.account.kind is AccountKind.EXPENSE else 1
                total += sign * line.normal_amount
        return total

    def available(
        self, fund: str, account: str, restriction: Restriction | None, on: date
    ) -> Money:
        """What may leave the pot on `on` without it going negative on any later date."""
        deltas: dict[date, Money] = defaultdict(int)
        for entry, line in self.lines(fund):
            if line.account.code == account and line.restriction == restriction:
                deltas[entry.date] += line.normal_amount
        running = sum(v for day, v in deltas.items() if day <= on)
        lowest = running
        for day in sorted(day for day in deltas if day > on):
            running += deltas[day]
            lowest = min(lowest, running)
        return max(lowest, 0)

    def validate(self, entry: JournalEntry) -> None:
        """Refuse an entry this ledger cannot take; `JournalEntry` already checked balance."""
        fund = self.fund(entry.fund)
        for line in entry.lines:
            if fund.account(line.account.code) != line.account:
                raise LedgerRefusedError(
                    422, f"Tài khoản {line.account.code} không khớp với sổ của quỹ {fund.code}."
                )
        if entry.id in self._by_id:
            raise LedgerRefusedError(409, f"Bút toán {entry.id} đã được ghi sổ.")
        if entry.reverses is not None:
            original = self.entry(entry.reverses)
            check_reversal(original, entry, remaining=self.reversible_amount(original.id))
        pot_changes: dict[Pot, Money] = defaultdict(int)
        for line in entry.lines:
            if line.account.kind is AccountKind.ASSET:
                pot_changes[line.account.code, line.restriction] += line.normal_amount
        for (code, restriction), change in pot_changes.items():
            available = self.available(fund.code, code, restriction, entry.date)
            if available + change < 0:
                raise InsufficientBalanceError(
                    f"Không đủ số dư: {fund.account(code).name} – {restriction_label(restriction)} "
                    f"còn {format_dong(available)} (tính từ ngày {format_date_vi(entry.date)}), "
                    f"cần {format_dong(-change)}, thiếu {format_dong(-change - available)}.",
                    required=-change,
                    available=available,
                )

    def post(self, entry: JournalEntry) -> Ledger:
        """A new ledger holding `entry`; this one is unchanged, also when refused."""
        self.validate(entry)
        return Ledger(funds=self.funds, entries=(*self.entries, entry))


def record_donation(
    ledger: Ledger,
    *,
    fund: str,
    amount: Money,
    asset_account: str,
    restriction: Restriction | None,
    date: date,
    memo: str | None = None,
    entry_id: uuid.UUID | None = None,
) -> JournalEntry:
    """A gift received: Dr the bank, cash or in-kind account / Cr donation income, both for
    `restriction` (None when the donor set no purpose)."""
    return _money_in(
        ledger,
        fund=fund,
        amount=amount,
        asset_account=asset_account,
        restriction=restriction,
        date=date,
        memo=memo or f"Nhận tài trợ – {restriction_label(restriction)}",
        credit=lambda asset: (
            IN_KIND_DONATIONS if asset.asset_type is AssetType.IN_KIND else CASH_DONATIONS
        ),
        entry_id=entry_id,
    )


@dataclass(frozen=True)
class GiftPosting:
    """One gift of `record_donations`: what `record_donation` takes for one gift."""

    amount: Money
    asset_account: str
    restriction: Restriction | None
    date: date
    memo: str | None = None
    entry_id: uuid.UUID | None = None


def record_donations(
    ledger: Ledger, *, fund: str, gifts: Iterable[GiftPosting]
) -> list[JournalEntry]:
    """`record_donation` for many gifts of one fund, in order: the same entries, the same
    refusals. The ledger decides once per pot (asset account, restriction) and memo: money
    coming in never makes a pot negative, so what it decides of one gift to a pot it decides
    of every gift to it, on any date. Each gift's amount, date and id are still checked."""
    first: dict[tuple[str, Restriction | None, str | None], JournalEntry] = {}
    entries = []
    for gift in gifts:
        pot = (gift.asset_account, gift.restriction, gift.memo)
        template = first.get(pot)
        if template is None:
            entry = first[pot] = record_donation(
                ledger,
                fund=fund,
                amount=gift.amount,
                asset_account=gift.asset_account,
                restriction=gift.restriction,
                date=gift.date,
                memo=gift.memo,
                entry_id=gift.entry_id,
            )
        else:
            entry_id = gift.entry_id or uuid.uuid4()
            entry = template.like(entry_id=entry_id, day=gift.date, amount=gift.amount)
            if ledger.has_entry(entry_id):
                raise LedgerRefusedError(409, f"Bút toán {entry_id} đã được ghi sổ.")
        entries.append(entry)
    return entries


def record_opening_balance(
    ledger: Ledger,
    *,
    fund: str,
    amount: Money,
    asset_account: str,
    restriction: Restriction | None,
    date: date,
    memo: str | None = None,
    entry_id: uuid.UUID | None = None,
) -> JournalEntry:
    """Money the fund already held when its book was opened here: Dr the asset / Cr the fund
    balance (311 unrestricted, 312 restricted)."""
    balance = UNRESTRICTED_NET_ASSETS if restriction is None else RESTRICTED_NET_ASSETS
    return _money_in(
        ledger,
        fund=fund,
        amount=amount,
        asset_account=asset_account,
        restriction=restriction,
        date=date,
        memo=memo or f"Số dư đầu kỳ – {restriction_label(restriction)}",
        credit=lambda _asset: balance,
        entry_id=entry_id,
    )


def _money_in(
    ledger: Ledger,
    *,
    fund: str,
    amount: Money,
    asset_account: str,
    restriction: Restriction | None,
    date: date,
    memo: str,
    credit: Callable[[Account], Account],
    entry_id: uuid.UUID | None,
) -> JournalEntry:
    """Dr an asset account / Cr the account `credit` picks for it, both for `restriction`."""
    check_amount(amount)
    book = ledger.fund(fund)
    asset = book.asset_account(asset_account)
    entry = JournalEntry(
        id=entry_id or uuid.uuid4(),
        fund=book.code,
        date=check_date(date),
        memo=memo,
        lines=(
            Posting(asset, Side.DEBIT, amount, restriction),
            Posting(credit(asset), Side.CREDIT, amount, restriction),
        ),
    )
    ledger.validate(entry)
    return entry


def record_disbursement(
    ledger: Ledger,
    *,
    fund: str,
    amount: Money,
    purpose: Purpose,
    restriction: Restriction | None,
    paid_from: str,
    date: date,
    allow_unrestricted: bool = False,
    memo: str | None = None,
    entry_id: uuid.UUID | None = None,
) -> JournalEntry:
    """Money (or goods) paid out for `purpose` from `restriction`'s pot in `paid_from`.

    Restricted money pays only for its own restriction; unrestricted money tops it up only when
    `allow_unrestricted`, through the transfer account 390 in the same entry. Refused with
    "Không đủ số dư ..." naming the shortfall when the pots do not cover `amount`."""
    check_amount(amount)
    day = check_date(date)
    book = ledger.fund(fund)
    asset = book.asset_account(paid_from)
    expense = EXPENSE_ACCOUNTS.get(purpose)
    if expense is None:
        raise LedgerRefusedError(422, f"Mục đích chi không hợp lệ: {purpose}.", field="purpose")
    own = ledger.available(book.code, asset.code, restriction, day)
    from_own = min(own, amount)
    top_up = amount - from_own if restriction is not None and allow_unrestricted else 0
    unrestricted = ledger.available(book.code, asset.code, None, day) if top_up else 0
    if from_own + min(top_up, unrestricted) < amount:
        available = from_own + min(top_up, unrestricted)
        parts = [f"{restriction_label(restriction)} còn {format_dong(own)}"]
        if top_up:
            parts.append(f"quỹ không hạn chế còn {format_dong(unrestricted)}")
        elsewhere = ledger.restriction_balance(book.code, restriction) - ledger.pot_balance(
            book.code, asset.code, restriction
        )
        hint = (
            f" Nguồn này còn {format_dong(elsewhere)} ở tài khoản khác; hãy chuyển nội bộ trước."
            if elsewhere > 0
            else ""
        )
        raise InsufficientBalanceError(
            f"Không đủ số dư để chi {format_dong(amount)} từ {asset.name} "
            f"(tính từ ngày {format_date_vi(day)}): {', '.join(parts)}; "
            f"thiếu {format_dong(amount - available)}.{hint}",
            required=amount,
            available=available,
        )
    lines = [Posting(expense, Side.DEBIT, amount, restriction)]
    if from_own:
        lines.append(Posting(asset, Side.CREDIT, from_own, restriction))
    if top_up:
        lines += [
            Posting(TRANSFERS_BETWEEN_RESTRICTIONS, Side.CREDIT, top_up, restriction),
            Posting(TRANSFERS_BETWEEN_RESTRICTIONS, Side.DEBIT, top_up, None),
            Posting(asset, Side.CREDIT, top_up, None),
        ]
    entry = JournalEntry(
        id=entry_id or uuid.uuid4(),
        fund=book.code,
        date=day,
        memo=memo or f"{expense.name} – {restriction_label(restriction)}",
        lines=tuple(lines),
    )
    ledger.validate(entry)
    return entry


def record_transfer(
    ledger: Ledger,
    *,
    fund: str,
    amount: Money,
    from_account: str,
    to_account: str,
    restriction: Restriction | None,
    date: date,
    memo: str | None = None,
    entry_id: uuid.UUID | None = None,
) -> JournalEntry:
    """Money moved between two bank or cash accounts of one fund, keeping its restriction
    (e.g. cash withdrawn from the bank to pay a family)."""
    check_amount(amount)
    book = ledger.fund(fund)
    source, target = book.asset_account(from_account), book.asset_account(to_account)
    if AssetType.IN_KIND in (source.asset_type, target.asset_type) or source == target:
        raise LedgerRefusedError(
            422, "Chỉ chuyển tiền giữa hai tài khoản tiền (ngân hàng, kho bạc, tiền mặt) khác nhau."
        )
    entry = JournalEntry(
        id=entry_id or uuid.uuid4(),
        fund=book.code,
        date=check_date(date),
        memo=memo or f"Chuyển tiền nội bộ – {restriction_label(restriction)}",
        lines=(
            Posting(target, Side.DEBIT, amount, restriction),
            Posting(source, Side.CREDIT, amount, restriction),
        ),
    )
    ledger.validate(entry)
    return entry


def reverse(
    ledger: Ledger,
    *,
    entry_id: uuid.UUID,
    amount: Money | None,
    reason: str,
    date: date,
    reversal_id: uuid.UUID | None = None,
) -> JournalEntry:
    """A new entry mirroring `amount` of entry `entry_id` (all that remains when None): a
    refund or a correction. Never beyond what is left unreversed."""
    if not reason.strip():
        raise LedgerRefusedError(422, "Phải ghi lý do đảo bút toán.", field="reason")
    original = ledger.entry(entry_id)
    if original.reverses is not None:
        raise LedgerRefusedError(409, "Không đảo một bút toán đảo; hãy ghi một bút toán mới.")
    remaining = ledger.reversible_amount(entry_id)
    if remaining == 0:
        raise LedgerRefusedError(409, "Bút toán này đã được đảo toàn bộ.")
    wanted = remaining if amount is None else check_amount(amount)
    if wanted > remaining:
        raise LedgerRefusedError(
            409,
            f"Không thể đảo {format_dong(wanted)}: bút toán gốc chỉ còn "
            f"{format_dong(remaining)} chưa đảo.",
            field="amount",
        )
    entry = JournalEntry(
        id=reversal_id or uuid.uuid4(),
        fund=original.fund,
        date=check_date(date),
        memo=f"Đảo bút toán {original.id}: {reason.strip()}"[:500],
        lines=mirror_lines(original, wanted),
        reverses=original.id,
    )
    ledger.validate(entry)
    return entry
