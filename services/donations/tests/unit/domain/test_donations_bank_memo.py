"""Memo understanding on real memos of the 2024 flood appeal (../shared/data)."""

from __future__ import annotations

import csv
import gzip
import itertools
import re

import pytest

from baotro_donations.domain.bank_memo import MemoSource, cited_references, read_memo
from baotro_shared.testing.shared_data import saoke_dir

DATA = saoke_dir()


@pytest.mark.parametrize(
    ("memo", "counterparty", "text", "name", "account", "bank_bin", "reference", "source"),
    [
        (
            "272986.010924.101858.DO DUC LOI chuyen tien",
            None,
            "DO DUC LOI chuyen tien",
            "DO DUC LOI",
            None,
            None,
            "272986",
            MemoSource.NAPAS,
        ),
        (
            "MBVCB.6916176124.CAO VIET TUAN chuyen tien.CT tu 0101001222009 CAO VIET TUAN "
            "toi 0011001932418 MAT TRAN TO QUOC VN - BAN CUU TRO TW",
            None,
            "CAO VIET TUAN chuyen tien",
            "CAO VIET TUAN",
            "0101001222009",
            None,
            "6916176124",
            MemoSource.VCB_INTERNAL,
        ),
        (
            "MBVCB.6988792783.kho khan.CT tu 1036176836 toi 0011001932418 Uy Ban Trung uong",
            None,
            "kho khan",
            None,
            "1036176836",
            None,
            "6988792783",
            MemoSource.VCB_INTERNAL,
        ),
        (
            "020097040509011046122024JDC5013867.96713 .104607.Vietcombank:0011001932418:"
            "DANG THI THANH MHS533583",
            None,
            "DANG THI THANH MHS533583",
            "DANG THI THANH",
            None,
            "970405",
            "JDC5013867",
            MemoSource.INTERBANK,
        ),
        (
            "020097042209101324462024BO2H175776.9536 6.132427.VU THU TRANG chuyen tien",
            None,
            "VU THU TRANG chuyen tien",
            "VU THU TRANG",
            None,
            "970422",
            "BO2H175776",
            MemoSource.INTERBANK,
        ),
        (
            "PARTNER.DIRECT_DEBITS_VCB.MSE.6653 3407905.20240910.66533407905-0961857724_U ng ho "
            "dong bao",
            None,
            "U ng ho dong bao",
            None,
            None,
            None,
            None,
            MemoSource.WALLET,
        ),
        (
            "Chuyen tien den tu NAPAS Noi dung: TRINH\nVAN DOAN chuyen tien FT24256217218078 "
            "(CT1111)",
            "VND-TGTT-TRINH VAN DOAN –\nA/C",
            "TRINH VAN DOAN chuyen tien",
            "TRINH VAN DOAN",
            None,
            None,
            "FT24256217218078",
            MemoSource.VIETINBANK_247,
        ),
        (
            "CT nhanh 247 den: ung ho ba con lao cai vuot\nqua thien tai (CT1111)",
            "NGUYEN SON TUNG – A/C",
            "ung ho ba con lao cai vuot qua thien tai",
            "NGUYEN SON TUNG",
            None,
            None,
            None,
            MemoSource.VIETINBANK_247,
        ),
        (
            "Nguyen Thi Minh Anh va Nguyen Thi Ngoc Anh ung ho cac tinh bi bao lut",
            None,
            "Nguyen Thi Minh Anh va Nguyen Thi Ngoc Anh ung ho cac tinh bi bao lut",
            "NGUYEN THI MINH ANH",
            None,
            None,
            None,
            MemoSource.PLAIN,
        ),
        (
            "TRAN TIEN ANH chuyen tien ung ho; thoi gian GD:10092024 23:59:01",
            None,
            "TRAN TIEN ANH chuyen tien ung ho",
            "TRAN TIEN ANH",
            None,
            None,
            None,
            MemoSource.PLAIN,
        ),
        (
            "UNG HO DONG BAO BAO LU",
            None,
            "UNG HO DONG BAO BAO LU",
            None,
            None,
            None,
            None,
            MemoSource.PLAIN,
        ),
        (
            "Ung ho cac tinh bi bao lu.",
            None,
            "Ung ho cac tinh bi bao lu",
            None,
            None,
            None,
            None,
            MemoSource.PLAIN,
        ),
    ],
)
def test_real_memo_formats(
    memo: str,
    counterparty: str | None,
    text: str,
    name: str | None,
    account: str | None,
    bank_bin: str | None,
    reference: str | None,
    source: MemoSource,
) -> None:
    facts = read_memo(memo, counterparty)
    assert facts.text == text
    assert facts.payer_name == name
    assert facts.sender_account == account
    assert facts.sender_bank_bin == bank_bin
    assert facts.bank_reference == reference
    assert facts.source is source


def test_every_vietcombank_internal_transfer_yields_the_sender_account() -> None:
    """On the first 20,000 real Vietcombank credits: every "CT tu <account>" memo gives the
    account, and most memos give a payer name."""
    with gzip.open(DATA / "Vietcombank-0011001932418-20240901-20240910.csv.gz", "rt") as raw:
        rows = list(itertools.islice(csv.DictReader(raw), 20_000))
    facts = [read_memo(row["TransactionDetails"]) for row in rows]
    with_ct_tu = [
        f for row, f in zip(rows, facts, strict=True) if " CT tu " in row["TransactionDetails"]
    ]
    assert with_ct_tu
    assert all(f.sender_account for f in with_ct_tu)
    named = sum(1 for f in facts if f.payer_name)
    assert named / len(facts) > 0.5
    sources = {f.source for f in facts}
    assert {MemoSource.NAPAS, MemoSource.INTERBANK, MemoSource.VCB_INTERNAL} <= sources


