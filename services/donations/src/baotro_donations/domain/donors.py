"""Donors: people, households, enterprises, agencies and organisational units.

A donor's contact details and bank account numbers are personal data (PDP Law 2025): the
domain normalises and validates them; adapters encrypt them; nothing here logs or publishes
them. Only the display name of a donor who does not wish to be anonymous is ever public.
"""

from __future__ import annotations

import enum
import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime

from baotro_donations.domain.ledger_accounts import LedgerRefusedError

NAME_MAX = 200
SALUTATION_MAX = 40
ADDRESS_MAX = 500
BANK_NAME_MAX = 120


class PartyRefusedError(LedgerRefusedError):
    """A refused operation on donors, campaigns or pledges (HTTP status, Vietnamese message)."""


def refuse(message: str, *, field: str | None = None, status: int = 422) -> PartyRefusedError:
    return PartyRefusedError(status, message, field=field)


class DonorKind(enum.StrEnum):
    PERSON = "person"
    HOUSEHOLD = "household"
    ENTERPRISE = "enterprise"
    AGENCY = "agency"
    UNIT = "unit"
    """An organisational unit (department, commune, school, company branch) that pledges."""


class ContactChannel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"
    ZALO = "zalo"
    POST = "post"


@dataclass(frozen=True)
class KnownBankAccount:
    """An account a donor transfers from; `number` holds digits only ("0011001932418")."""

    number: str
    bank_bin: str | None = None
    bank_name: str | None = None


@dataclass(frozen=True)
class Contact:
    email: str | None = None
    phone: str | None = None
    """National format: "0912345678"."""
    address: str | None = None


@dataclass(frozen=True)
class Donor:
    id: uuid.UUID
    kind: DonorKind
    display_name: str
    created_at: datetime
    updated_at: datetime
    created_by: str
    salutation: str | None = None
    anonymous: bool = False
    contact: Contact = field(default_factory=Contact)
    preferred_channel: ContactChannel | None = None
    opted_out: bool = False
    headcount: int | None = None
    average_daily_wage: int | None = None
    commune_code: str | None = None
    bank_accounts: tuple[KnownBankAccount, ...] = ()

    @property
    def public_name(self) -> str | None:
        """The name anything public may show: None for a donor who wishes to stay anonymous."""
        return None if self.anonymous else self.display_name


# -- normalisation --------------------------------------------------------------------------
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
)
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"^0[35789]\d{8}$")
_LANDLINE = re.compile(r"^02\d{9}$")
_COMMUNE = re.compile(r"^\d{5}$")
_BIN = re.compile(r"^\d{6}$")


def clean_text(value: str | None, *, limit: int, field: str, label: str) -> str | None:
    """Spaces collapsed; None for blank; refused beyond `limit` characters."""
    if value is None:
        return None
    text = " ".join(value.split())
    if not text:
        return None
    if len(text) > limit:
        raise refuse(f"{label} dài quá {limit} ký tự.", field=field)
    return text


def normalise_email(value: str | None) -> str | None:
    """Trimmed, domain in lower case; refused unless it looks like name@domain.tld."""
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > 254 or not _EMAIL.match(text):
        raise refuse("Địa chỉ email không hợp lệ (ví dụ: ten@example.com).", field="email")
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalise_phone(value: str | None) -> str | None:
    """A Vietnamese number in national format: "+84 912 345 678" → "0912345678"."""
    text = _PHONE_SEPARATORS.sub("", value or "")
    if not text:
        return None
    if text.startswith("+84"):
        text = "0" + text[3:]
    elif text.startswith("84") and len(text) == 11:
        text = "0" + text[2:]
    if not (_MOBILE.match(text) or _LANDLINE.match(text)):
        raise refuse(
            "Số điện thoại không hợp lệ: cần số Việt Nam 10 chữ số như 0912345678 "
            "hoặc +84912345678 (máy bàn 11 chữ số bắt đầu bằng 02).",
            field="phone",
        )
    return text


