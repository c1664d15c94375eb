"""Ledger rules, one example each: chart, balanced immutable entries, donations,
disbursements limited to what is available for their restriction, transfers, reversals."""

from __future__ import annotations

import dataclasses
import re
import uuid
from datetime import date, datetime

import pytest

from baotro_donations.domain.ledger import (
    Ledger,
    record_disbursement,
    record_donation,
    record_opening_balance,
    record_transfer,
    reverse,
)
from baotro_donations.domain.ledger_accounts import (
    CASH,
    CASH_DONATIONS,
    EXPENSE_ACCOUNTS,
    IN_KIND,
    IN_KIND_DONATIONS,
    RESTRICTED_NET_ASSETS,
    TRANSFERS_BETWEEN_RESTRICTIONS,
    UNRESTRICTED_NET_ASSETS,
    AccountKind,
    BankAccount,
    Fund,
    FundLevel,
    InsufficientBalanceError,
    LedgerRefusedError,
    Purpose,
    Restriction,
    RestrictionKind,
    format_dong,
    restriction_label,
)
from baotro_donations.domain.ledger_entries import JournalEntry, Posting, Side

KBNN = BankAccount("KBNN", "Kho bạc Nhà nước tỉnh Thanh Hóa", "3751.0.111.4523")
AGRIBANK = BankAccount("AGRIBANK", "Agribank chi nhánh Thanh Hóa", "3500.431.101.000.909")
PROVINCE = Fund("TH", "Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa", FundLevel.PROVINCE, (KBNN, AGRIBANK))
COMMUNE = Fund(
    "TH-X14797",
    "Quỹ Bảo trợ trẻ em xã Hoằng Hóa",
    FundLevel.COMMUNE,
    (BankAccount("AGRIBANK", "Agribank chi nhánh Hoằng Hóa", "3507.205.000.111"),),
)
BANK = "112.AGRIBANK"
TREASURY = "112.KBNN"
APPEAL = Restriction(RestrictionKind.APPEAL, "A-12")
CASE = Restriction(RestrictionKind.CASE, "C-7")
D1, D2, D3, D4 = date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)


def _empty() -> Ledger:
    return Ledger.open([PROVINCE, COMMUNE])


def _donate(
    ledger: Ledger,
    amount: int,
    restriction: Restriction | None = None,
    *,
    day: date = D1,
    account: str = BANK,
    fund: str = "TH",
) -> Ledger:
    entry = record_donation(
        ledger, fund=fund, amount=amount, asset_account=account, restriction=restriction, date=day
    )
    return ledger.post(entry)


def _disburse(
    ledger: Ledger,
    amount: int,
    restriction: Restriction | None = None,
    *,
    day: date = D2,
    paid_from: str = BANK,
    allow_unrestricted: bool = False,
) -> JournalEntry:
    return record_disbursement(
        ledger,
        fund="TH",
        amount=amount,
        purpose=Purpose.MEDICAL,
        restriction=restriction,
        paid_from=paid_from,
        date=day,
        allow_unrestricted=allow_unrestricted,
    )


# --- chart of accounts ---------------------------------------------------------------------


def test_fund_chart_has_fixed_accounts_and_its_configured_banks() -> None:
    codes = set(PROVINCE.accounts)
    assert {"111", "152", "311", "312", "390", "511", "512", TREASURY, BANK} <= codes
    assert {a.code for a in EXPENSE_ACCOUNTS.values()} <= codes
    assert PROVINCE.account(TREASURY).name == (
        "Tiền gửi Kho bạc Nhà nước tỉnh Thanh Hóa 3751.0.111.4523"
    )
    assert TREASURY not in COMMUNE.accounts


def test_account_codes_follow_the_documented_ranges() -> None:
    first_digit = {
        AccountKind.ASSET: "1",
        AccountKind.NET_ASSETS: "3",
        AccountKind.INCOME: "5",
        AccountKind.EXPENSE: "6",
    }
    for code, account in PROVINCE.accounts.items():
        assert code.startswith(first_digit[account.kind])


def test_unknown_account_and_non_asset_account_are_refused() -> None:
    with pytest.raises(LedgerRefusedError, match="không có trong sổ của quỹ TH"):
        PROVINCE.account("112.VCB")
    with pytest.raises(LedgerRefusedError, match="không phải tài khoản tiền"):
        PROVINCE.asset_account("511")


