"""A ledger rebuilt from day totals (what `load_for` loads) decides like the whole book: the
same disbursements, transfers and reversals are accepted, the same refused with the same
message, and the money available in every pot it holds is the same on every date."""

from __future__ import annotations

import contextlib
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from baotro_donations.domain.ledger import (
    Ledger,
    record_disbursement,
    record_donation,
    record_transfer,
    reverse,
)
from baotro_donations.domain.ledger_accounts import (
    AccountKind,
    BankAccount,
    Fund,
    FundLevel,
    LedgerRefusedError,
    Purpose,
    Restriction,
    RestrictionKind,
)
from baotro_donations.domain.ledger_entries import JournalEntry
from baotro_donations.domain.ledger_snapshot import PotDay, snapshot_ledger, summary_entry

FUND = Fund(
    "TH",
    "Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa",
    FundLevel.PROVINCE,
    (BankAccount("AGRIBANK", "Agribank chi nhánh Thanh Hóa", "3500.431.101.000.909"),),
)
ACCOUNTS = ("111", "112.AGRIBANK", "152")
RESTRICTIONS = (
    None,
    Restriction(RestrictionKind.APPEAL, "A-1"),
    Restriction(RestrictionKind.CASE, "C-2"),
)
START = date(2026, 1, 1)

days = st.integers(0, 12).map(lambda n: START + timedelta(days=n))
amounts = st.one_of(st.integers(1, 20).map(lambda n: n * 100_000), st.integers(1, 2_000_000))
gifts = st.lists(
    st.tuples(st.sampled_from(RESTRICTIONS), st.sampled_from(ACCOUNTS), amounts, days),
    min_size=1,
    max_size=10,
)
spends = st.lists(
    st.tuples(
        st.sampled_from(RESTRICTIONS), st.sampled_from(ACCOUNTS[:2]), amounts, days, st.booleans()
    ),
    max_size=6,
)


def _day_changes(ledger: Ledger, restrictions: set[Restriction | None]) -> dict[PotDay, int]:
    """What `pot_day_totals` holds for the asset pots of `restrictions`: debit − credit."""
    changes: dict[PotDay, int] = defaultdict(int)
    for entry in ledger.entries:
        for line in entry.lines:
            if line.account.kind is AccountKind.ASSET and line.restriction in restrictions:
                changes[line.account.code, line.restriction, entry.date] += line.debit - line.credit
    return dict(changes)


def _book(
    gift_list: list[tuple[Restriction | None, str, int, date]],
    spend_list: list[tuple[Restriction | None, str, int, date, bool]],
) -> Ledger:
    ledger = Ledger.open([FUND])
    for restriction, account, amount, day in gift_list:
        ledger = ledger.post(
            record_donation(
                ledger, fund="TH", amount=amount, asset_account=account,
                restriction=restriction, date=day,
            )
        )  # fmt: skip
    for restriction, account, amount, day, top_up in spend_list:
        with contextlib.suppress(LedgerRefusedError):
            ledger = ledger.post(
                record_disbursement(
                    ledger, fund="TH", amount=amount, purpose=Purpose.MEDICAL,
                    restriction=restriction, paid_from=account, date=day,
                    allow_unrestricted=top_up,
                )
            )  # fmt: skip
    return ledger


def _decision(
    make: Callable[[Ledger], JournalEntry], ledger: Ledger
) -> tuple[str, int, str] | JournalEntry:
    """The entry an operation makes on `ledger`, or how it was refused."""
    try:
        return make(ledger)
    except LedgerRefusedError as refused:
        return ("refused", refused.status, refused.message)


