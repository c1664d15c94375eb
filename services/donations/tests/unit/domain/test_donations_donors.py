"""Donors: contact details normalised and validated with Vietnamese messages, unit-only
fields, contact preferences that need their contact detail, anonymity."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from baotro_donations.domain.donors import (
    Contact,
    ContactChannel,
    Donor,
    DonorKind,
    KnownBankAccount,
    PartyRefusedError,
    known_bank_account,
    normalise_account_number,
    normalise_email,
    normalise_phone,
    validated,
)
from baotro_donations.domain.ledger_accounts import LedgerRefusedError

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def _donor(**changes: object) -> Donor:
    base = Donor(
        id=uuid.uuid4(),
        kind=DonorKind.PERSON,
        display_name="Nguyễn Văn An",
        created_at=NOW,
        updated_at=NOW,
        created_by="ke-toan@quy",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "national"),
    [
        ("0912345678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("(037) 123-4567", "0371234567"),
        ("024 3825 1234", "02438251234"),
    ],
)
def test_vietnamese_phone_numbers_are_kept_in_national_format(raw: str, national: str) -> None:
    assert normalise_phone(raw) == national


@pytest.mark.parametrize("raw", ["12345", "0112345678", "091234567", "+1 415 555 0100", "abc"])
def test_a_number_that_is_not_a_vietnamese_phone_is_refused_in_vietnamese(raw: str) -> None:
    with pytest.raises(PartyRefusedError) as refused:
        normalise_phone(raw)
    assert refused.value.status == 422
    assert refused.value.field == "phone"
    assert "Số điện thoại không hợp lệ" in refused.value.message


def test_blank_contact_details_are_absent() -> None:
    assert normalise_phone("  ") is None
    assert normalise_email("") is None
    assert normalise_email(None) is None


def test_emails_keep_their_local_part_and_lower_their_domain() -> None:
    assert normalise_email("  An.Nguyen@Example.COM ") == "An.Nguyen@example.com"


@pytest.mark.parametrize("raw", ["an@", "an.example.com", "an@example", "a n@example.com"])
def test_a_malformed_email_is_refused(raw: str) -> None:
    with pytest.raises(PartyRefusedError, match="Địa chỉ email không hợp lệ"):
        normalise_email(raw)


def test_account_numbers_are_compared_as_digits() -> None:
    assert normalise_account_number("3500.431.101.000.909") == "3500431101000909"
    assert normalise_account_number("0011 0019 32418") == "0011001932418"
    account = known_bank_account("3751-0-111-4523", " 970405 ", "  Agribank  ")
    assert account == KnownBankAccount("375101114523", "970405", "Agribank")


@pytest.mark.parametrize("raw", ["12345", "1" * 20, "TK12345678"])
def test_an_account_number_outside_6_to_19_digits_is_refused(raw: str) -> None:
    with pytest.raises(PartyRefusedError, match="6 đến 19 chữ số"):
        normalise_account_number(raw)


def test_a_bank_bin_has_six_digits() -> None:
    with pytest.raises(PartyRefusedError, match="BIN"):
        known_bank_account("0011001932418", "VCB")


def test_a_validated_donor_has_clean_texts_and_distinct_accounts() -> None:
    donor = validated(
        _donor(
            display_name="  Nguyễn   Văn An ",
            salutation=" Ông ",
            contact=Contact(email="an@example.com", phone="+84 912 345 678", address=" Hạc Thành "),
            bank_accounts=(
                KnownBankAccount("0011001932418", "970436", "Vietcombank"),
                KnownBankAccount("0011001932418"),
            ),
        )
    )
    assert donor.display_name == "Nguyễn Văn An"
    assert donor.salutation == "Ông"
    assert donor.contact == Contact("an@example.com", "0912345678", "Hạc Thành")
    assert donor.bank_accounts == (KnownBankAccount("0011001932418", "970436", "Vietcombank"),)


def test_a_donor_needs_a_name() -> None:
    with pytest.raises(PartyRefusedError, match="Phải ghi tên") as refused:
        validated(_donor(display_name="   "))
    assert refused.value.field == "display_name"


def test_only_units_have_a_headcount_and_a_daily_wage() -> None:
    with pytest.raises(PartyRefusedError, match="Chỉ đơn vị"):
        validated(_donor(headcount=12))
    unit = validated(_donor(kind=DonorKind.UNIT, headcount=0, average_daily_wage=250_000))
    assert unit.headcount == 0


def test_a_negative_headcount_or_a_zero_wage_is_refused() -> None:
    with pytest.raises(PartyRefusedError, match="không được âm"):
        validated(_donor(kind=DonorKind.UNIT, headcount=-1))
    with pytest.raises(PartyRefusedError, match="lớn hơn 0 đồng"):
        validated(_donor(kind=DonorKind.UNIT, average_daily_wage=0))


def test_a_commune_code_has_five_digits() -> None:
    assert validated(_donor(commune_code="16015")).commune_code == "16015"
    with pytest.raises(PartyRefusedError, match="5 chữ số"):
        validated(_donor(commune_code="Hạc Thành"))


@pytest.mark.parametrize(
    ("channel", "field"),
    [
        (ContactChannel.EMAIL, "email"),
        (ContactChannel.SMS, "phone"),
        (ContactChannel.ZALO, "phone"),
        (ContactChannel.POST, "address"),
    ],
)
def test_a_preferred_channel_needs_its_contact_detail(channel: ContactChannel, field: str) -> None:
    with pytest.raises(PartyRefusedError, match="Kênh liên lạc") as refused:
        validated(_donor(preferred_channel=channel))
    assert refused.value.field == field


def test_an_anonymous_donor_has_no_public_name() -> None:
    assert _donor().public_name == "Nguyễn Văn An"
    assert _donor(anonymous=True).public_name is None


def test_refusals_are_ledger_refusals_the_ledger_api_already_answers() -> None:
    assert issubclass(PartyRefusedError, LedgerRefusedError)
