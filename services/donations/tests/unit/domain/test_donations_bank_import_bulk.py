"""The bulk paths of a statement import decide as the one-at-a-time paths do: gifts posted
in bulk, deduplication keys of a statement read a part at a time, payer names compared once;
and an import leaves the garbage collector as it found it."""

from __future__ import annotations

import gc
import uuid
from datetime import date, timedelta

import pytest

from baotro_donations.domain import bank_dedupe
from baotro_donations.domain.bank_dedupe import KeyedLine
from baotro_donations.domain.bank_memo import read_memo
from baotro_donations.domain.bank_statement import Direction
from baotro_donations.domain.ledger import (
    GiftPosting,
    Ledger,
    record_donation,
    record_donations,
)
from baotro_donations.domain.ledger_accounts import (
    BankAccount,
    Fund,
    FundLevel,
    LedgerRefusedError,
    Restriction,
    RestrictionKind,
)
from baotro_donations.domain.matching import (
    BankLineView,
    MatchIndex,
    NameMatch,
    match_line,
    sorted_words,
)
from baotro_donations.service_layer.bank_feed_handlers import GC_THRESHOLDS, _Collections
from baotro_donations.service_layer.bank_line_reading import digits

AGRIBANK = BankAccount("AGRIBANK", "Agribank chi nhánh Thanh Hóa", "3500.431.101.000.909")
KBNN = BankAccount("KBNN", "Kho bạc Nhà nước tỉnh Thanh Hóa", "3751.0.111.4523")
FUND = Fund("TH", "Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa", FundLevel.PROVINCE, (AGRIBANK, KBNN))
CAMPAIGN = Restriction(RestrictionKind.CAMPAIGN, str(uuid.UUID(int=7)))
DAY = date(2024, 9, 10)


def _gifts() -> list[GiftPosting]:
    pots = [("112.AGRIBANK", None), ("112.AGRIBANK", CAMPAIGN), ("112.KBNN", CAMPAIGN)]
    return [
        GiftPosting(
            amount=10_000 * (n + 1),
            asset_account=pots[n % 3][0],
            restriction=pots[n % 3][1],
            date=DAY + timedelta(days=n % 4),
            memo="Chuyển khoản ủng hộ" if n == 4 else None,
            entry_id=uuid.UUID(int=1000 + n),
        )
        for n in range(12)
    ]


def test_gifts_posted_in_bulk_are_the_entries_posted_one_by_one() -> None:
    ledger = Ledger.open([FUND])
    gifts = _gifts()
    one_by_one = [
        record_donation(
            ledger,
            fund="TH",
            amount=g.amount,
            asset_account=g.asset_account,
            restriction=g.restriction,
            date=g.date,
            memo=g.memo,
            entry_id=g.entry_id,
        )
        for g in gifts
    ]
    bulk = record_donations(ledger, fund="TH", gifts=gifts)
    assert bulk == one_by_one
    for entry in bulk:
        assert entry.total_debit == entry.total_credit == entry.amount
        # a ledger accepts each of them as it would any entry
        ledger.validate(entry)


@pytest.mark.parametrize("amount", [0, -5, 1.5])
def test_a_bad_amount_is_refused_in_bulk_as_it_is_alone(amount: object) -> None:
    gifts = _gifts()
    gifts[7] = GiftPosting(amount, "112.KBNN", CAMPAIGN, DAY, entry_id=uuid.UUID(int=1))  # type: ignore[arg-type]
    with pytest.raises(LedgerRefusedError) as alone:
        record_donation(
            Ledger.open([FUND]),
            fund="TH",
            amount=amount,  # type: ignore[arg-type]
            asset_account="112.KBNN",
            restriction=CAMPAIGN,
            date=DAY,
        )
    with pytest.raises(LedgerRefusedError) as bulk:
        record_donations(Ledger.open([FUND]), fund="TH", gifts=gifts)
    assert bulk.value.message == alone.value.message


def test_a_gift_whose_entry_is_in_the_book_is_refused_in_bulk() -> None:
    gifts = _gifts()
    posted = record_donations(Ledger.open([FUND]), fund="TH", gifts=gifts[:1])[0]
    ledger = Ledger.open([FUND]).post(posted)
    again = GiftPosting(5_000, "112.AGRIBANK", None, DAY, entry_id=posted.id)
    with pytest.raises(LedgerRefusedError) as refused:
        record_donations(ledger, fund="TH", gifts=[gifts[3], again])
    assert refused.value.status == 409


