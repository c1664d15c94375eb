"""Receipts over HTTP on PostgreSQL: the PDF by `.pdf` suffix or by `Accept`, JSON by default,
Vietnamese problems for unknown or malformed numbers, auditors read and case workers do not,
goods in kind and reversed gifts printed as such."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pypdf

from baotro_shared.testing.harness import RunningService, ServiceHarness
from baotro_shared.testing.plugin import bearer

Tokens = Callable[..., str]
DAY = "2026-11-20"
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


class Desk:
    """The fund's desk: an accountant records gifts, others ask for receipts."""

    def __init__(self, service: RunningService, make_token: Tokens) -> None:
        self.client = service.client
        self.accountant = bearer(make_token, "accountant", sub="ke-toan@quy")
        self.admin = bearer(make_token, "fund_admin", sub="admin@quy")
        self.auditor = bearer(make_token, "auditor", sub="kiem-toan@so-tai-chinh")
        self.case_worker = bearer(make_token, "case_worker", sub="worker@hac-thanh")

    async def given(self, **body: Any) -> dict[str, Any]:
        payload = {"channel": "cash", "received_on": DAY, **body}
        response = await self.client.post("/v1/donations", json=payload, headers=self.accountant)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    async def get(
        self, path: str, headers: dict[str, str] | None = None, accept: str | None = None
    ) -> httpx.Response:
        sent = dict(headers or self.auditor)
        if accept is not None:
            sent["Accept"] = accept
        return await self.client.get(path, headers=sent)

    async def pdf_text(self, number: str) -> str:
        response = await self.get(f"/v1/receipts/{number}.pdf")
        assert response.status_code == 200, response.text
        return pdf_text(response)


def pdf_text(response: httpx.Response) -> str:
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


async def _desk(services: ServiceHarness, make_token: Tokens) -> Desk:
    return Desk(await services.start("donations"), make_token)


async def test_pdf_by_suffix_or_accept_header_and_json_by_default(
    services: ServiceHarness, make_token: Tokens
) -> None:
    desk = await _desk(services, make_token)
    gift = await desk.given(amount=5_000_000)
    number = gift["receipt_number"]
    assert number == "TH-2026-000001"

    text = await desk.pdf_text(number)
    for expected in (
        *MOTTO,
        "QUỸ BẢO TRỢ TRẺ EM TỈNH THANH HÓA",
        "Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa",
        "BIÊN LAI THU TIỀN",
        f"Số: {number}",
        "Thanh Hóa, ngày 20 tháng 11 năm 2026",
        "5.000.000 đồng",
        "Năm triệu đồng",
        "Nhà hảo tâm",
        "Hình thức: Tiền mặt",
    ):
        assert expected in text, expected

    by_accept = await desk.get(f"/v1/receipts/{number}", accept="application/pdf")
    assert by_accept.status_code == 200, by_accept.text
    assert f"Số: {number}" in pdf_text(by_accept)
    assert by_accept.headers["vary"] == "Accept"
    preferred = await desk.get(
        f"/v1/receipts/{number}", accept="application/json;q=0.5, application/pdf"
    )
    assert preferred.headers["content-type"] == "application/pdf"
    lower_case = await desk.get(f"/v1/receipts/{number.lower()}.pdf")
    assert f"Số: {number}" in pdf_text(lower_case)

    for accept in (None, "application/json", "*/*", "application/pdf;q=0.4, application/json"):
        plain = await desk.get(f"/v1/receipts/{number}", accept=accept)
        assert plain.status_code == 200, plain.text
        assert plain.headers["content-type"] == "application/json", accept
        body = plain.json()
        assert body["receipt_number"] == number
        assert body["amount_in_words"] == "Năm triệu đồng"
        assert body["pdf_available"] is True


async def test_unknown_or_malformed_numbers_get_vietnamese_problems(
    services: ServiceHarness, make_token: Tokens
) -> None:
    desk = await _desk(services, make_token)
    await desk.given(amount=100_000)
    for path, accept in (
        ("/v1/receipts/TH-2026-000099.pdf", None),
        ("/v1/receipts/TH-2026-000099", "application/pdf"),
        ("/v1/receipts/TH-2026-000099", None),
    ):
        missing = await desk.get(path, accept=accept)
        assert missing.status_code == 404, path
        assert missing.headers["content-type"].startswith("application/problem+json")
        assert missing.json()["detail"] == "Không tìm thấy biên lai số TH-2026-000099."
    malformed = await desk.get("/v1/receipts/TH-26-1.pdf")
    assert malformed.status_code == 422
    assert "Số biên lai không hợp lệ" in malformed.json()["detail"]