@pytest.mark.parametrize("code", ["", "th", "1TH", "TH_1", "TH--1", "A" * 17])
def test_malformed_fund_code_is_refused(code: str) -> None:
    with pytest.raises(LedgerRefusedError, match="Mã quỹ"):
        Fund(code, "Quỹ", FundLevel.PROVINCE)


def test_duplicate_bank_key_and_bad_bank_key_are_refused() -> None:
    with pytest.raises(LedgerRefusedError, match="bị trùng"):
        Fund("TH", "Quỹ", FundLevel.PROVINCE, (AGRIBANK, AGRIBANK))
    with pytest.raises(LedgerRefusedError, match="chữ in hoa"):
        BankAccount("agri bank", "Agribank", "1")


@pytest.mark.parametrize("raw_id", ["", " A-1", "A:1"])
def test_malformed_restriction_id_is_refused(raw_id: str) -> None:
    with pytest.raises(LedgerRefusedError, match="Mã nguồn quỹ"):
        Restriction(RestrictionKind.APPEAL, raw_id)


def test_restriction_key_and_vietnamese_label() -> None:
    assert APPEAL.key == "restricted:appeal:A-12"
    assert restriction_label(APPEAL) == "quỹ có hạn chế (bài kêu gọi A-12)"
    assert restriction_label(None) == "quỹ không hạn chế"


def test_format_dong_uses_vietnamese_thousands_separator() -> None:
    assert format_dong(1_250_000) == "1.250.000 đồng"
    assert format_dong(0) == "0 đồng"


# --- postings and entries ------------------------------------------------------------------


@pytest.mark.parametrize("amount", [0, -5, 1.5, 100.0, True])
def test_posting_amount_must_be_positive_whole_dong(amount: object) -> None:
    with pytest.raises(LedgerRefusedError, match="Số tiền"):
        Posting(CASH, Side.DEBIT, amount)  # type: ignore[arg-type]


def test_fund_balance_accounts_match_their_restriction() -> None:
    with pytest.raises(LedgerRefusedError, match="chỉ ghi cho quỹ không hạn chế"):
        Posting(UNRESTRICTED_NET_ASSETS, Side.CREDIT, 1, APPEAL)
    with pytest.raises(LedgerRefusedError, match="phải ghi rõ nguồn"):
        Posting(RESTRICTED_NET_ASSETS, Side.CREDIT, 1, None)


def _entry(*lines: Posting, day: date = D1) -> JournalEntry:
    return JournalEntry(id=uuid.uuid4(), fund="TH", date=day, memo="Thử", lines=lines)


def test_unbalanced_entry_is_refused_naming_both_totals() -> None:
    with pytest.raises(LedgerRefusedError) as refused:
        _entry(Posting(CASH, Side.DEBIT, 1_000_000), Posting(CASH_DONATIONS, Side.CREDIT, 900_000))
    assert refused.value.message == (
        "Bút toán không cân: tổng Nợ 1.000.000 đồng khác tổng Có 900.000 đồng "
        "(chênh lệch 100.000 đồng)."
    )


def test_entry_must_balance_within_each_restriction() -> None:
    with pytest.raises(LedgerRefusedError, match=r"không cân trong quỹ có hạn chế \(bài kêu gọi"):
        _entry(Posting(CASH, Side.DEBIT, 500, APPEAL), Posting(CASH_DONATIONS, Side.CREDIT, 500))


def test_entry_needs_two_lines_a_memo_and_a_plain_date() -> None:
    with pytest.raises(LedgerRefusedError, match="ít nhất một dòng Nợ"):
        _entry(Posting(CASH, Side.DEBIT, 5))
    with pytest.raises(LedgerRefusedError, match="Diễn giải"):
        JournalEntry(
            id=uuid.uuid4(),
            fund="TH",
            date=D1,
            memo="  ",
            lines=(Posting(CASH, Side.DEBIT, 5), Posting(CASH_DONATIONS, Side.CREDIT, 5)),
        )
    with pytest.raises(LedgerRefusedError, match="Ngày hạch toán"):
        _entry(
            Posting(CASH, Side.DEBIT, 5),
            Posting(CASH_DONATIONS, Side.CREDIT, 5),
            day=datetime(2026, 3, 1, 8, 0),
        )


