"""SMS (eSMS.vn), Zalo ZNS and paper: the providers' request shapes reach local HTTP servers,
a provider's refusal is retried then recorded with its answer, and a printed letter is kept."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from pypdf import PdfReader

from baotro_shared.testing.plugin import eventually

if TYPE_CHECKING:
    from conftest import Kit, ProviderStub


def _sms_settings(esms: ProviderStub) -> dict[str, Any]:
    return {
        "sms_url": f"{esms.url}/MainService.svc/json/SendMultipleMessage_V4_post_json/",
        "sms_api_key": "api-key",
        "sms_secret_key": "secret-key",
        "sms_brandname": "QUYBTTE",
    }


def _zalo_settings(zalo: ProviderStub) -> dict[str, Any]:
    return {
        "zalo_url": f"{zalo.url}/message/template",
        "zalo_access_token": "oa-access-token",
        "zalo_template_id": "284512",
    }


async def test_a_donor_known_only_by_phone_gets_an_esms_message(
    kit: Kit, esms: ProviderStub
) -> None:
    service = await kit.start(**_sms_settings(esms))
    donor = kit.donors.add(phone="0912 345 678", display_name="Lê Thị Hoa", salutation="Bà")
    gift = kit.gift(donor, 1_250_000)

    await kit.events.publish(gift)

    [sent] = await kit.wait_for_status(service, "sent")
    assert sent["channel"] == "sms"
    assert sent["address"] == "091*****78"
    [request] = esms.requests
    assert request["path"] == "/MainService.svc/json/SendMultipleMessage_V4_post_json/"
    body = request["json"]
    assert body["ApiKey"] == "api-key"
    assert body["SecretKey"] == "secret-key"
    assert body["Brandname"] == "QUYBTTE"
    assert body["Phone"] == "0912345678"
    assert body["SmsType"] == "2"
    assert body["IsUnicode"] == "0"
    assert body["RequestId"] == sent["id"]
    assert "Ba Le Thi Hoa" in body["Content"]
    assert "1.250.000 dong" in body["Content"]
    assert gift.receipt_number in body["Content"]
    assert kit.mail.messages == []


async def test_a_donor_preferring_zalo_gets_a_zns_template_message(
    kit: Kit, zalo: ProviderStub, esms: ProviderStub
) -> None:
    service = await kit.start(**_zalo_settings(zalo), **_sms_settings(esms))
    donor = kit.donors.add(
        phone="0987654321",
        email="x@example.vn",
        preferred_channel="zalo",
        display_name="Hà Vy",
        salutation=None,
    )
    gift = kit.gift(donor, 300_000)

    await kit.events.publish(gift)

    [sent] = await kit.wait_for_status(service, "sent")
    assert sent["channel"] == "zalo"
    [request] = zalo.requests
    assert request["path"] == "/message/template"
    assert request["headers"]["access_token"] == "oa-access-token"
    body = request["json"]
    assert body["phone"] == "84987654321"
    assert body["template_id"] == "284512"
    assert body["tracking_id"] == sent["id"]
    data = body["template_data"]
    assert data["customer_name"] == "Hà Vy"
    assert data["amount"] == "300.000"
    assert data["receipt_number"] == gift.receipt_number
    assert data["date"] == "20/11/2026"
    assert esms.requests == []
    assert kit.mail.messages == []


async def test_a_zalo_refusal_is_retried_then_recorded_with_the_providers_answer(
    kit: Kit, zalo: ProviderStub
) -> None:
    zalo.default = {"error": -124, "message": "Access token is invalid"}
    service = await kit.start(**_zalo_settings(zalo), delivery_max_attempts=3)
    donor = kit.donors.add(phone="0987654321", preferred_channel="zalo")

    await kit.events.publish(kit.gift(donor, 100_000))

    [failed] = await kit.wait_for_status(service, "failed")
    assert len(zalo.requests) == 3
    assert failed["provider_status"] == "Zalo -124"
    assert "Access token is invalid" in failed["last_error"]
    notices = await eventually(lambda: kit.outbox(service, "notice.failed"))
    assert notices[0]["channel"] == "zalo"
    assert "0987654321" not in str(notices)


async def test_an_agency_wanting_paper_gets_a_printable_letter(kit: Kit) -> None:
    service = await kit.start()
    agency = kit.donors.add(
        kind="agency",
        display_name="Sở Giáo dục và Đào tạo tỉnh Thanh Hóa",
        salutation=None,
        email="vanphong@sogd.example.vn",
        address="Số 37 Hạc Thành, phường Hạc Thành, tỉnh Thanh Hóa",
        preferred_channel="post",
    )

    await kit.events.publish(kit.gift(agency, 25_000_000, donor_kind="agency"))

    [sent] = await kit.wait_for_status(service, "sent")
    assert sent["channel"] == "post"
    assert sent["address"] == "tỉnh Thanh Hóa (địa chỉ bưu chính)"
    letter = await service.client.get(sent["letter_url"], headers=kit.as_role("fund_admin"))
    assert letter.status_code == 200
    text = " ".join(PdfReader(io.BytesIO(letter.content)).pages[0].extract_text().split())
    assert "Kính gửi: Sở Giáo dục và Đào tạo tỉnh Thanh Hóa" in text
    assert "Hai mươi lăm triệu đồng" in text
    assert kit.mail.messages == []
