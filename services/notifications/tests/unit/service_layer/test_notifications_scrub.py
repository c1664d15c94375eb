"""A provider's answer is kept for staff without the recipient's address."""

from __future__ import annotations

from baotro_notifications.service_layer.dispatcher import scrub


def test_the_recipient_is_masked_in_the_providers_answer() -> None:
    answer = "550 5.1.1 <an.nguyen@example.vn>: Recipient address rejected"

    assert scrub(answer, "an.nguyen@example.vn", "an***@example.vn") == (
        "550 5.1.1 <an***@example.vn>: Recipient address rejected"
    )


def test_a_phone_is_masked_in_every_form_the_provider_may_echo() -> None:
    answer = "Phone 84912345678 invalid (0912345678)"

    assert scrub(answer, "0912 345 678", "091*****78") == ("Phone 091*****78 invalid (091*****78)")