def test_entries_and_postings_are_immutable() -> None:
    entry = _entry(Posting(CASH, Side.DEBIT, 5), Posting(CASH_DONATIONS, Side.CREDIT, 5))
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.memo = "sửa"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.lines[0].amount = 6  # type: ignore[misc]
    assert isinstance(entry.lines, tuple)


# --- donations and balances ----------------------------------------------------------------


def test_donation_debits_the_asset_and_credits_income_for_its_restriction() -> None:
    entry = record_donation(
        _empty(), fund="TH", amount=2_000_000, asset_account=BANK, restriction=APPEAL, date=D1
    )
    assert entry.lines == (
        Posting(PROVINCE.account(BANK), Side.DEBIT, 2_000_000, APPEAL),
        Posting(CASH_DONATIONS, Side.CREDIT, 2_000_000, APPEAL),
    )
    assert entry.memo == "Nhận tài trợ – quỹ có hạn chế (bài kêu gọi A-12)"


def test_in_kind_donation_is_credited_to_in_kind_income() -> None:
    entry = record_donation(
        _empty(), fund="TH", amount=300_000, asset_account="152", restriction=None, date=D1
    )
    assert [line.account for line in entry.lines] == [IN_KIND, IN_KIND_DONATIONS]


def test_donation_refuses_non_asset_account_unknown_fund_and_zero() -> None:
    ledger = _empty()
    with pytest.raises(LedgerRefusedError, match="không phải tài khoản tiền"):
        _donate(ledger, 5, account="611")
    with pytest.raises(LedgerRefusedError, match="Không có sổ của quỹ HN"):
        _donate(ledger, 5, fund="HN")
    with pytest.raises(LedgerRefusedError, match="lớn hơn 0"):
        _donate(ledger, 0)


def test_balances_are_computed_as_of_a_date_inclusive() -> None:
    ledger = _donate(_empty(), 1_000_000, APPEAL, day=D1)
    ledger = _donate(ledger, 400_000, None, day=D3)
    assert ledger.account_balance("TH", BANK, as_of=D1) == 1_000_000
    assert ledger.account_balance("TH", BANK, as_of=D2) == 1_000_000
    assert ledger.account_balance("TH", BANK, as_of=D3) == 1_400_000
    assert ledger.account_balance("TH", BANK, as_of=date(2026, 2, 28)) == 0
    assert ledger.pot_balance("TH", BANK, APPEAL) == 1_000_000
    assert ledger.restriction_balance("TH", None) == 400_000
    assert ledger.net_assets("TH", APPEAL) == 1_000_000
    assert ledger.account_balance("TH", "511") == 1_400_000
    assert ledger.totals("TH") == (1_400_000, 1_400_000)
    assert ledger.totals("TH-X14797") == (0, 0)


def test_funds_keep_separate_books() -> None:
    ledger = _donate(_empty(), 700_000, fund="TH-X14797")
    assert ledger.account_balance("TH-X14797", BANK) == 700_000
    assert ledger.account_balance("TH", BANK) == 0


def test_post_returns_a_new_ledger_and_leaves_the_old_one_unchanged() -> None:
    before = _empty()
    after = _donate(before, 5)
    assert before.entries == ()
    assert len(after.entries) == 1


def test_post_refuses_a_duplicate_entry_and_an_account_outside_the_fund() -> None:
    ledger = _empty()
    entry = record_donation(
        ledger, fund="TH", amount=5, asset_account=TREASURY, restriction=None, date=D1
    )
    ledger = ledger.post(entry)
    with pytest.raises(LedgerRefusedError, match="đã được ghi sổ"):
        ledger.post(entry)
    foreign = dataclasses.replace(entry, id=uuid.uuid4(), fund="TH-X14797")
    with pytest.raises(LedgerRefusedError, match="không có trong sổ của quỹ TH-X14797"):
        ledger.post(foreign)


