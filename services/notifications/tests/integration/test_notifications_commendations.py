"""Commendations: yearly rules crossed at the edge (exactly the threshold, one đồng below),
proposals made once, approval into a certificate PDF (read back), `commendation.issued` and a
notice to the donor; units that reached their pledge; sponsors."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from pypdf import PdfReader
from sqlalchemy import text

from baotro_shared.events.contracts.donations import PledgeCreated
from baotro_shared.events.contracts.registry import SponsorshipStarted
from baotro_shared.testing.plugin import eventually

if TYPE_CHECKING:
    from conftest import Kit

    from baotro_shared.testing.harness import RunningService

THRESHOLD = 200_000_000
ENTERPRISES = {
    "year": 2026,
    "name": "Doanh nghiệp ủng hộ từ 200 triệu đồng",
    "award": "Giấy khen của Giám đốc Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa",
    "donor_kinds": ["enterprise"],
    "min_total": THRESHOLD,
}


async def _rule(kit: Kit, service: RunningService, body: dict[str, Any]) -> dict[str, Any]:
    response = await service.client.post(
        "/v1/commendation-rules", json=body, headers=kit.as_role("fund_admin")
    )
    assert response.status_code == 201, response.text
    rule: dict[str, Any] = response.json()
    return rule


async def _evaluate(kit: Kit, service: RunningService, year: int = 2026) -> list[dict[str, Any]]:
    response = await service.client.post(
        "/v1/commendations/evaluate", json={"year": year}, headers=kit.as_role("accountant")
    )
    assert response.status_code == 200, response.text
    proposed: list[dict[str, Any]] = response.json()["proposed"]
    return proposed


async def _gifts_known(service: RunningService, count: int) -> None:
    async def known() -> bool:
        async with service.runtime.engine.connect() as conn:
            rows = (await conn.execute(text("SELECT count(*) FROM gifts"))).scalar_one()
        return int(rows) >= count

    await eventually(known, message="the gifts never reached the read model")


async def test_an_enterprise_at_the_threshold_is_proposed_once_and_commended(kit: Kit) -> None:
    service = await kit.start()
    at_threshold = kit.donors.add(
        kind="enterprise",
        display_name="Công ty TNHH Minh Phát",
        salutation="Quý công ty",
        email="giamdoc@minhphat.example.vn",
    )
    one_below = kit.donors.add(kind="enterprise", display_name="Công ty CP Sao Mai")
    person = kit.donors.add(kind="person")
    gifts = [
        kit.gift(at_threshold, 150_000_000, donor_kind="enterprise"),
        kit.gift(at_threshold, 50_000_000, donor_kind="enterprise"),
        kit.gift(one_below, THRESHOLD - 1, donor_kind="enterprise"),
        kit.gift(person, 300_000_000),  # a person: another rule's business
        kit.gift(at_threshold, 90_000_000, donor_kind="enterprise", received_on=date(2025, 12, 31)),
    ]
    await kit.events.publish(*gifts)
    await _gifts_known(service, len(gifts))
    rule = await _rule(kit, service, ENTERPRISES)
    assert rule["period_start"] == "2026-01-01"
    assert rule["period_end"] == "2026-12-31"

    [proposal] = await _evaluate(kit, service)

    assert proposal["donor_id"] == str(at_threshold)
    assert proposal["status"] == "proposed"
    assert proposal["total_given"] == THRESHOLD
    assert proposal["donation_count"] == 2
    assert sorted(proposal["evidence"]["donation_ids"]) == sorted(
        str(g.donation_id) for g in gifts[:2]
    )
    assert await _evaluate(kit, service) == []  # never twice for the same rule and period
    [event] = await kit.outbox(service, "commendation.proposed")
    assert event["donor_id"] == str(at_threshold)
    assert event["total_given"] == THRESHOLD

    path = f"/v1/commendations/{proposal['id']}"
    assert (
        await service.client.post(f"{path}/approve", headers=kit.as_role("accountant"))
    ).status_code == 403
    approved = await service.client.post(f"{path}/approve", headers=kit.as_role("fund_admin"))
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["status"] == "approved"
    assert body["certificate_number"] == "001/2026/GK-QBTTE"
    again = await service.client.post(f"{path}/approve", headers=kit.as_role("fund_admin"))
    assert again.status_code == 409

    certificate = await service.client.get(body["certificate_url"], headers=kit.as_role("auditor"))
    assert certificate.status_code == 200
    reader = PdfReader(io.BytesIO(certificate.content))
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # A4 landscape
    text = " ".join(reader.pages[0].extract_text().split())
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "GIẤY KHEN",
        "GIÁM ĐỐC QUỸ BẢO TRỢ TRẺ EM TỈNH THANH HÓA",
        "Quý công ty Công ty TNHH Minh Phát",
        "Số: 001/2026/GK-QBTTE",
        "Lê Văn Minh",
    ):
        assert words in text, words

    [issued] = await eventually(lambda: kit.outbox(service, "commendation.issued"))
    assert issued["donor_id"] == str(at_threshold)
    assert issued["certificate_number"] == "001/2026/GK-QBTTE"
    assert "Minh Phát" not in str(issued)

    async def notice() -> Any:
        found = [m for m in kit.mail.messages if "khen thưởng" in m.subject]
        return found[0] if found else None

    mail = await eventually(notice, message="no commendation notice was e-mailed")
    assert mail.recipients == ("giamdoc@minhphat.example.vn",)
    assert "Giấy khen của Giám đốc Quỹ" in mail.text
    names = [name for name, _ in mail.attachments]
    assert any(name.startswith("giay-khen-001-2026") for name in names)


async def test_a_rejected_proposal_stays_rejected_and_is_not_proposed_again(kit: Kit) -> None:
    service = await kit.start()
    donor = kit.donors.add(kind="enterprise", email="a@example.vn")
    await kit.events.publish(kit.gift(donor, THRESHOLD, donor_kind="enterprise"))
    await _gifts_known(service, 1)
    await _rule(kit, service, ENTERPRISES)
    [proposal] = await _evaluate(kit, service)

    rejected = await service.client.post(
        f"/v1/commendations/{proposal['id']}/reject",
        json={"reason": "Đã được khen ở cấp tỉnh trong năm"},
        headers=kit.as_role("fund_admin"),
    )

    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"
    assert await _evaluate(kit, service) == []
    listed = await service.client.get(
        "/v1/commendations", params={"status": "rejected"}, headers=kit.as_role("auditor")
    )
    assert [c["id"] for c in listed.json()] == [proposal["id"]]


async def test_units_reaching_their_pledge_and_sponsors_are_proposed(kit: Kit) -> None:
    service = await kit.start()
    reached = kit.donors.add(kind="unit", display_name="Trường THPT Hàm Rồng")
    short = kit.donors.add(kind="unit", display_name="UBND phường Hạc Thành")
    sponsor = kit.donors.add(kind="person", display_name="Đỗ Thị Mai")
    campaign = uuid.uuid4()
    pledges = {reached: uuid.uuid4(), short: uuid.uuid4()}
    await kit.events.publish(
        *(
            PledgeCreated(
                pledge_id=pledge,
                campaign_id=campaign,
                fund_code="TH",
                unit_id=unit,
                unit_name="Đơn vị",
                target_amount=5_000_000,
                created_at=datetime.now(UTC),
            )
            for unit, pledge in pledges.items()
        ),
        SponsorshipStarted(
            sponsorship_id=uuid.uuid4(),
            child_id=uuid.uuid4(),
            commune_code="16000",
            sponsor_ref=f"donor:{sponsor}",
            payer_ref=f"donor:{sponsor}",
            amount=500_000,
            period="monthly",
            started_on=date(2026, 3, 1),
        ),
    )
    for unit, amounts in ((reached, [3_000_000, 2_000_000]), (short, [4_999_999])):
        for amount in amounts:
            await kit.events.publish(
                kit.gift(
                    unit,
                    amount,
                    donor_kind="unit",
                    target_kind="pledge",
                    pledge_id=pledges[unit],
                    campaign_id=campaign,
                )
            )
    await _gifts_known(service, 3)
    await _rule(
        kit,
        service,
        {
            "year": 2026,
            "name": "Đơn vị hoàn thành chỉ tiêu vận động",
            "award": "Giấy khen của Giám đốc Quỹ",
            "donor_kinds": ["unit", "agency"],
            "min_campaigns_mobilised": 1,
        },
    )
    await _rule(
        kit,
        service,
        {
            "year": 2026,
            "name": "Nhà hảo tâm nhận đỡ đầu trẻ em",
            "award": "Giấy khen của Giám đốc Quỹ",
            "min_sponsorships": 1,
        },
    )

    proposed = await _evaluate(kit, service)

    by_donor = {p["donor_id"]: p for p in proposed}
    assert set(by_donor) == {str(reached), str(sponsor)}
    assert by_donor[str(reached)]["evidence"]["campaigns_mobilised"] == 1
    assert by_donor[str(reached)]["evidence"]["pledges_reached"] == [str(pledges[reached])]
    assert by_donor[str(sponsor)]["evidence"]["sponsorships_held"] == 1


async def test_a_rule_needs_a_threshold_and_a_fund_admin(kit: Kit) -> None:
    service = await kit.start()
    body = {key: value for key, value in ENTERPRISES.items() if key != "min_total"}

    missing = await service.client.post(
        "/v1/commendation-rules", json=body, headers=kit.as_role("fund_admin")
    )
    forbidden = await service.client.post(
        "/v1/commendation-rules", json=ENTERPRISES, headers=kit.as_role("accountant")
    )

    assert missing.status_code == 422
    assert "Cần ít nhất một tiêu chí" in missing.json()["detail"]
    assert forbidden.status_code == 403
