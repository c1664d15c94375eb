"""Ledger invariants under random sequences of donations, disbursements, transfers and
reversals over several funds, restrictions and back-dated entries.

The checks use a naive oracle computed straight from the postings, not the ledger's own
balance methods: debits = credits per fund; balances = sum of entries; no asset pot and no
restriction below zero on any date; past balances untouched by later entries; refused
operations change nothing and are refused exactly when the money is not there.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from baotro_donations.domain.ledger import (
    Ledger,
    record_disbursement,
    record_donation,
    record_transfer,
    reverse,
)
from baotro_donations.domain.ledger_accounts import (
    CASH,
    CASH_DONATIONS,
    AccountKind,
    BankAccount,
    Fund,
    FundLevel,
    LedgerRefusedError,
    Purpose,
    Restriction,
    RestrictionKind,
)
from baotro_donations.domain.ledger_entries import JournalEntry, Posting, Side

PROVINCE = Fund(
    "TH",
    "Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa",
    FundLevel.PROVINCE,
    (
        BankAccount("KBNN", "Kho bạc Nhà nước tỉnh Thanh Hóa", "3751.0.111.4523"),
        BankAccount("AGRIBANK", "Agribank chi nhánh Thanh Hóa", "3500.431.101.000.909"),
    ),
)
COMMUNE = Fund(
    "TH-X14797",
    "Quỹ Bảo trợ trẻ em xã Hoằng Hóa",
    FundLevel.COMMUNE,
    (BankAccount("AGRIBANK", "Agribank chi nhánh Hoằng Hóa", "3507.205.000.111"),),
)
FUNDS = {fund.code: fund for fund in (PROVINCE, COMMUNE)}
MONEY_ACCOUNTS = {"TH": ("111", "112.KBNN", "112.AGRIBANK"), "TH-X14797": ("111", "112.AGRIBANK")}
RESTRICTIONS: tuple[Restriction | None, ...] = (
    None,
    Restriction(RestrictionKind.APPEAL, "A-1"),
    Restriction(RestrictionKind.CASE, "C-2"),
    Restriction(RestrictionKind.CAMPAIGN, "TET-2026"),
    Restriction(RestrictionKind.SPONSORSHIP, "S-3"),
)
START = date(2026, 1, 1)

funds = st.sampled_from(sorted(FUNDS))
restrictions = st.sampled_from(RESTRICTIONS)
days = st.integers(0, 40).map(lambda n: START + timedelta(days=n))
# Round amounts so that exact hits (spend everything) happen as often as near misses.
amounts = st.one_of(st.integers(1, 40).map(lambda n: n * 100_000), st.integers(1, 4_000_000))
spend_amounts = st.one_of(st.integers(1, 20).map(lambda n: n * 100_000), st.integers(1, 2_000_000))
account_picks = st.integers(0, 3)

Pot = tuple[str, Restriction | None]


def _naive_balances(
    entries: tuple[JournalEntry, ...], fund: str, as_of: date | None
) -> dict[Pot, int]:
    """Normal-side balance of every pot, summed straight from the postings."""
    totals: dict[Pot, int] = defaultdict(int)
    for entry in entries:
        if entry.fund != fund or (as_of is not None and entry.date > as_of):
            continue
        for line in entry.lines:
            debit_positive = line.amount if line.side is Side.DEBIT else -line.amount
            sign = 1 if line.account.kind in (AccountKind.ASSET, AccountKind.EXPENSE) else -1
            totals[line.account.code, line.restriction] += sign * debit_positive
    return dict(totals)


def _naive_available(ledger: Ledger, fund: str, pot: Pot, on: date) -> int:
    """The lowest balance of `pot` from `on` onwards."""
    later = {entry.date for entry in ledger.entries if entry.date > on}
    return max(
        0,
        min(_naive_balances(ledger.entries, fund, day).get(pot, 0) for day in {on, *later}),
    )


class LedgerMachine(RuleBasedStateMachine):
    """Random operations on a two-fund ledger; every step keeps every invariant."""

    def __init__(self) -> None:
        super().__init__()
        self.ledger = Ledger.open(FUNDS.values())

    def _apply(self, make: Callable[[], JournalEntry]) -> JournalEntry | None:
        """Run an operation and post its entry; a refusal must leave everything unchanged,
        and a posting must not change any balance before its date."""
        before = self.ledger
        snapshot = {code: before.balances(code) for code in FUNDS}
        try:
            entry = make()
        except LedgerRefusedError as refused:
            refusal: LedgerRefusedError | None = refused
        else:
            refusal = None
        if refusal is not None:
            assert refusal.message
            assert self.ledger is before
            assert {code: self.ledger.balances(code) for code in FUNDS} == snapshot
            event("refused")
            return None
        day_before = entry.date - timedelta(days=1)
        past = before.balances(entry.fund, as_of=day_before)
        self.ledger = before.post(entry)
        assert self.ledger.balances(entry.fund, as_of=day_before) == past
        assert before.entries == self.ledger.entries[:-1]
        event("posted")
        return entry

    @initialize(
        gifts=st.lists(
            st.tuples(funds, restrictions, account_picks, amounts, days), min_size=1, max_size=6
        )
    )
    def seed_donations(self, gifts: list[tuple[str, Restriction | None, int, int, date]]) -> None:
        """Start with money in a few pots, so that most runs spend and refund something."""
        for fund, restriction, pick, amount, day in gifts:
            self.donate(fund, restriction, pick, amount, day)

    @rule(fund=funds, restriction=restrictions, pick=account_picks, amount=amounts, day=days)
    def donate(
        self, fund: str, restriction: Restriction | None, pick: int, amount: int, day: date
    ) -> None:
        accounts = (*MONEY_ACCOUNTS[fund], "152")
        account = accounts[pick % len(accounts)]
        entry = self._apply(
            lambda: record_donation(
                self.ledger,
                fund=fund,
                amount=amount,
                asset_account=account,
                restriction=restriction,
                date=day,
            )
        )
        assert entry is not None, "a donation is never refused"

    @rule(
        fund=funds,
        restriction=restrictions,
        pick=account_picks,
        amount=spend_amounts,
        day=days,
        allow_unrestricted=st.booleans(),
        purpose=st.sampled_from(Purpose),
    )
    def disburse(
        self,
        fund: str,
        restriction: Restriction | None,
        pick: int,
        amount: int,
        day: date,
        allow_unrestricted: bool,
        purpose: Purpose,
    ) -> None:
        accounts = (*MONEY_ACCOUNTS[fund], "152")
        account = accounts[pick % len(accounts)]
        self._disburse(fund, (account, restriction), amount, day, allow_unrestricted, purpose)

    @rule(
        index=st.integers(0, 10_000),
        share=st.integers(1, 130),
        delay=st.integers(-3, 10),
        allow_unrestricted=st.booleans(),
        purpose=st.sampled_from(Purpose),
    )
    def disburse_from_a_funded_pot(
        self, index: int, share: int, delay: int, allow_unrestricted: bool, purpose: Purpose
    ) -> None:
        """Spend around what a pot that received money holds: exact hits and near misses."""
        gifts = [entry for entry in self.ledger.entries if entry.reverses is None]
        if not gifts:
            return
        gift = gifts[index % len(gifts)]
        line = next(line for line in gift.lines if line.account.kind is AccountKind.ASSET)
        pot = (line.account.code, line.restriction)
        day = gift.date + timedelta(days=delay)
        amount = max(1, _naive_available(self.ledger, gift.fund, pot, day) * share // 100)
        self._disburse(gift.fund, pot, amount, day, allow_unrestricted, purpose)

    def _disburse(
        self,
        fund: str,
        pot: Pot,
        amount: int,
        day: date,
        allow_unrestricted: bool,
        purpose: Purpose,
    ) -> None:
        account, restriction = pot
        own = _naive_available(self.ledger, fund, pot, day)
        if restriction is not None and allow_unrestricted:
            own += _naive_available(self.ledger, fund, (account, None), day)
        entry = self._apply(
            lambda: record_disbursement(
                self.ledger,
                fund=fund,
                amount=amount,
                purpose=purpose,
                restriction=restriction,
                paid_from=account,
                date=day,
                allow_unrestricted=allow_unrestricted,
            )
        )
        assert (entry is not None) == (own >= amount), (own, amount)
        event("disbursement " + ("paid" if entry else "refused"))
        if entry is not None and len(entry.lines) > 2:
            event("disbursement topped up from unrestricted money")

    @rule(
        fund=funds,
        restriction=restrictions,
        picks=st.tuples(account_picks, account_picks),
        amount=amounts,
        day=days,
    )
    def transfer(
        self,
        fund: str,
        restriction: Restriction | None,
        picks: tuple[int, int],
        amount: int,
        day: date,
    ) -> None:
        accounts = MONEY_ACCOUNTS[fund]
        source, target = (accounts[pick % len(accounts)] for pick in picks)
        available = _naive_available(self.ledger, fund, (source, restriction), day)
        entry = self._apply(
            lambda: record_transfer(
                self.ledger,
                fund=fund,
                amount=amount,
                from_account=source,
                to_account=target,
                restriction=restriction,
                date=day,
            )
        )
        assert (entry is not None) == (source != target and available >= amount)

    @rule(
        index=st.integers(0, 10_000),
        share=st.one_of(st.none(), st.integers(1, 120)),
        delay=st.integers(-2, 10),
    )
    def reverse_entry(self, index: int, share: int | None, delay: int) -> None:
        if not self.ledger.entries:
            return
        original = self.ledger.entries[index % len(self.ledger.entries)]
        remaining = self.ledger.reversible_amount(original.id)
        # share > 100 asks for more than the entry's amount: it must be refused.
        amount = None if share is None else max(1, original.amount * share // 100)
        entry = self._apply(
            lambda: reverse(
                self.ledger,
                entry_id=original.id,
                amount=amount,
                reason="Hoàn trả cho nhà tài trợ",
                date=original.date + timedelta(days=delay),
            )
        )
        if entry is not None:
            assert entry.reverses == original.id
            assert entry.amount <= remaining
            assert delay >= 0
            assert original.reverses is None
            assert original.is_simple or entry.amount == original.amount
        elif amount is not None and amount > remaining:
            event("reversal beyond the remaining amount refused")

    @invariant()
    def debits_equal_credits_per_fund(self) -> None:
        for code in FUNDS:
            debit, credit = self.ledger.totals(code)
            assert debit == credit
            lines = [
                line for entry in self.ledger.entries if entry.fund == code for line in entry.lines
            ]
            assert debit == sum(line.amount for line in lines if line.side is Side.DEBIT)

    @invariant()
    def balances_are_sums_of_entries_on_every_date(self) -> None:
        dates = sorted({entry.date for entry in self.ledger.entries})
        for code in FUNDS:
            for day in (None, *dates):
                assert self.ledger.balances(code, as_of=day) == _naive_balances(
                    self.ledger.entries, code, day
                )

    @invariant()
    def no_pot_no_restriction_below_zero_on_any_date(self) -> None:
        dates = sorted({entry.date for entry in self.ledger.entries})
        for code in FUNDS:
            for day in dates:
                balances = _naive_balances(self.ledger.entries, code, day)
                held: dict[Restriction | None, int] = defaultdict(int)
                for (account, restriction), amount in balances.items():
                    if FUNDS[code].account(account).kind is AccountKind.ASSET:
                        assert amount >= 0, (code, account, restriction, day)
                        held[restriction] += amount
                for restriction in RESTRICTIONS:
                    assert (
                        self.ledger.restriction_balance(code, restriction, day) == held[restriction]
                    )
                    assert self.ledger.net_assets(code, restriction, day) == held[restriction]
                assert sum(v for (a, _), v in balances.items() if a == "390") == 0

    @invariant()
    def reversals_never_exceed_their_original(self) -> None:
        reversed_: dict[uuid.UUID, int] = defaultdict(int)
        for entry in self.ledger.entries:
            if entry.reverses is not None:
                reversed_[entry.reverses] += entry.amount
        for entry in self.ledger.entries:
            assert self.ledger.reversed_amount(entry.id) == reversed_[entry.id]
            assert reversed_[entry.id] <= entry.amount
            if entry.reverses is not None:
                assert reversed_[entry.id] == 0


TestLedgerMachine = LedgerMachine.TestCase
TestLedgerMachine.settings = settings(max_examples=120, stateful_step_count=25, deadline=None)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(restrictions, amounts), min_size=1, max_size=12))
def test_refunding_every_gift_in_full_returns_every_balance_to_zero(
    gifts: list[tuple[Restriction | None, int]],
) -> None:
    ledger = Ledger.open(FUNDS.values())
    for restriction, amount in gifts:
        ledger = ledger.post(
            record_donation(
                ledger,
                fund="TH",
                amount=amount,
                asset_account="112.AGRIBANK",
                restriction=restriction,
                date=START,
            )
        )
    assert ledger.account_balance("TH", "112.AGRIBANK") == sum(amount for _, amount in gifts)
    for gift in ledger.entries:
        ledger = ledger.post(
            reverse(ledger, entry_id=gift.id, amount=None, reason="Hoàn", date=START)
        )
    assert set(ledger.balances("TH").values()) == {0}


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(Side), amounts, restrictions), min_size=2, max_size=6))
def test_an_entry_exists_only_when_it_balances_within_every_restriction(
    raw: list[tuple[Side, int, Restriction | None]],
) -> None:
    lines = tuple(
        Posting(CASH if side is Side.DEBIT else CASH_DONATIONS, side, amount, restriction)
        for side, amount, restriction in raw
    )
    per_restriction: dict[Restriction | None, int] = defaultdict(int)
    for line in lines:
        per_restriction[line.restriction] += line.debit - line.credit
    balanced = not any(per_restriction.values())
    if balanced:
        entry = JournalEntry(id=uuid.uuid4(), fund="TH", date=START, memo="Thử", lines=lines)
        assert entry.total_debit == entry.total_credit
    else:
        with pytest.raises(LedgerRefusedError, match="không cân"):
            JournalEntry(id=uuid.uuid4(), fund="TH", date=START, memo="Thử", lines=lines)