def test_an_unknown_account_is_refused_in_bulk() -> None:
    gift = GiftPosting(5_000, "112.VCB", None, DAY, entry_id=uuid.UUID(int=3))
    with pytest.raises(LedgerRefusedError):
        record_donations(Ledger.open([FUND]), fund="TH", gifts=[gift])


def _keyed(n: int) -> KeyedLine:
    memos = ["ung ho dong bao", "UNG HO  dong bao", "Ủng hộ đồng bào", "MBVCB.6916176124.ung ho"]
    reference = "FT24254570186905" if n % 5 == 0 else None
    return KeyedLine(
        account="TH/VCB",
        booked_on=DAY + timedelta(days=n % 2),
        direction="credit",
        amount=50_000,
        memo=memos[n % 4],
        references=(reference, None),
    )


def test_keys_of_a_statement_read_in_parts_are_the_keys_of_the_whole() -> None:
    lines = [_keyed(n) for n in range(40)]
    whole = bank_dedupe.statement_keys(lines)
    keys = bank_dedupe.StatementKeys()
    parts = [*keys.of(lines[:7]), *keys.of(lines[7:30]), *keys.of(lines[30:])]
    assert parts == whole
    # a reference repeated across parts is registered by its first line only
    registered = [k for line in parts for k in line.register if k.startswith("ref:")]
    looked_up = [k for line in parts for k in line.lookup if k.startswith("ref:")]
    assert len(registered) == len(set(registered)) == 2 < len(looked_up)
    # numbered elsewhere up to a point, then here from where it stood
    first, then = bank_dedupe.StatementKeys(), bank_dedupe.StatementKeys()
    head = first.numbered(map(bank_dedupe.key_parts, lines[:25]))
    then.resume(first.state())
    assert [*head, *then.of(lines[25:])] == whole


def test_fingerprint_reads_ascii_and_vietnamese_memos_alike() -> None:
    plain = bank_dedupe.fingerprint_base("TH/VCB", DAY, "credit", 1, "ung ho dong bao")
    marked = bank_dedupe.fingerprint_base("TH/VCB", DAY, "credit", 1, "Ủng hộ, đồng bào!")
    assert plain == marked


def _view(memo: str) -> BankLineView:
    return BankLineView(
        amount=50_000,
        direction=Direction.CREDIT,
        booked_on=DAY,
        memo=memo,
        facts=read_memo(memo),
    )


def test_payer_names_compared_once_match_as_compared_each_time() -> None:
    names = {uuid.UUID(int=n): name for n, name in enumerate(["NGUYEN VAN AN", "TRAN THI BINH"])}
    memos = [
        "NGUYEN VAN AN chuyen tien",
        "NGUYEN VAN ANH chuyen tien",
        "TRAN THI BINH ung ho",
        "LE VAN CUONG ung ho",
        "NGUYEN VAN AN chuyen tien",
    ]
    seen: dict[str, NameMatch] = {}
    shared = MatchIndex(donor_names=names, name_matches=seen)
    for memo in memos:
        fresh = MatchIndex(donor_names=names)
        assert match_line(_view(memo), shared) == match_line(_view(memo), fresh)
    assert set(seen) == {"NGUYEN VAN AN", "NGUYEN VAN ANH", "TRAN THI BINH", "LE VAN CUONG"}
    assert seen["LE VAN CUONG"] is None
    assert seen["NGUYEN VAN AN"] == (uuid.UUID(int=0), 100.0)
    assert sorted_words("VAN AN NGUYEN") == sorted_words("NGUYEN VAN AN")


def test_imports_run_with_fewer_collections_and_put_the_thresholds_back() -> None:
    before = gc.get_threshold()
    collections = _Collections()
    with collections.fewer():
        assert gc.get_threshold() == GC_THRESHOLDS
        with collections.fewer():  # a second import at the same time
            assert gc.get_threshold() == GC_THRESHOLDS
        assert gc.get_threshold() == GC_THRESHOLDS
    assert gc.get_threshold() == before


def test_account_digits_are_read_in_any_spelling() -> None:
    assert digits("0011001932418") == "0011001932418"
    assert digits("0011.0019.32418") == "0011001932418"
    assert digits("VCB") == ""
