"""Donations and notifications together: staff register a donor and record a gift; the
`donation.received` event reaches notifications through the broker, which asks donations for
the donor's contact details over HTTP with a service token, and one thank-you letter with the
amount in figures and words lands in a real SMTP server. A unit's pledge gifts are thanked once.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import uvicorn
from pypdf import PdfReader

from baotro_shared.broker_process import free_port
from baotro_shared.mail_sink import MailSink
from baotro_shared.testing.harness import RunningService, ServiceHarness
from baotro_shared.testing.plugin import bearer, eventually

Tokens = Callable[..., str]


@pytest.fixture
def mail() -> Iterator[MailSink]:
    with MailSink() as sink:
        yield sink


class ServedOverHttp:
    """A running service's app also served on a real port (notifications calls it by URL)."""

    def __init__(self, service: RunningService) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            service.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> ServedOverHttp:
        self._task = asyncio.create_task(self._server.serve())

        async def started() -> bool:
            return bool(self._server.started)

        await eventually(started, timeout=10, message="donations never listened over HTTP")
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task


async def test_a_recorded_gift_is_thanked_once_by_email_with_the_amount_in_words(
    services: ServiceHarness, make_token: Tokens, mail: MailSink
) -> None:
    donations = await services.start("donations")
    accountant = bearer(make_token, "accountant", sub="accountant@quy")
    async with ServedOverHttp(donations) as donations_http:
        notifications = await services.start(
            "notifications",
            smtp_port=mail.port,
            donations_url=donations_http.url,
            dispatch_interval_s=0.05,
            commendation_evaluation_enabled=False,
            director_name="Lê Văn Minh",
        )
        donor = await donations.client.post(
            "/v1/donors",
            json={
                "kind": "person",
                "display_name": "Nguyễn Văn An",
                "salutation": "Ông",
                "email": "an.nguyen@example.vn",
                "phone": "0912345678",
            },
            headers=accountant,
        )
        assert donor.status_code == 201, donor.text
        donor_id = donor.json()["id"]

        gift = await donations.client.post(
            "/v1/donations",
            json={
                "channel": "cash",
                "amount": 1_250_000,
                "received_on": "2026-11-20",
                "donor_id": donor_id,
            },
            headers=accountant,
        )
        assert gift.status_code == 201, gift.text
        receipt = gift.json()["receipt_number"]

        async def arrived() -> list[Any] | None:
            return mail.messages or None

        [letter] = await eventually(arrived, timeout=60, message="no thank-you e-mail arrived")
        assert letter.recipients == ("an.nguyen@example.vn",)
        assert "Kính gửi: Ông Nguyễn Văn An" in letter.text
        assert "1.250.000 đồng" in letter.text
        assert "Một triệu hai trăm năm mươi nghìn đồng" in letter.text
        assert receipt in letter.text
        [(_, pdf)] = letter.attachments
        text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
        assert "Một triệu hai trăm năm mươi nghìn đồng" in text
        assert receipt in text

        async def recorded() -> list[dict[str, Any]] | None:
            response = await notifications.client.get(
                "/v1/deliveries",
                params={"status": "sent"},
                headers=bearer(make_token, "auditor", sub="auditor@quy"),
            )
            items: list[dict[str, Any]] = response.json()["items"]
            return items or None

        [sent] = await eventually(recorded, message="the delivery was never marked sent")
        assert sent["receipt_number"] == receipt
        assert sent["amount"] == 1_250_000
        await asyncio.sleep(1.0)
        assert len(mail.messages) == 1


async def test_a_units_pledge_gifts_are_thanked_once_as_a_summary(
    services: ServiceHarness, make_token: Tokens, mail: MailSink
) -> None:
    donations = await services.start("donations")
    staff = bearer(make_token, "fund_admin", sub="fund_admin@quy")
    async with ServedOverHttp(donations) as donations_http:
        await services.start(
            "notifications",
            smtp_port=mail.port,
            donations_url=donations_http.url,
            dispatch_interval_s=0.05,
            unit_summary_quiet_period_s=1.0,
            commendation_evaluation_enabled=False,
        )
        unit = await donations.client.post(
            "/v1/donors",
            json={
                "kind": "unit",
                "display_name": "Trường THPT Hàm Rồng",
                "email": "vanthu@hamrong.example.vn",
                "headcount": 80,
                "average_daily_wage": 250_000,
            },
            headers=staff,
        )
        assert unit.status_code == 201, unit.text
        campaign = await donations.client.post(
            "/v1/campaigns",
            json={
                "fund_code": "TH",
                "name": "Ủng hộ một ngày lương vì trẻ em 2026",
                "kind": "one_day_salary",
                "starts_on": "2026-06-01",
                "ends_on": "2026-06-30",
                "target_amount": None,
                "restricted": False,
            },
            headers=staff,
        )
        assert campaign.status_code == 201, campaign.text
        pledge = await donations.client.post(
            f"/v1/campaigns/{campaign.json()['id']}/pledges",
            json={"unit_id": unit.json()["id"], "target_amount": None},
            headers=staff,
        )
        assert pledge.status_code == 201, pledge.text

        for day, amount in ((3, 5_000_000), (4, 7_500_000), (5, 2_500_000)):
            gift = await donations.client.post(
                "/v1/donations",
                json={
                    "channel": "cash",
                    "amount": amount,
                    "received_on": f"2026-06-0{day}",
                    "target_kind": "pledge",
                    "target_id": pledge.json()["id"],
                },
                headers=staff,
            )
            assert gift.status_code == 201, gift.text

        async def arrived() -> list[Any] | None:
            return mail.messages or None

        [summary] = await eventually(arrived, timeout=60, message="no summary e-mail arrived")
        assert summary.recipients == ("vanthu@hamrong.example.vn",)
        assert "Số lượt ủng hộ: 3" in summary.text
        assert "Tổng số tiền: 15.000.000 đồng" in summary.text
        assert "Mười lăm triệu đồng" in summary.text
        assert "Ủng hộ một ngày lương vì trẻ em 2026" in summary.text
        await asyncio.sleep(1.5)
        assert len(mail.messages) == 1