async def test_auditors_and_fund_admins_read_receipts_case_workers_are_refused(
    services: ServiceHarness, make_token: Tokens
) -> None:
    desk = await _desk(services, make_token)
    number = (await desk.given(amount=200_000))["receipt_number"]
    for reader in (desk.auditor, desk.admin, desk.accountant):
        allowed = await desk.get(f"/v1/receipts/{number}.pdf", headers=reader)
        assert allowed.status_code == 200, allowed.text
    for path in (f"/v1/receipts/{number}.pdf", f"/v1/receipts/{number}"):
        refused = await desk.get(path, headers=desk.case_worker, accept="application/pdf")
        assert refused.status_code == 403, path
        assert "không được phép" in refused.json()["detail"]
    anonymous = await desk.client.get(f"/v1/receipts/{number}.pdf")
    assert anonymous.status_code == 401


async def test_goods_in_kind_and_gifts_from_abroad_are_printed_as_such(
    services: ServiceHarness, make_token: Tokens
) -> None:
    desk = await _desk(services, make_token)
    appeal = str(uuid.uuid4())
    issued = await desk.client.post(
        "/v1/payment-codes",
        json={"target_kind": "appeal", "target_id": appeal},
        headers=desk.accountant,
    )
    assert issued.status_code == 201, issued.text
    code = issued.json()["code"]
    goods = await desk.given(
        channel="in_kind",
        amount=3_000_000,
        in_kind={"description": "Sách giáo khoa lớp 5", "quantity": 50, "unit": "bộ"},
        target_kind="appeal",
        target_id=appeal,
        restricted=True,
        anonymous=True,
    )
    text = await desk.pdf_text(goods["receipt_number"])
    for expected in (
        *MOTTO,
        "BIÊN BẢN TIẾP NHẬN HIỆN VẬT",
        "Sách giáo khoa lớp 5",
        "Đơn vị tính",
        "bộ",
        "Số lượng",
        "50",
        "3.000.000 đồng",
        "Ba triệu đồng",
        "Hình thức: Hiện vật",
        f"quỹ có hạn chế (bài kêu gọi mã {code})",
        "Nhà hảo tâm ẩn danh",
    ):
        assert expected in text, expected
    assert appeal not in text  # the appeal's internal id is not the donor's business

    abroad = await desk.given(amount=2_540_000, original_currency="USD", original_amount="100")
    text = await desk.pdf_text(abroad["receipt_number"])
    assert "Nguyên tệ: 100 USD" in text
    assert "Hai triệu năm trăm bốn mươi nghìn đồng" in text


async def test_a_reversed_gift_shows_the_refund_on_its_receipt(
    services: ServiceHarness, make_token: Tokens
) -> None:
    desk = await _desk(services, make_token)
    gift = await desk.given(amount=5_000_000)
    number = gift["receipt_number"]
    assert "hoàn trả" not in await desk.pdf_text(number)

    url = f"/v1/donations/{gift['id']}/reverse"
    part = await desk.client.post(
        url, json={"amount": 1_000_000, "reason": "Chuyển nhầm"}, headers=desk.accountant
    )
    assert part.status_code == 200, part.text
    text = await desk.pdf_text(number)
    assert "Đã hoàn trả một phần 1.000.000 đồng" in text
    assert "còn ghi nhận là 4.000.000 đồng" in text

    rest = await desk.client.post(url, json={"reason": "Hoàn trả"}, headers=desk.accountant)
    assert rest.status_code == 200, rest.text
    assert "Đã hoàn trả toàn bộ 5.000.000 đồng" in await desk.pdf_text(number)


async def test_the_receipt_names_the_donor_and_an_anonymous_donor_stays_unnamed(
    services: ServiceHarness, make_token: Tokens
) -> None:
    desk = await _desk(services, make_token)
    names = {"Công ty TNHH Minh Phát": False, "Trần Thị Bình": True}
    texts = {}
    for name, anonymous in names.items():
        donor = await desk.client.post(
            "/v1/donors",
            json={"kind": "person", "display_name": name, "anonymous": anonymous},
            headers=desk.accountant,
        )
        assert donor.status_code == 201, donor.text
        gift = await desk.given(amount=1_000_000, donor_id=donor.json()["id"])
        texts[name] = await desk.pdf_text(gift["receipt_number"])
    assert "Công ty TNHH Minh Phát" in texts["Công ty TNHH Minh Phát"]
    assert "Trần Thị Bình" not in texts["Trần Thị Bình"]
    assert "Nhà hảo tâm ẩn danh" in texts["Trần Thị Bình"]


async def test_a_gift_to_a_campaign_is_receipted_with_the_campaign_s_name_not_its_id(
    services: ServiceHarness, make_token: Tokens
) -> None:
    desk = await _desk(services, make_token)
    campaign = await desk.client.post(
        "/v1/campaigns",
        json={
            "fund_code": "TH",
            "name": "Ủng hộ đồng bào bị thiệt hại do bão Yagi",
            "kind": "general",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
        headers=desk.admin,
    )
    assert campaign.status_code == 201, campaign.text
    campaign_id = campaign.json()["id"]

    gift = await desk.given(amount=500_000, target_kind="campaign", target_id=campaign_id)
    text = " ".join((await desk.pdf_text(gift["receipt_number"])).split())

    assert "đợt vận động «Ủng hộ đồng bào bị thiệt hại do bão Yagi»" in text
    assert campaign_id not in text