@pytest.mark.parametrize(
    ("memo", "account", "name", "source", "reference"),
    [
        (  # 306 real memos glue "toi" to the receiving account
            "MBVCB.6988495236.MAI QUYNH CHI chuyen tien.CT tu 1035224164 MAI QUYNH CHI "
            "toi0011001932418 MAT TRAN TO QUOC VN - BAN CUU TRO TW",
            "1035224164",
            "MAI QUYNH CHI",
            MemoSource.VCB_INTERNAL,
            "6988495236",
        ),
        (  # internet banking
            "IBVCB.6993159745.NGUYEN THI THUY chuyen tien.CT tu 0731000625729 NGUYEN THI THUY "
            "toi 0011001932418 MAT TRAN TO QUOC VN - BAN CUU TRO TW",
            "0731000625729",
            "NGUYEN THI THUY",
            MemoSource.VCB_INTERNAL,
            "6993159745",
        ),
        (  # no words of the donor
            "MBVCB.6995372404....CT tu 1014819377 CHUNG THANH toi 0011001932418 MAT TRAN",
            "1014819377",
            "CHUNG THANH",
            MemoSource.VCB_INTERNAL,
            "6995372404",
        ),
        (  # cut by the bank's length limit inside the name: the account is whole
            "MBVCB.6916176124.ung ho.CT tu 0101001222009 CAO VIET TU",
            "0101001222009",
            None,
            MemoSource.VCB_INTERNAL,
            "6916176124",
        ),
        (  # cut inside the account: not read
            "MBVCB.6916176124.ung ho.CT tu 0101001222",
            None,
            None,
            MemoSource.VCB_INTERNAL,
            "6916176124",
        ),
        (  # typed by a donor in a NAPAS memo, not written by the bank: not the sender's
            "272986.010924.101858.CT tu 0101001222009 ung ho",
            None,
            None,
            MemoSource.NAPAS,
            "272986",
        ),
    ],
)
def test_sender_account_only_where_the_bank_wrote_it_whole(
    memo: str, account: str | None, name: str | None, source: MemoSource, reference: str
) -> None:
    facts = read_memo(memo)
    assert (facts.sender_account, facts.source, facts.bank_reference) == (
        account,
        source,
        reference,
    )
    if name:
        assert facts.payer_name == name


@pytest.mark.parametrize(
    ("memo", "text"),
    [
        (
            "HA THY chuyen tien cuu tro mien Bac\n(CT1111); thoi gian GD:12/09/2024 00:17:32",
            "HA THY chuyen tien cuu tro mien Bac",
        ),
        (
            "CT nhanh 247 den: NGUYEN HUYEN TRANG\nCHUYEN TIEN (ct1111)",
            "NGUYEN HUYEN TRANG CHUYEN TIEN",
        ),
        (
            "707516.100924.184446.UNG HO MIEN BAC-100924-18:44:46 707516",
            "UNG HO MIEN BAC",
        ),
        (
            "Chuyen tien den tu NAPAS Noi dung: CUU TRO\nDONG BAO MIEN BAC-110924-\n22:28:54 "
            "385542 (CT1111)",
            "CUU TRO DONG BAO MIEN BAC",
        ),
    ],
)
def test_bank_trailers_are_not_the_donors_words(memo: str, text: str) -> None:
    assert read_memo(memo).text == text


def test_a_napas_memo_with_an_ft_number_is_referenced_by_it_and_lists_every_reference() -> None:
    facts = read_memo("145356.100924.084315.NGUYEN THI QUYNH ANH ung ho FT24254 570186905 (CT1111)")
    assert facts.bank_reference == "FT24254570186905"
    assert facts.references == ("FT24254570186905", "145356", "145356.100924.084315")
    assert facts.text == "NGUYEN THI QUYNH ANH ung ho"


def test_cited_references_in_order_and_in_the_forms_memos_give() -> None:
    text = "HOAN TIEN GD FT24254 570186905, MBVCB.6991878957, 145356.100924.084315, 5213.45946"
    assert [ref for _, ref in cited_references(text)] == [
        "FT24254570186905",
        "6991878957",
        "145356.100924.084315",
        "5213.45946",
    ]
    assert [ref for _, ref in cited_references("TRA LAI TIEN GD SO JDC5013867")] == ["JDC5013867"]
    assert cited_references("TRA LAI TIEN CHUYEN NHAM NGAY 10/09") == []


def test_every_bank_written_sender_account_of_the_three_real_statements_is_read() -> None:
    """All 48,053 real "CT tu <account>" memos (Vietcombank and Agribank files) give the
    account; none is read from a memo without it."""
    read = 0
    for name in (
        "Vietcombank-0011001932418-20240901-20240910.csv.gz",
        "Agribank-1500201113838-20240901-20240912.csv.gz",
        "Vietinbank-111602391111-20240910-20240912.csv.gz",
    ):
        with gzip.open(DATA / name, "rt") as raw:
            for row in csv.DictReader(raw):
                memo = row["TransactionDetails"]
                written = re.search(r"CT tu (\d+) ", memo)
                facts = read_memo(memo)
                assert facts.sender_account == (written[1] if written else None), memo
                read += written is not None
    assert read == 48_053
