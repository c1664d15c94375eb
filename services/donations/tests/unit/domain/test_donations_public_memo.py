"""The public memo masks account, phone and ID numbers (and emails) in transfer texts.

The memos are real ones from the Fatherland Front's 2024 flood-appeal statements
(../shared/data/saoke-mttq-2024), one per shape measured there (MBVCB "CT tu", NAPAS 0200…,
trace.ddmmyy.hhmmss, wallets, Agribank, VietinBank line-wrapped); the donors' own account,
phone and ID numbers in them were replaced by made-up digits.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from baotro_donations.domain.public_memo import MAX_LENGTH, mask_number, public_memo

REAL_MEMOS = [
    (
        "MBVCB.6996835984.HA THI THUY LINH chuyen tien ung ho dong bao bi thiet hai do bao so 3"
        ".CT tu 0361000123456 HA THI THUY LINH toi 0011001932418 MAT TRAN TO QUOC VN - BAN CUU "
        "TRO TW",
        "MBVCB.6996835984.HA THI THUY LINH chuyen tien ung ho dong bao bi thiet hai do bao so 3"
        ".CT tu *******456 HA THI THUY LINH toi *******418 MAT TRAN TO QUOC VN - BAN CUU TRO TW",
    ),
    (
        "020097040509081741232024YIVF012920.78896. 174123.Vietcombank:0011001932418:HOANG THI "
        "KIM QUYEN chuyen tien ung khac phuc hau qua bao so 3 YAGI",
        "020097040509081741232024YIVF012920.78896. 174123.Vietcombank:*******418:HOANG THI "
        "KIM QUYEN chuyen tien ung khac phuc hau qua bao so 3 YAGI",
    ),
    (
        "PARTNER.DIRECT_DEBITS_VCB.MSE.6635 8068274.20240908.66358068274-0912000111_D ANG NHA "
        "NGUYEN UNG HO KHAC PHUC HAU QUA BAO S3 YAGI",
        "PARTNER.DIRECT_DEBITS_VCB.MSE.6635 8068274.20240908.*******274-*******111_D ANG NHA "
        "NGUYEN UNG HO KHAC PHUC HAU QUA BAO S3 YAGI",
    ),
    (
        "MBVCB.6991119821.952220.NGUYEN TIEN DAT CCCD 027094000111 ung ho cac tinh bao lu.CT tu "
        "0541000222333 NGUYEN TIEN DAT toi 1500201113838 uy Ban Mat Tran To Quoc Viet Nam TP Ha "
        "Noi tai AGRIBANK",
        "MBVCB.6991119821.952220.NGUYEN TIEN DAT CCCD *******111 ung ho cac tinh bao lu.CT tu "
        "*******333 NGUYEN TIEN DAT toi *******838 uy Ban Mat Tran To Quoc Viet Nam TP Ha Noi "
        "tai AGRIBANK",
    ),
    (
        "UNG HO CAC TINH BI BAO LU -TRINH THI PHUONG AN SDT 0348000111 UNG HO-100924-09:02:22 "
        "828266",
        "UNG HO CAC TINH BI BAO LU -TRINH THI PHUONG AN SDT *******111 UNG HO-100924-09:02:22 "
        "828266",
    ),
    (
        "CT nhanh 247 den:\nVietinbank;111602391111;NHAMAYTUHA-\n"
        "TRASUABUBEN-HOTROBACONLULUTMIENBAC",
        "CT nhanh 247 den: Vietinbank;*******111;NHAMAYTUHA- TRASUABUBEN-HOTROBACONLULUTMIENBAC",
    ),
    (
        "66582583301-0838000222-Ung ho cac tinh bi bao lut",
        "*******301-*******222-Ung ho cac tinh bi bao lut",
    ),
    (
        "THU PHI DICH VU SMS CHU DONG THANG 08/2024. SDT: 0904000333. So tien 55000 VND",
        "THU PHI DICH VU SMS CHU DONG THANG 08/2024. SDT: *******333. So tien 55000 VND",
    ),
    (
        "NGUYEN VAN PHU CMND 036064111 UNG HO DONG BAO BAO LU",
        "NGUYEN VAN PHU CMND *******111 UNG HO DONG BAO BAO LU",
    ),
]

UNCHANGED = [
    "737836.100924.150147.NGUYEN THI DUYEN chuyen FT24254626079264",
    "248501.100924.140733.THAN TRUC UNG HO CUU TRO BAO YAGI-100924-14:07:34 248501",
    "LE HOANG TRA MY vs Nguyen Le Khai Ky ung ho dong bao lu lut",
    "020097042209101229332024KU05750875.73537 .122934.ung ho dong bao lu lut",
    "ung ho 5.000.000 dong ngay 10/09/2024 luc 14:07",
]


@pytest.mark.parametrize(("memo", "public"), REAL_MEMOS)
def test_account_phone_and_id_numbers_in_real_memos_are_masked(memo: str, public: str) -> None:
    assert public_memo(memo) == public


@pytest.mark.parametrize("memo", UNCHANGED)
def test_amounts_dates_times_and_bank_references_stay(memo: str) -> None:
    assert public_memo(memo) == memo


def test_the_example_of_the_issue_keeps_the_last_three_digits() -> None:
    memo = (
        "MBVCB.123.NGUYEN VAN A chuyen tien.CT tu 0011001932418 NGUYEN VAN A toi 3500431101000909"
    )
    assert public_memo(memo) == (
        "MBVCB.123.NGUYEN VAN A chuyen tien.CT tu *******418 NGUYEN VAN A toi *******909"
    )


@pytest.mark.parametrize(
    ("memo", "public"),
    [
        ("lien he 0912 345 678", "lien he *******678"),
        ("lien he 0912.345.678 nhe", "lien he *******678 nhe"),
        ("goi +84 912 345 678", "goi *******678"),
        ("CCCD 0360 6400 9277 ung ho", "CCCD *******277 ung ho"),
        ("STK: 1234.5678.9 ung ho", "STK: *******789 ung ho"),
        ("gui qua huyen.tuyen@gmail.com nhe", "gui qua *******@gmail.com nhe"),
    ],
)
def test_numbers_written_in_groups_and_emails_are_masked(memo: str, public: str) -> None:
    assert public_memo(memo) == public


def test_whitespace_is_collapsed_and_blank_memos_are_none() -> None:
    assert public_memo("  ung  ho\n\tdong bao  ") == "ung ho dong bao"
    assert public_memo(" \n ") is None
    assert public_memo(None) is None


def test_a_long_memo_is_cut_to_300_characters() -> None:
    memo = "UNG HO DONG BAO LU LUT " * 20 + "CT tu 0011001932418"
    result = public_memo(memo)
    assert result is not None
    assert MAX_LENGTH - 2 <= len(result) <= MAX_LENGTH
    assert result.endswith("…")
    assert "0011001932418" not in result


def test_the_mask_hides_the_length_of_the_number() -> None:
    assert mask_number("036064009277") == mask_number("0912009277") == "*******277"


_BANK_REFERENCES = re.compile(
    r"\bFT\d{14}(?!\d)|\bMBVCB\.\d{6,12}(?!\d)|(?<!\d)0200\d{20}[A-Za-z0-9]{4}\d{6}"
)
_memo_text = st.text(
    alphabet=st.sampled_from(list("0123456789") * 4 + list(" .-:+@ABCTUNGHOtu")), max_size=200
)


@given(_memo_text)
def test_no_run_of_nine_digits_survives_outside_bank_references(memo: str) -> None:
    result = public_memo(memo) or ""
    assert len(result) <= MAX_LENGTH
    assert not re.search(r"\d{9,}", _BANK_REFERENCES.sub(" ", result))


@given(_memo_text)
def test_masking_twice_changes_nothing(memo: str) -> None:
    once = public_memo(memo)
    assert public_memo(once) == once