def test_opening_balance_credits_the_fund_balance_of_its_restriction() -> None:
    ledger = _empty()
    for restriction, amount in ((None, 9_000_000), (CASE, 2_000_000)):
        ledger = ledger.post(
            record_opening_balance(
                ledger,
                fund="TH",
                amount=amount,
                asset_account=TREASURY,
                restriction=restriction,
                date=D1,
            )
        )
    assert ledger.account_balance("TH", "311") == 9_000_000
    assert ledger.pot_balance("TH", "312", CASE) == 2_000_000
    assert ledger.net_assets("TH", CASE) == ledger.restriction_balance("TH", CASE) == 2_000_000
    assert ledger.entries[0].memo == "Số dư đầu kỳ – quỹ không hạn chế"


# --- disbursements -------------------------------------------------------------------------


def test_disbursement_within_the_restricted_balance_is_recorded() -> None:
    ledger = _donate(_empty(), 5_000_000, APPEAL)
    entry = _disburse(ledger, 3_000_000, APPEAL)
    assert entry.lines == (
        Posting(EXPENSE_ACCOUNTS[Purpose.MEDICAL], Side.DEBIT, 3_000_000, APPEAL),
        Posting(PROVINCE.account(BANK), Side.CREDIT, 3_000_000, APPEAL),
    )
    ledger = ledger.post(entry)
    assert ledger.restriction_balance("TH", APPEAL) == 2_000_000
    assert ledger.net_assets("TH", APPEAL) == 2_000_000


def test_disbursement_beyond_the_balance_is_refused_naming_the_shortfall() -> None:
    ledger = _donate(_empty(), 3_000_000, APPEAL)
    with pytest.raises(InsufficientBalanceError) as refused:
        _disburse(ledger, 5_000_000, APPEAL)
    assert refused.value.status == 409
    assert refused.value.shortfall == 2_000_000
    assert refused.value.message.startswith("Không đủ số dư để chi 5.000.000 đồng")
    assert "quỹ có hạn chế (bài kêu gọi A-12) còn 3.000.000 đồng" in refused.value.message
    assert "thiếu 2.000.000 đồng" in refused.value.message


def test_restricted_money_does_not_pay_for_another_purpose() -> None:
    ledger = _donate(_empty(), 5_000_000, APPEAL)
    with pytest.raises(InsufficientBalanceError, match="quỹ không hạn chế còn 0 đồng"):
        _disburse(ledger, 1_000_000, None)
    with pytest.raises(InsufficientBalanceError, match="hồ sơ trẻ C-7"):
        _disburse(ledger, 1_000_000, CASE, allow_unrestricted=True)


def test_unrestricted_money_is_used_only_when_allowed() -> None:
    ledger = _donate(_donate(_empty(), 1_000_000, APPEAL), 4_000_000, None)
    with pytest.raises(InsufficientBalanceError, match=re.escape("thiếu 500.000 đồng")):
        _disburse(ledger, 1_500_000, APPEAL)
    entry = _disburse(ledger, 1_500_000, APPEAL, allow_unrestricted=True)
    bank = PROVINCE.account(BANK)
    assert set(entry.lines) == {
        Posting(EXPENSE_ACCOUNTS[Purpose.MEDICAL], Side.DEBIT, 1_500_000, APPEAL),
        Posting(bank, Side.CREDIT, 1_000_000, APPEAL),
        Posting(TRANSFERS_BETWEEN_RESTRICTIONS, Side.CREDIT, 500_000, APPEAL),
        Posting(TRANSFERS_BETWEEN_RESTRICTIONS, Side.DEBIT, 500_000, None),
        Posting(bank, Side.CREDIT, 500_000, None),
    }
    ledger = ledger.post(entry)
    assert ledger.restriction_balance("TH", APPEAL) == 0
    assert ledger.restriction_balance("TH", None) == 3_500_000
    assert ledger.account_balance("TH", "390") == 0
    assert ledger.account_balance("TH", "613") == 1_500_000


def test_top_up_is_refused_when_unrestricted_money_is_short_too() -> None:
    ledger = _donate(_donate(_empty(), 1_000_000, APPEAL), 200_000, None)
    with pytest.raises(InsufficientBalanceError) as refused:
        _disburse(ledger, 1_500_000, APPEAL, allow_unrestricted=True)
    assert "quỹ không hạn chế còn 200.000 đồng" in refused.value.message
    assert refused.value.shortfall == 300_000


