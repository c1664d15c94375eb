"""What a notice needs to know about a donor, as the donations service tells it at send time.

Contact details live in memory for one send; only a masked form of the address used is kept.
"""

from __future__ import annotations

import enum
import re
import uuid
from dataclasses import dataclass


class Channel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"
    ZALO = "zalo"
    POST = "post"


@dataclass(frozen=True)
class DonorProfile:
    """A donor's name, preferences and contact details (`GET /v1/donors/{id}` of donations)."""

    id: uuid.UUID
    kind: str
    display_name: str
    salutation: str | None = None
    anonymous: bool = False
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    preferred_channel: Channel | None = None
    opted_out: bool = False


def choose_channel(donor: DonorProfile, available: frozenset[Channel]) -> Channel | None:
    """The donor's preferred channel when it can reach them; else e-mail when known, SMS when
    only a phone is known, a printed letter when only an address is; None when nothing works.

    Zalo is only used when preferred: a ZNS message to someone who did not ask for it is
    unwelcome. Agencies wanting paper say so with the `post` preference.
    """
    reachable = {
        Channel.EMAIL: bool(donor.email),
        Channel.SMS: bool(donor.phone),
        Channel.ZALO: bool(donor.phone),
        Channel.POST: bool(donor.address),
    }
    usable = {c for c, ok in reachable.items() if ok and c in available}
    if donor.preferred_channel in usable:
        return donor.preferred_channel
    for fallback in (Channel.EMAIL, Channel.SMS, Channel.POST):
        if fallback in usable:
            return fallback
    return None


def addressee(donor: DonorProfile | None) -> str:
    """How the letter addresses the donor: "Ông Nguyễn Văn An", "Quý công ty Minh Phát", or
    "Quý nhà hảo tâm" when the name is unknown."""
    if donor is None or not donor.display_name.strip():
        return "Quý nhà hảo tâm"
    name = donor.display_name.strip()
    salutation = (donor.salutation or "").strip()
    if salutation and not name.lower().startswith(salutation.lower()):
        return f"{salutation} {name}"
    return name


_NON_DIGITS = re.compile(r"\D")


def international_phone(phone: str) -> str:
    """ "0912 345 678" / "+84912345678" → "84912345678" (the form Zalo ZNS expects)."""
    digits = _NON_DIGITS.sub("", phone)
    if digits.startswith("84"):
        return digits
    if digits.startswith("0"):
        return "84" + digits[1:]
    return digits


def national_phone(phone: str) -> str:
    """ "+84 912 345 678" → "0912345678" (the form Vietnamese SMS gateways expect)."""
    digits = _NON_DIGITS.sub("", phone)
    if digits.startswith("84") and len(digits) > 10:
        return "0" + digits[2:]
    return digits


def mask_address(channel: Channel, address: str) -> str:
    """What a delivery record keeps of the address used: enough for staff to recognise it,
    too little to contact anyone ("ng***@gmail.com", "091*****78", "Thanh Hóa (địa chỉ bưu
    chính)")."""
    if channel is Channel.EMAIL:
        local, _, domain = address.partition("@")
        return f"{local[:2]}***@{domain}" if domain else "***"
    if channel in (Channel.SMS, Channel.ZALO):
        digits = _NON_DIGITS.sub("", address)
        return f"{digits[:3]}{'*' * max(len(digits) - 5, 0)}{digits[-2:]}" if digits else "***"
    last = address.rsplit(",", 1)[-1].strip()
    return f"{last} (địa chỉ bưu chính)" if last else "(địa chỉ bưu chính)"
