"""Memo understanding on real memos of the 2024 flood appeal (../shared/data)."""

from __future__ import annotations

import csv
import gzip
import itertools

import pytest

from baotro_donations.domain.bank_memo import MemoSource, read_memo
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