def normalise_account_number(value: str) -> str:
    """Digits only ("3500.431.101.000.909" → "3500431101000909"); 6 to 19 digits."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if any(ch.isalpha() for ch in value) or not 6 <= len(digits) <= 19:
        raise refuse("Số tài khoản ngân hàng phải gồm 6 đến 19 chữ số.", field="bank_accounts")
    return digits


def known_bank_account(
    number: str, bank_bin: str | None = None, bank_name: str | None = None
) -> KnownBankAccount:
    bin_ = (bank_bin or "").strip() or None
    if bin_ is not None and not _BIN.match(bin_):
        raise refuse("Mã BIN ngân hàng gồm 6 chữ số (ví dụ 970405).", field="bank_accounts")
    name = clean_text(bank_name, limit=BANK_NAME_MAX, field="bank_accounts", label="Tên ngân hàng")
    return KnownBankAccount(normalise_account_number(number), bin_, name)


def distinct_accounts(accounts: tuple[KnownBankAccount, ...]) -> tuple[KnownBankAccount, ...]:
    """Each number once (the first mention wins)."""
    seen: dict[str, KnownBankAccount] = {}
    for account in accounts:
        seen.setdefault(account.number, account)
    return tuple(seen.values())


# -- validation of a whole donor ------------------------------------------------------------
def _check_unit_fields(donor: Donor) -> None:
    if donor.kind is not DonorKind.UNIT and (
        donor.headcount is not None or donor.average_daily_wage is not None
    ):
        raise refuse(
            "Chỉ đơn vị (cơ quan, xã, trường học, chi nhánh doanh nghiệp) mới ghi số người "
            "lao động và tiền lương bình quân một ngày.",
            field="headcount",
        )
    if donor.headcount is not None and donor.headcount < 0:
        raise refuse("Số người lao động không được âm.", field="headcount")
    if donor.average_daily_wage is not None and donor.average_daily_wage <= 0:
        raise refuse(
            "Tiền lương bình quân một ngày phải lớn hơn 0 đồng.", field="average_daily_wage"
        )


def _check_channel(donor: Donor) -> None:
    """The preferred channel needs its contact detail (a letter by post needs an address)."""
    channel, contact = donor.preferred_channel, donor.contact
    if channel is None:
        return
    needs: dict[ContactChannel, tuple[str | None, str, str]] = {
        ContactChannel.EMAIL: (contact.email, "email", "thư qua email cần địa chỉ email"),
        ContactChannel.SMS: (contact.phone, "phone", "tin nhắn SMS cần số điện thoại"),
        ContactChannel.ZALO: (contact.phone, "phone", "tin nhắn Zalo cần số điện thoại"),
        ContactChannel.POST: (contact.address, "address", "thư qua bưu điện cần địa chỉ"),
    }
    value, field_name, reason = needs[channel]
    if value is None:
        raise refuse(f"Kênh liên lạc ưa thích không dùng được: {reason}.", field=field_name)


def validated(donor: Donor) -> Donor:
    """The donor with its texts cleaned and its contact normalised, or a refusal."""
    name = clean_text(donor.display_name, limit=NAME_MAX, field="display_name", label="Tên")
    if name is None:
        raise refuse("Phải ghi tên nhà tài trợ.", field="display_name")
    if donor.commune_code is not None and not _COMMUNE.match(donor.commune_code):
        raise refuse("Mã xã/phường gồm 5 chữ số.", field="commune_code")
    result = replace(
        donor,
        display_name=name,
        salutation=clean_text(
            donor.salutation, limit=SALUTATION_MAX, field="salutation", label="Danh xưng"
        ),
        contact=Contact(
            email=normalise_email(donor.contact.email),
            phone=normalise_phone(donor.contact.phone),
            address=clean_text(
                donor.contact.address, limit=ADDRESS_MAX, field="address", label="Địa chỉ"
            ),
        ),
        bank_accounts=distinct_accounts(donor.bank_accounts),
    )
    _check_unit_fields(result)
    _check_channel(result)
    return result