@settings(max_examples=150, deadline=None)
@given(
    gift_list=gifts,
    spend_list=spends,
    restriction=st.sampled_from(RESTRICTIONS),
    account=st.sampled_from(ACCOUNTS[:2]),
    amount=amounts,
    day=days,
    top_up=st.booleans(),
)
def test_disbursements_and_transfers_are_decided_as_on_the_whole_book(
    gift_list: list[tuple[Restriction | None, str, int, date]],
    spend_list: list[tuple[Restriction | None, str, int, date, bool]],
    restriction: Restriction | None,
    account: str,
    amount: int,
    day: date,
    top_up: bool,
) -> None:
    full = _book(gift_list, spend_list)
    wanted = {restriction, None}
    partial = snapshot_ledger(FUND, _day_changes(full, wanted))
    entry_id = uuid.uuid4()
    other = "111" if account != "111" else "112.AGRIBANK"

    def spend(ledger: Ledger) -> JournalEntry:
        return record_disbursement(
            ledger, fund="TH", amount=amount, purpose=Purpose.NUTRITION,
            restriction=restriction, paid_from=account, date=day,
            allow_unrestricted=top_up, entry_id=entry_id,
        )  # fmt: skip

    def move(ledger: Ledger) -> JournalEntry:
        return record_transfer(
            ledger, fund="TH", amount=amount, from_account=account, to_account=other,
            restriction=restriction, date=day, entry_id=entry_id,
        )  # fmt: skip

    for operation in (spend, move):
        assert _decision(operation, full) == _decision(operation, partial)
    for r in wanted:
        for code in ACCOUNTS:
            for offset in range(-1, 14):
                on = START + timedelta(days=offset)
                assert partial.available("TH", code, r, on) == full.available("TH", code, r, on)
        assert partial.restriction_balance("TH", r) == full.restriction_balance("TH", r)


@settings(max_examples=100, deadline=None)
@given(
    gift_list=gifts,
    spend_list=spends,
    pick=st.integers(0, 100),
    shares=st.lists(st.one_of(st.none(), st.integers(1, 120)), min_size=1, max_size=3),
    delay=st.integers(-1, 6),
)
def test_reversals_are_decided_as_on_the_whole_book(
    gift_list: list[tuple[Restriction | None, str, int, date]],
    spend_list: list[tuple[Restriction | None, str, int, date, bool]],
    pick: int,
    shares: list[int | None],
    delay: int,
) -> None:
    full = _book(gift_list, spend_list)
    original = full.entries[pick % len(full.entries)]
    for share in shares:
        # what `load_for(restrictions=…, entry_ids=[original])` gives: the original, its
        # reversals so far, and the day totals of every pot they touch
        real = [e for e in full.entries if original.id in (e.id, e.reverses)]
        pots = {line.restriction for e in real for line in e.lines}
        partial = snapshot_ledger(FUND, _day_changes(full, pots), real)
        amount = None if share is None else max(1, original.amount * share // 100)
        reversal_id = uuid.uuid4()

        def undo(
            ledger: Ledger, amount: int | None = amount, rid: uuid.UUID = reversal_id
        ) -> JournalEntry:
            return reverse(
                ledger, entry_id=original.id, amount=amount, reason="Hoàn trả",
                date=original.date + timedelta(days=delay), reversal_id=rid,
            )  # fmt: skip

        decision = _decision(undo, full)
        assert decision == _decision(undo, partial)
        assert partial.reversible_amount(original.id) == full.reversible_amount(original.id)
        if isinstance(decision, JournalEntry):
            full = full.post(decision)


def test_a_summary_entry_balances_within_its_restriction_on_either_side() -> None:
    appeal = RESTRICTIONS[1]
    money_in = summary_entry(FUND, ("112.AGRIBANK", appeal, START), 250_000)
    money_out = summary_entry(FUND, ("111", None, START), -40_000)
    assert [(line.account.code, line.debit, line.credit) for line in money_in.lines] == [
        ("112.AGRIBANK", 250_000, 0),
        ("312", 0, 250_000),
    ]
    assert [(line.account.code, line.debit, line.credit) for line in money_out.lines] == [
        ("111", 0, 40_000),
        ("311", 40_000, 0),
    ]
    assert money_in.id == summary_entry(FUND, ("112.AGRIBANK", appeal, START), 1).id


def test_days_that_net_to_nothing_and_the_real_entries_own_lines_are_left_out() -> None:
    ledger = Ledger.open([FUND])
    gift = record_donation(
        ledger, fund="TH", amount=500_000, asset_account="111", restriction=None, date=START
    )
    ledger = ledger.post(gift)
    changes: dict[PotDay, int] = {("111", None, START): 500_000, ("112.AGRIBANK", None, START): 0}
    partial = snapshot_ledger(FUND, changes, [gift])
    assert partial.entries == (gift,)
    assert partial.reversible_amount(gift.id) == 500_000
    with pytest.raises(LedgerRefusedError, match="Không tìm thấy bút toán"):
        snapshot_ledger(FUND, changes).entry(gift.id)