def test_paying_account_must_hold_the_restricted_money() -> None:
    ledger = _donate(_empty(), 5_000_000, APPEAL, account=BANK)
    with pytest.raises(InsufficientBalanceError) as refused:
        _disburse(ledger, 1_000_000, APPEAL, paid_from=TREASURY)
    assert "Nguồn này còn 5.000.000 đồng ở tài khoản khác" in refused.value.message
    moved = ledger.post(
        record_transfer(
            ledger,
            fund="TH",
            amount=1_000_000,
            from_account=BANK,
            to_account=TREASURY,
            restriction=APPEAL,
            date=D2,
        )
    )
    assert moved.pot_balance("TH", TREASURY, APPEAL) == 1_000_000
    assert _disburse(moved, 1_000_000, APPEAL, paid_from=TREASURY, day=D3).amount == 1_000_000


def test_disbursement_dated_before_the_money_arrived_is_refused() -> None:
    ledger = _donate(_empty(), 1_000_000, APPEAL, day=D3)
    with pytest.raises(InsufficientBalanceError, match="tính từ ngày 02/03/2026"):
        _disburse(ledger, 1_000_000, APPEAL, day=D2)


def test_back_dated_disbursement_may_not_overdraw_a_later_date() -> None:
    ledger = _donate(_empty(), 1_000_000, APPEAL, day=D1)
    ledger = ledger.post(_disburse(ledger, 800_000, APPEAL, day=D3))
    assert ledger.available("TH", BANK, APPEAL, D2) == 200_000
    with pytest.raises(InsufficientBalanceError, match=re.escape("thiếu 300.000 đồng")):
        _disburse(ledger, 500_000, APPEAL, day=D2)
    assert _disburse(ledger, 200_000, APPEAL, day=D2).amount == 200_000


def test_unknown_purpose_is_refused() -> None:
    ledger = _donate(_empty(), 600_000)
    with pytest.raises(LedgerRefusedError, match="Mục đích chi không hợp lệ"):
        record_disbursement(
            ledger,
            fund="TH",
            amount=1,
            purpose="bribes",  # type: ignore[arg-type]
            restriction=None,
            paid_from=BANK,
            date=D2,
        )


def test_in_kind_goods_are_given_out_from_the_in_kind_account() -> None:
    ledger = _donate(_empty(), 600_000, CASE, account="152")
    ledger = ledger.post(_disburse(ledger, 600_000, CASE, paid_from="152"))
    assert ledger.account_balance("TH", "152") == 0


def test_transfer_is_only_between_two_different_money_accounts() -> None:
    ledger = _donate(_empty(), 600_000, None)
    for source, target in ((BANK, "152"), (BANK, BANK)):
        with pytest.raises(LedgerRefusedError, match="Chỉ chuyển tiền"):
            record_transfer(
                ledger,
                fund="TH",
                amount=1,
                from_account=source,
                to_account=target,
                restriction=None,
                date=D2,
            )
    with pytest.raises(InsufficientBalanceError, match=re.escape("thiếu 400.000 đồng")):
        record_transfer(
            ledger,
            fund="TH",
            amount=1_000_000,
            from_account=BANK,
            to_account=CASH.code,
            restriction=None,
            date=D2,
        )


# --- reversals -----------------------------------------------------------------------------


def _donation(ledger: Ledger, amount: int, restriction: Restriction | None = None) -> JournalEntry:
    return record_donation(
        ledger, fund="TH", amount=amount, asset_account=BANK, restriction=restriction, date=D1
    )


def test_full_reversal_mirrors_the_original_and_links_to_it() -> None:
    ledger = _empty()
    gift = _donation(ledger, 1_000_000, APPEAL)
    ledger = ledger.post(gift)
    refund = reverse(ledger, entry_id=gift.id, amount=None, reason="Chuyển nhầm", date=D2)
    assert refund.reverses == gift.id
    assert refund.memo == f"Đảo bút toán {gift.id}: Chuyển nhầm"
    assert refund.lines == tuple(line.mirrored(line.amount) for line in gift.lines)
    ledger = ledger.post(refund)
    assert ledger.balances("TH") == {(BANK, APPEAL): 0, ("511", APPEAL): 0}
    assert ledger.reversible_amount(gift.id) == 0
    assert ledger.account_balance("TH", BANK, as_of=D1) == 1_000_000


