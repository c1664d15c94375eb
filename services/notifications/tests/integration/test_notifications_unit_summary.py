"""A unit's "one day's salary" collected over many transfers is thanked once, as a summary to
the unit, after a quiet period without new gifts — not once per transfer."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from baotro_shared.events.contracts.donations import CampaignOpened, PledgeCreated

if TYPE_CHECKING:
    from conftest import Kit


async def test_gifts_to_a_pledge_are_thanked_once_after_the_quiet_period(kit: Kit) -> None:
    service = await kit.start(unit_summary_quiet_period_s=1.0)
    unit = kit.donors.add(
        kind="unit",
        display_name="Sở Tài chính tỉnh Thanh Hóa",
        salutation=None,
        email="vanphong@stc.example.vn",
    )
    campaign_id, pledge_id = uuid.uuid4(), uuid.uuid4()
    await kit.events.publish(
        CampaignOpened(
            campaign_id=campaign_id,
            fund_code="TH",
            name="Ủng hộ một ngày lương vì trẻ em 2026",
            kind="one_day_salary",
            starts_on=date(2026, 6, 1),
            ends_on=date(2026, 6, 30),
            opened_at=datetime.now(UTC),
        ),
        PledgeCreated(
            pledge_id=pledge_id,
            campaign_id=campaign_id,
            fund_code="TH",
            unit_id=unit,
            unit_name="Sở Tài chính tỉnh Thanh Hóa",
            headcount=60,
            target_amount=12_000_000,
            created_at=datetime.now(UTC),
        ),
    )
    salaries = [300_000, 250_000, 450_000, 200_000, 300_000]

    for day, amount in enumerate(salaries, start=2):
        await kit.events.publish(
            kit.gift(
                unit,
                amount,
                donor_kind="unit",
                target_kind="pledge",
                target_id=str(pledge_id),
                pledge_id=pledge_id,
                campaign_id=campaign_id,
                received_on=date(2026, 6, day),
            )
        )
        await asyncio.sleep(0.3)  # inside the quiet period: the summary keeps waiting

    assert kit.mail.messages == []
    [mail] = await kit.wait_for_mail(1)
    assert mail.recipients == ("vanphong@stc.example.vn",)
    assert "Kính gửi: Sở Tài chính tỉnh Thanh Hóa" in mail.text
    assert "Số lượt ủng hộ: 5" in mail.text
    assert "Tổng số tiền: 1.500.000 đồng" in mail.text
    assert "Một triệu năm trăm nghìn đồng" in mail.text
    assert "Ủng hộ một ngày lương vì trẻ em 2026" in mail.text
    assert "từ ngày 02/06/2026 đến ngày 06/06/2026" in mail.text
    [sent] = await kit.wait_for_status(service, "sent")
    assert sent["kind"] == "unit_summary"
    assert sent["gifts"] == 5
    assert sent["amount"] == 1_500_000
    [event] = await kit.outbox(service, "notice.sent")
    assert event["kind"] == "unit_summary"
    assert event["pledge_id"] == str(pledge_id)
    assert event["gifts"] == 5
    await asyncio.sleep(1.5)
    assert len(kit.mail.messages) == 1
    assert len(await kit.deliveries(service)) == 1

    await kit.events.publish(
        kit.gift(
            unit,
            700_000,
            donor_kind="unit",
            target_kind="pledge",
            pledge_id=pledge_id,
            campaign_id=campaign_id,
            received_on=date(2026, 6, 20),
        )
    )

    _, later = await kit.wait_for_mail(2)
    assert "Số lượt ủng hộ: 1" in later.text
    assert "Tổng số tiền: 700.000 đồng" in later.text
