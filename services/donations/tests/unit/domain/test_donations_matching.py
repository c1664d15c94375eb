"""The matching cascade: order, confidence, thresholds, reasons, fees and refunds."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from baotro_donations.domain.bank_memo import read_memo
from baotro_donations.domain.bank_statement import Direction
from baotro_donations.domain.matching import (
    BankLineView,
    CodeTarget,
    KeywordRule,
    LearnedRule,
    MatchIndex,
    MatchKind,
    MatchStatus,
    OpenPledge,
    Thresholds,
    match_line,
)

DONOR = uuid.UUID(int=1)
OTHER = uuid.UUID(int=2)
UNIT = uuid.UUID(int=3)
PLEDGE = uuid.UUID(int=4)
APPEAL = str(uuid.UUID(int=5))
CAMPAIGN = str(uuid.UUID(int=6))
TODAY = date(2026, 6, 3)


def _line(
    memo: str,
    amount: int = 500_000,
    *,
    direction: Direction = Direction.CREDIT,
    codes: tuple[str, ...] = (),
    counter_account: str | None = None,
) -> BankLineView:
    return BankLineView(
        amount=amount,
        direction=direction,
        booked_on=TODAY,
        memo=memo,
        facts=read_memo(memo),
        codes=codes,
        counter_account=counter_account,
    )


INDEX = MatchIndex(
    codes={
        "THA7K3M9X2": CodeTarget("THA7K3M9X2", "appeal", APPEAL, "bài kêu gọi Bé A."),
        "THD2K3M9X4": CodeTarget("THD2K3M9X4", "donor", str(DONOR), "nhà tài trợ", DONOR),
    },
    donors_by_account={"0011004123456": [DONOR], "0101001222009": [DONOR, OTHER]},
    donor_names={DONOR: "NGUYEN THI MAI", OTHER: "TRAN VAN BINH"},
    open_pledges=[
        OpenPledge(PLEDGE, UNIT, "Sở Y tế", 1_234_000, date(2026, 6, 1), date(2026, 6, 30))
    ],
    rules=[LearnedRule(uuid.UUID(int=9), memo_words="HOI CHU THAP DO", donor_id=OTHER)],
    keywords=[KeywordRule("THANG HANH DONG", CAMPAIGN, "Tháng hành động vì trẻ em 2026")],
)


def test_a_valid_issued_code_matches_automatically_and_says_why() -> None:
    match = match_line(_line("NGUYEN THI MAI ung ho THA7K3M9X2", codes=("THA7K3M9X2",)), INDEX)
    assert match.kind is MatchKind.PAYMENT_CODE
    assert match.confidence == 1.0
    assert (match.target_kind, match.target_id, match.code) == ("appeal", APPEAL, "THA7K3M9X2")
    assert "THA7K3M9X2 hợp lệ" in match.reason
    assert Thresholds().status(match) is MatchStatus.MATCHED


def test_a_donor_code_gives_the_donor_and_a_general_gift() -> None:
    match = match_line(_line("ung ho THD2K3M9X4", codes=("THD2K3M9X4",)), INDEX)
    assert (match.target_kind, match.target_id, match.donor_id) == ("general", None, DONOR)


def test_two_different_codes_are_only_suggested() -> None:
    match = match_line(_line("x", codes=("THA7K3M9X2", "THD2K3M9X4")), INDEX)
    assert Thresholds().status(match) is MatchStatus.SUGGESTED


def test_an_unknown_code_falls_through_to_the_next_rules() -> None:
    match = match_line(_line("THANG HANH DONG THX2345678", codes=("THX2345678",)), INDEX)
    assert match.kind is MatchKind.KEYWORD


def test_known_sender_account_matches_when_unique_and_suggests_when_shared() -> None:
    unique = match_line(_line("chuyen tien", counter_account="0011004123456"), INDEX)
    assert (unique.kind, unique.donor_id, Thresholds().status(unique)) == (
        MatchKind.SENDER_ACCOUNT,
        DONOR,
        MatchStatus.MATCHED,
    )
    assert "0011004123456" not in unique.reason
    shared = match_line(
        _line(
            "MBVCB.6916176124.CAO VIET TUAN chuyen tien.CT tu 0101001222009 CAO VIET TUAN "
            "toi 3500431101000909 QUY BAO TRO"
        ),
        INDEX,
    )
    assert Thresholds().status(shared) is MatchStatus.SUGGESTED


def test_learned_rule_then_pledge_amount_then_name() -> None:
    rule = match_line(_line("HOI CHU THAP DO XA AN NONG ung ho"), INDEX)
    assert (rule.kind, rule.donor_id) == (MatchKind.LEARNED_RULE, OTHER)
    pledge = match_line(_line("ung ho 1 ngay luong", amount=1_234_000), INDEX)
    assert (pledge.kind, pledge.target_id) == (MatchKind.PLEDGE_AMOUNT, str(PLEDGE))
    assert Thresholds().status(pledge) is MatchStatus.SUGGESTED
    name = match_line(_line("NGUYEN THI MAI chuyen tien"), INDEX)
    assert (name.kind, name.donor_id) == (MatchKind.DONOR_NAME, DONOR)
    assert Thresholds().status(name) is MatchStatus.SUGGESTED


def test_names_never_match_automatically_even_when_identical() -> None:
    name = match_line(_line("NGUYEN THI MAI chuyen tien"), INDEX)
    assert name.confidence < Thresholds().automatic


def test_keyword_rules_survive_line_wrapping() -> None:
    match = match_line(_line("ung ho thang hanh do\nng vi tre em"), INDEX)
    assert (match.kind, match.target_id) == (MatchKind.KEYWORD, CAMPAIGN)


def test_nothing_known_goes_to_review() -> None:
    match = match_line(_line("ung ho dong bao"), INDEX)
    assert Thresholds().status(match) is MatchStatus.UNMATCHED


@pytest.mark.parametrize(
    ("memo", "kind", "status", "reference"),
    [
        ("THU PHI DICH VU SMS BANKING T05/2026", MatchKind.FEE, MatchStatus.IGNORED, None),
        (
            "HOAN TIEN GD FT26154029841133 CHUYEN NHAM",
            MatchKind.REFUND,
            MatchStatus.MATCHED,
            "FT26154029841133",
        ),
        ("TRA LAI TIEN CHUYEN NHAM", MatchKind.REFUND, MatchStatus.SUGGESTED, None),
        ("CHI HO TRO", MatchKind.NONE, MatchStatus.UNMATCHED, None),
    ],
)
def test_debits(memo: str, kind: MatchKind, status: MatchStatus, reference: str | None) -> None:
    match = match_line(_line(memo, 11_000, direction=Direction.DEBIT), INDEX)
    assert match.kind is kind
    assert Thresholds().status(match) is status
    assert match.refund_of == reference


def test_thresholds_are_configurable_but_names_stay_suggestions() -> None:
    pledge = match_line(_line("ung ho", amount=1_234_000), INDEX)
    assert Thresholds(automatic=0.7, suggest=0.5).status(pledge) is MatchStatus.MATCHED
    assert Thresholds(automatic=0.99, suggest=0.9).status(pledge) is MatchStatus.UNMATCHED
    name = match_line(_line("NGUYEN THI MAI chuyen tien"), INDEX)
    assert Thresholds(automatic=0.5, suggest=0.4).status(name) is MatchStatus.SUGGESTED


# --- several codes, inactive codes, the sender beside a code -----------------------------------

INACTIVE = CodeTarget("THP3K3M9X7", "pledge", str(PLEDGE), "cam kết đã đóng", active=False)
PURPOSES = MatchIndex(
    codes={
        **INDEX.codes,
        "THC5M2N8R4": CodeTarget("THC5M2N8R4", "campaign", CAMPAIGN, "đợt Tết"),
        INACTIVE.code: INACTIVE,
    },
    donors_by_account=INDEX.donors_by_account,
)


def test_the_same_code_written_twice_matches_automatically() -> None:
    match = match_line(_line("THA7K3M9X2 tha7k3m9x2", codes=("THA7K3M9X2",) * 2), PURPOSES)
    assert (Thresholds().status(match), match.target_id) == (MatchStatus.MATCHED, APPEAL)


def test_a_donors_code_beside_a_purposes_code_is_suggested_with_both_filled_in() -> None:
    match = match_line(_line("x", codes=("THD2K3M9X4", "THA7K3M9X2")), PURPOSES)
    assert Thresholds().status(match) is MatchStatus.SUGGESTED
    assert (match.target_kind, match.target_id, match.donor_id) == ("appeal", APPEAL, DONOR)
    assert match.confidence == 0.8


def test_two_purposes_codes_are_suggested_without_a_target() -> None:
    match = match_line(_line("x", codes=("THA7K3M9X2", "THC5M2N8R4")), PURPOSES)
    assert (Thresholds().status(match), match.target_id) == (MatchStatus.SUGGESTED, None)
    assert "THA7K3M9X2, THC5M2N8R4" in match.reason


@pytest.mark.parametrize("codes", [(INACTIVE.code,), (INACTIVE.code, "THA7K3M9X2")])
def test_a_code_of_an_inactive_target_is_never_automatic(codes: tuple[str, ...]) -> None:
    match = match_line(_line("x", codes=codes, counter_account="0011004123456"), PURPOSES)
    assert Thresholds().status(match) is MatchStatus.SUGGESTED
    assert "hết hiệu lực" in match.reason


def test_a_purposes_code_takes_the_donor_from_a_known_sender_account() -> None:
    memo = (
        "MBVCB.6916176124.ung ho THA7K3M9X2.CT tu 0011004123456 NGUYEN THI MAI toi "
        "3500431101000909 QUY BAO TRO"
    )
    match = match_line(_line(memo, codes=("THA7K3M9X2",)), PURPOSES)
    assert (match.kind, match.target_id, match.donor_id) == (MatchKind.PAYMENT_CODE, APPEAL, DONOR)
    assert "…456" in match.reason
    assert "0011004123456" not in match.reason


def test_a_donors_own_code_wins_over_another_donors_account() -> None:
    match = match_line(_line("x", codes=("THD2K3M9X4",), counter_account="0101001222009"), INDEX)
    assert (match.kind, match.donor_id) == (MatchKind.PAYMENT_CODE, DONOR)


def test_reasons_show_only_the_last_three_digits_of_an_account() -> None:
    rule = LearnedRule(uuid.UUID(int=8), sender_account="0011009998887", donor_id=OTHER)
    index = MatchIndex(donors_by_account=INDEX.donors_by_account, rules=[rule])
    for account in ("0011004123456", "0101001222009", "0011009998887"):
        match = match_line(_line("chuyen tien", counter_account=account), index)
        assert account not in match.reason
        assert f"…{account[-3:]}" in match.reason


# --- debits ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("memo", "reference"),
    [
        ("HOAN TIEN GD FT24254 570186905 DO CHUYEN NHAM", "FT24254570186905"),
        (
            "TRA LAI TIEN UNG HO CHUYEN NHAM, GD FT24254570186905 FT24256999999999",
            "FT24254570186905",
        ),
        ("Hoàn tiền giao dịch 145356.100924.084315 do chuyển nhầm", "145356.100924.084315"),
        ("REFUND 6991878957", "6991878957"),
        ("HOAN TRA GD 5213.45946 NGAY 01/09/2024", "5213.45946"),
        (
            "MBVCB.7012345678.HOAN TIEN MBVCB.6991878957.CT tu 3500431101000909 QUY BAO TRO "
            "toi 0101001222009 NGUYEN VAN AN",
            "6991878957",
        ),
        ("FT24256999999999 HOAN TIEN GD JDC5013867", "JDC5013867"),
    ],
)
def test_a_refund_names_the_transfer_it_returns_not_its_own_reference(
    memo: str, reference: str
) -> None:
    match = match_line(_line(memo, 500_000, direction=Direction.DEBIT), INDEX)
    assert (match.kind, match.refund_of) == (MatchKind.REFUND, reference)
    assert Thresholds().status(match) is MatchStatus.MATCHED


@pytest.mark.parametrize(
    ("memo", "kind"),
    [
        ("Thu phi chuyen tien lien ngan hang FT24256217218078", MatchKind.FEE),
        ("Phí dịch vụ Internet Banking tháng 9/2024", MatchKind.FEE),
        ("THUE VAT PHI SMS BANKING T09/2024", MatchKind.FEE),
        ("PHI QLTK TO CHUC T09", MatchKind.FEE),
        ("CHI HO TRO GIA DINH LE PHI LONG", MatchKind.NONE),
        ("CHI TRA LAISUAT", MatchKind.NONE),
    ],
)
def test_fees_are_whole_phrases(memo: str, kind: MatchKind) -> None:
    match = match_line(_line(memo, 11_000, direction=Direction.DEBIT), INDEX)
    assert match.kind is kind


def test_contradictory_memos_stay_suggestions_whatever_the_thresholds() -> None:
    lenient = Thresholds(automatic=0.55, suggest=0.5)
    for match in (
        match_line(_line("x", codes=("THA7K3M9X2", "THC5M2N8R4")), PURPOSES),
        match_line(_line("x", codes=("THD2K3M9X4", "THA7K3M9X2")), PURPOSES),
        match_line(_line("x", codes=(INACTIVE.code,)), PURPOSES),
        match_line(_line("chuyen tien", counter_account="0101001222009"), INDEX),
    ):
        assert lenient.status(match) is MatchStatus.SUGGESTED, match