def test_partial_refunds_are_tracked_and_cannot_exceed_the_original() -> None:
    ledger = _empty()
    gift = _donation(ledger, 1_000_000)
    ledger = ledger.post(gift)
    ledger = ledger.post(reverse(ledger, entry_id=gift.id, amount=300_000, reason="Hoàn", date=D2))
    assert ledger.reversed_amount(gift.id) == 300_000
    with pytest.raises(LedgerRefusedError, match=re.escape("chỉ còn 700.000 đồng chưa đảo")):
        reverse(ledger, entry_id=gift.id, amount=800_000, reason="Hoàn", date=D2)
    ledger = ledger.post(reverse(ledger, entry_id=gift.id, amount=None, reason="Hoàn", date=D3))
    assert ledger.reversed_amount(gift.id) == 1_000_000
    with pytest.raises(LedgerRefusedError, match="đã được đảo toàn bộ"):
        reverse(ledger, entry_id=gift.id, amount=None, reason="Hoàn", date=D3)


def test_refund_of_money_already_spent_is_refused() -> None:
    ledger = _empty()
    gift = _donation(ledger, 1_000_000, APPEAL)
    ledger = ledger.post(gift)
    ledger = ledger.post(_disburse(ledger, 900_000, APPEAL))
    with pytest.raises(InsufficientBalanceError, match=re.escape("thiếu 400.000 đồng")):
        reverse(ledger, entry_id=gift.id, amount=500_000, reason="Hoàn", date=D3)


def test_reversal_rules_on_date_reason_unknown_entry_and_reversal_of_reversal() -> None:
    ledger = _empty()
    gift = _donation(ledger, 1_000_000)
    ledger = ledger.post(gift)
    with pytest.raises(LedgerRefusedError, match="không được trước ngày bút toán gốc"):
        reverse(ledger, entry_id=gift.id, amount=None, reason="x", date=date(2026, 2, 1))
    with pytest.raises(LedgerRefusedError, match="lý do"):
        reverse(ledger, entry_id=gift.id, amount=None, reason=" ", date=D2)
    with pytest.raises(LedgerRefusedError, match="Không tìm thấy bút toán") as missing:
        reverse(ledger, entry_id=uuid.uuid4(), amount=None, reason="x", date=D2)
    assert missing.value.status == 404
    refund = reverse(ledger, entry_id=gift.id, amount=100, reason="x", date=D2)
    ledger = ledger.post(refund)
    with pytest.raises(LedgerRefusedError, match="Không đảo một bút toán đảo"):
        reverse(ledger, entry_id=refund.id, amount=None, reason="x", date=D2)


def test_compound_entry_is_reversed_only_in_full_and_gives_back_the_top_up() -> None:
    ledger = _donate(_donate(_empty(), 1_000_000, APPEAL), 4_000_000, None)
    payment = _disburse(ledger, 1_500_000, APPEAL, allow_unrestricted=True)
    ledger = ledger.post(payment)
    with pytest.raises(LedgerRefusedError, match="chỉ được đảo toàn bộ"):
        reverse(ledger, entry_id=payment.id, amount=100, reason="Trả lại", date=D3)
    ledger = ledger.post(
        reverse(ledger, entry_id=payment.id, amount=None, reason="Trả lại", date=D3)
    )
    assert ledger.restriction_balance("TH", APPEAL) == 1_000_000
    assert ledger.restriction_balance("TH", None) == 4_000_000
    assert ledger.account_balance("TH", "613") == 0


def test_a_forged_reversal_that_does_not_mirror_the_original_is_refused() -> None:
    ledger = _empty()
    gift = _donation(ledger, 1_000_000)
    ledger = ledger.post(gift)
    forged = JournalEntry(
        id=uuid.uuid4(),
        fund="TH",
        date=D2,
        memo="Đảo",
        lines=(Posting(CASH, Side.CREDIT, 10), Posting(CASH_DONATIONS, Side.DEBIT, 10)),
        reverses=gift.id,
    )
    with pytest.raises(LedgerRefusedError, match="đối ứng đúng"):
        ledger.post(forged)
