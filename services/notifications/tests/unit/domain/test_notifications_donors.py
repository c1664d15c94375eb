"""Channel choice, how a letter addresses a donor, phone forms and masked addresses."""

from __future__ import annotations

import uuid

import pytest

from baotro_notifications.domain.donors import (
    Channel,
    DonorProfile,
    addressee,
    choose_channel,
    international_phone,
    mask_address,
    national_phone,
)

ALL = frozenset(Channel)
NO_SMS_NO_ZALO = frozenset({Channel.EMAIL, Channel.POST})


def donor(**fields: object) -> DonorProfile:
    values: dict[str, object] = {"id": uuid.uuid4(), "kind": "person", "display_name": "An"}
    return DonorProfile(**{**values, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "available", "expected"),
    [
        ({"email": "a@x.vn", "phone": "0912345678"}, ALL, Channel.EMAIL),
        ({"phone": "0912345678"}, ALL, Channel.SMS),
        ({"phone": "0912345678", "preferred_channel": Channel.ZALO}, ALL, Channel.ZALO),
        ({"email": "a@x.vn", "preferred_channel": Channel.SMS}, ALL, Channel.EMAIL),
        (
            {"email": "a@x.vn", "address": "Thanh Hóa", "preferred_channel": Channel.POST},
            ALL,
            Channel.POST,
        ),
        ({"address": "Thanh Hóa"}, ALL, Channel.POST),
        ({"phone": "0912345678", "preferred_channel": Channel.ZALO}, NO_SMS_NO_ZALO, None),
        ({"phone": "0912345678", "address": "Thanh Hóa"}, NO_SMS_NO_ZALO, Channel.POST),
        ({}, ALL, None),
    ],
)
def test_the_preferred_channel_wins_when_it_can_reach_the_donor(
    fields: dict[str, object], available: frozenset[Channel], expected: Channel | None
) -> None:
    assert choose_channel(donor(**fields), available) == expected


def test_zalo_is_never_chosen_unless_preferred() -> None:
    assert choose_channel(donor(phone="0912345678"), frozenset({Channel.ZALO})) is None


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"display_name": "Nguyễn Văn An", "salutation": "Ông"}, "Ông Nguyễn Văn An"),
        ({"display_name": "Ông Nguyễn Văn An", "salutation": "Ông"}, "Ông Nguyễn Văn An"),
        ({"display_name": "Công ty Minh Phát", "salutation": None}, "Công ty Minh Phát"),
        ({"display_name": "  ", "salutation": "Bà"}, "Quý nhà hảo tâm"),
    ],
)
def test_a_letter_addresses_the_donor_by_salutation_and_name(
    fields: dict[str, object], expected: str
) -> None:
    assert addressee(donor(**fields)) == expected
    assert addressee(None) == "Quý nhà hảo tâm"


def test_phones_take_the_form_each_provider_expects() -> None:
    assert international_phone("0912 345 678") == "84912345678"
    assert international_phone("+84 912 345 678") == "84912345678"
    assert national_phone("+84 912-345-678") == "0912345678"
    assert national_phone("0912345678") == "0912345678"


def test_a_delivery_keeps_only_a_masked_address() -> None:
    assert mask_address(Channel.EMAIL, "nguyenvanan@gmail.com") == "ng***@gmail.com"
    assert mask_address(Channel.SMS, "0912345678") == "091*****78"
    assert mask_address(Channel.POST, "Số 5, phường Hạc Thành, tỉnh Thanh Hóa") == (
        "tỉnh Thanh Hóa (địa chỉ bưu chính)"
    )
