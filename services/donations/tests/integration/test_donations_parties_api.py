"""Donors, units, campaigns and pledges on PostgreSQL with the real broker: contact data sealed
at rest and absent from events and logs, folded name search, bank-account lookup, the
one-day-salary default pledge, campaign/pledge events, progress net of reversals, roles."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import structlog
from sqlalchemy import text

from baotro_donations.domain.ledger_accounts import LedgerRefusedError
from baotro_donations.service_layer.donation_handlers import (
    fund_of,
)
from baotro_donations.service_layer.party_handlers import (
    DonationContext,
    donation_context,
)
from baotro_donations.settings import DonationsSettings
from baotro_shared.events.contracts.donations import TargetKind
from baotro_shared.testing.harness import RunningService, ServiceHarness
from baotro_shared.testing.plugin import bearer

Tokens = Callable[..., str]
EMAIL = "an.nguyen@example.com"
PHONE = "0912345678"
ADDRESS = "Số 12 Lê Lợi, phường Hạc Thành"
ACCOUNT = "0011001932418"
PERSONAL = (EMAIL, PHONE, "912345678", "Lê Lợi", ACCOUNT, "1932418")


class Desk:
    """The fund's staff at the donations service."""

    def __init__(self, service: RunningService, make_token: Tokens) -> None:
        self.service = service
        self.client = service.client
        self.accountant = bearer(make_token, "accountant", sub="accountant@quy")
        self.admin = bearer(make_token, "fund_admin", sub="fund_admin@quy")
        self.auditor = bearer(make_token, "auditor", sub="auditor@quy")
        self.machine = bearer(make_token, "service", sub="service:notifications")
        self.case_worker = bearer(make_token, "case_worker", sub="case_worker@quy")

    async def created(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.client.post(path, json=body, headers=self.accountant)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    async def donor(self, **body: Any) -> dict[str, Any]:
        return await self.created("/v1/donors", {"kind": "person", **body})

    async def read(self, path: str, **params: Any) -> dict[str, Any]:
        response = await self.client.get(path, params=params, headers=self.auditor)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def sql(self, statement: str) -> str:
        async with self.service.runtime.engine.connect() as conn:
            rows = (await conn.execute(text(statement))).all()
        return repr(rows)

    async def outbox(self, event_type: str) -> list[dict[str, Any]]:
        async with self.service.runtime.engine.connect() as conn:
            rows = (
                await conn.execute(
                    text("SELECT payload FROM outbox WHERE event_type = :t ORDER BY id"),
                    {"t": event_type},
                )
            ).all()
        return [json.loads(bytes(row[0]).decode())["data"] for row in rows]


async def _desk(services: ServiceHarness, make_token: Tokens) -> Desk:
    return Desk(await services.start("donations"), make_token)


async def test_donors_of_every_kind_are_read_back_by_a_service_with_contact_sealed_at_rest(
    services: ServiceHarness, make_token: Tokens
) -> None:
    desk = await _desk(services, make_token)
    with structlog.testing.capture_logs() as logs:
        person = await desk.donor(
            display_name="Nguyễn Văn An",
            salutation="Ông",
            email=EMAIL,
            phone="+84 912 345 678",
            address=ADDRESS,
            preferred_channel="email",
            bank_accounts=[{"number": "0011.0019.32418", "bank_bin": "970436"}],
        )
        household = await desk.donor(kind="household", display_name="Gia đình bà Lê Thị Hoa")
        enterprise = await desk.donor(
            kind="enterprise", display_name="Công ty TNHH Minh Phát", salutation="Quý công ty"
        )
        agency = await desk.donor(kind="agency", display_name="UNICEF Việt Nam", anonymous=True)
        unit = await desk.donor(
            kind="unit",
            display_name="Sở Y tế tỉnh Thanh Hóa",
            headcount=120,
            average_daily_wage=250_000,
            commune_code="16015",
            opted_out=True,
        )
        read = await desk.client.get(f"/v1/donors/{person['id']}", headers=desk.machine)
        missing = await desk.client.get(f"/v1/donors/{uuid.uuid4()}", headers=desk.machine)

    assert read.status_code == 200, read.text
    body = read.json()
    assert body == person
    assert body["phone"] == PHONE
    assert (body["email"], body["address"], body["salutation"]) == (EMAIL, ADDRESS, "Ông")
    assert body["public_name"] == "Nguyễn Văn An"
    assert body["bank_accounts"] == [{"bank_bin": "970436", "bank_name": None, "number": ACCOUNT}]
    assert (household["kind"], enterprise["salutation"]) == ("household", "Quý công ty")
    assert (agency["anonymous"], agency["public_name"]) == (True, None)
    assert (unit["headcount"], unit["average_daily_wage"], unit["commune_code"]) == (
        120,
        250_000,
        "16015",
    )
    assert unit["opted_out"] is True
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Không tìm thấy nhà tài trợ này."

    at_rest = await desk.sql("SELECT * FROM donors") + await desk.sql(
        "SELECT * FROM donor_bank_accounts"
    )
    outbox = await desk.sql("SELECT payload FROM outbox")
    for secret in PERSONAL:
        assert secret not in at_rest
        assert secret not in outbox
        assert secret not in repr(logs)
    assert any(entry["event"] == "donations.donor.created" for entry in logs)


async def test_invalid_donors_are_refused_in_vietnamese(
    services: ServiceHarness, make_token: Tokens
) -> None:
    desk = await _desk(services, make_token)
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"email": "an@example"}, "email", "Địa chỉ email không hợp lệ"),
        ({"phone": "09876"}, "phone", "Số điện thoại không hợp lệ"),
        ({"headcount": 12}, "headcount", "Chỉ đơn vị"),
        ({"kind": "unit", "headcount": -1}, "headcount", "không được âm"),
        ({"preferred_channel": "sms"}, "phone", "cần số điện thoại"),
        ({"bank_accounts": [{"number": "12"}]}, "bank_accounts", "6 đến 19 chữ số"),
        ({"display_name": "  "}, "display_name", "Phải ghi tên"),
    ]
    for fields, field, message in cases:
        response = await desk.client.post(
            "/v1/donors",
            json={"kind": "person", "display_name": "Trần Thị Bình", **fields},
            headers=desk.accountant,
        )
        assert response.status_code == 422, (fields, response.text)
        problem = response.json()
        assert message in problem["detail"]
        assert problem["errors"][0]["field"] == field
        assert "09876" not in response.text  # a refused value is not echoed back
    total = (await desk.read("/v1/donors"))["total"]
    assert total == 0


async def test_names_are_found_without_diacritics_and_lists_carry_no_contact_data(
    services: ServiceHarness, make_token: Tokens
) -> None:
    desk = await _desk(services, make_token)
    an = await desk.donor(display_name="Nguyễn Văn An", email=EMAIL, phone=PHONE)
    anh = await desk.donor(display_name="Nguyễn Văn Anh")
    await desk.donor(display_name="Trần Thị Bình")
    dang = await desk.donor(kind="enterprise", display_name="Công ty Đặng Đức Thắng")

    page = await desk.read("/v1/donors", q="nguyen van an")
    assert [d["id"] for d in page["items"]] == [an["id"], anh["id"]]
    assert page["total"] == 2
    assert set(page["items"][0]) == {"id", "kind", "display_name", "anonymous"}
    assert [d["id"] for d in (await desk.read("/v1/donors", q="ĐẶNG đuc"))["items"]] == [dang["id"]]
    assert (await desk.read("/v1/donors", q="dang duc", kind="person"))["total"] == 0
    assert (await desk.read("/v1/donors", q="100%"))["total"] == 0
    second = await desk.read("/v1/donors", limit=2, offset=2)
    assert (second["total"], len(second["items"])) == (4, 2)


async def test_known_bank_accounts_find_their_donor_and_belong_to_one_donor_only(
    services: ServiceHarness, make_token: Tokens
) -> None:
    desk = await _desk(services, make_token)
    an = await desk.donor(
        display_name="Nguyễn Văn An", bank_accounts=[{"number": "0011 0019 32418"}]
    )
    binh = await desk.donor(display_name="Trần Thị Bình")

    async def owners(number: str) -> list[str]:
        async with desk.service.runtime.uow() as uow:
            found = await uow.parties.donors_by_bank_account(number)
        return [str(d.id) for d in found]

    assert await owners("0011001932418") == [an["id"]]
    assert await owners("0011.0019.32418") == [an["id"]]
    assert await owners("3500431101000909") == []

    taken = await desk.client.post(
        "/v1/donors",
        json={"kind": "person", "display_name": "X", "bank_accounts": [{"number": ACCOUNT}]},
        headers=desk.accountant,
    )
    assert taken.status_code == 409
    assert "đã thuộc về một nhà tài trợ khác" in taken.json()["detail"]
    move = {"bank_accounts": [{"number": ACCOUNT, "bank_name": "Vietcombank"}]}
    refused = await desk.client.patch(f"/v1/donors/{binh['id']}", json=move, headers=desk.admin)
    assert refused.status_code == 409

    released = await desk.client.patch(
        f"/v1/donors/{an['id']}", json={"bank_accounts": []}, headers=desk.admin
    )
    assert released.status_code == 200, released.text
    assert released.json()["bank_accounts"] == []
    moved = await desk.client.patch(f"/v1/donors/{binh['id']}", json=move, headers=desk.admin)
    assert moved.status_code == 200, moved.text
    assert await owners(ACCOUNT) == [binh["id"]]
    assert moved.json()["display_name"] == "Trần Thị Bình"


async def test_patch_changes_only_what_it_names(
    services: ServiceHarness, make_token: Tokens
) -> None:
    desk = await _desk(services, make_token)
    an = await desk.donor(display_name="Nguyễn Văn An", email=EMAIL, phone=PHONE)
    patch = {"phone": None, "anonymous": True, "preferred_channel": "email"}
    changed = await desk.client.patch(f"/v1/donors/{an['id']}", json=patch, headers=desk.admin)
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["phone"], body["email"], body["anonymous"]) == (None, EMAIL, True)
    assert (body["public_name"], body["preferred_channel"]) == (None, "email")
    assert body["updated_at"] > an["updated_at"]
    assert body["created_at"] == an["created_at"]

    cleared = await desk.client.patch(
        f"/v1/donors/{an['id']}", json={"email": None}, headers=desk.admin
    )
    assert cleared.status_code == 422
    assert "cần địa chỉ email" in cleared.json()["detail"]
    blank = await desk.client.patch(
        f"/v1/donors/{an['id']}", json={"display_name": None}, headers=desk.admin
    )
    assert blank.status_code == 422
    unknown = await desk.client.patch(f"/v1/donors/{uuid.uuid4()}", json={}, headers=desk.admin)
    assert unknown.status_code == 404


async def _unit(desk: Desk, name: str, **fields: Any) -> dict[str, Any]:
    return await desk.donor(kind="unit", display_name=name, **fields)


async def _campaign(desk: Desk, **fields: Any) -> dict[str, Any]:
    body = {
        "fund_code": "TH",
        "name": "Ủng hộ một ngày lương vì trẻ em năm 2026",
        "kind": "one_day_salary",
        "starts_on": "2026-05-01",
        "ends_on": "2026-06-30",
        **fields,
    }
    return await desk.created("/v1/campaigns", body)


async def test_a_one_day_salary_pledge_defaults_to_headcount_times_wage_and_is_announced(
    services: ServiceHarness, make_token: Tokens
) -> None:
    desk = await _desk(services, make_token)
    health = await _unit(desk, "Sở Y tế tỉnh Thanh Hóa", headcount=120, average_daily_wage=250_000)
    school = await _unit(desk, "Trường THCS Điện Biên", headcount=45)
    person = await desk.donor(display_name="Nguyễn Văn An", email=EMAIL)
    campaign = await _campaign(desk, target_amount=500_000_000)
    month = await _campaign(
        desk, name="Tháng hành động vì trẻ em 2026", kind="action_month", restricted=True
    )

    pledge = await desk.created(
        f"/v1/campaigns/{campaign['id']}/pledges", {"unit_id": health["id"]}
    )
    assert (pledge["target_amount"], pledge["headcount"], pledge["raised"]) == (30_000_000, 120, 0)
    assert pledge["unit_name"] == "Sở Y tế tỉnh Thanh Hóa"
    again = await desk.client.post(
        f"/v1/campaigns/{campaign['id']}/pledges",
        json={"unit_id": health["id"], "target_amount": 1_000_000},
        headers=desk.accountant,
    )
    assert again.status_code == 409
    assert "đã đăng ký cam kết" in again.json()["detail"]

    async def refused(campaign_id: str, body: dict[str, Any]) -> str:
        response = await desk.client.post(
            f"/v1/campaigns/{campaign_id}/pledges", json=body, headers=desk.accountant
        )
        assert response.status_code == 422, response.text
        detail: str = response.json()["detail"]
        return detail

    assert "Trường THCS Điện Biên" in await refused(campaign["id"], {"unit_id": school["id"]})
    assert "Phải ghi số tiền cam kết" in await refused(month["id"], {"unit_id": health["id"]})
    assert "Chỉ đơn vị" in await refused(
        campaign["id"], {"unit_id": person["id"], "target_amount": 1}
    )
    assert "Không tìm thấy đơn vị" in await refused(campaign["id"], {"unit_id": str(uuid.uuid4())})
    named = await desk.created(
        f"/v1/campaigns/{month['id']}/pledges",
        {"unit_id": school["id"], "target_amount": 9_000_000},
    )
    unknown = await desk.client.post(
        f"/v1/campaigns/{uuid.uuid4()}/pledges",
        json={"unit_id": health["id"]},
        headers=desk.accountant,
    )
    assert unknown.status_code == 404

    opened = await desk.outbox("campaign.opened")
    assert [(e["campaign_id"], e["kind"], e["restricted"]) for e in opened] == [
        (campaign["id"], "one_day_salary", False),
        (month["id"], "action_month", True),
    ]
    assert opened[0]["target_amount"] == 500_000_000
    assert opened[0]["name"] == "Ủng hộ một ngày lương vì trẻ em năm 2026"
    created = await desk.outbox("pledge.created")
    assert [(e["pledge_id"], e["unit_id"], e["target_amount"]) for e in created] == [
        (pledge["id"], health["id"], 30_000_000),
        (named["id"], school["id"], 9_000_000),
    ]
    assert created[0]["unit_name"] == "Sở Y tế tỉnh Thanh Hóa"
    assert created[0]["fund_code"] == "TH"
    assert EMAIL not in repr(created)

    listing = await desk.read("/v1/campaigns", kind="one_day_salary")
    assert [c["id"] for c in listing["items"]] == [campaign["id"]]
    assert (await desk.read(f"/v1/pledges/{pledge['id']}"))["target_amount"] == 30_000_000


async def test_campaigns_with_bad_dates_or_funds_are_refused(
    services: ServiceHarness, make_token: Tokens
) -> None:
    desk = await _desk(services, make_token)
    base = {"name": "Tết vì trẻ em", "kind": "tet", "starts_on": "2027-01-20"}
    for body, message in [
        ({**base, "ends_on": "2027-01-19"}, "Ngày kết thúc"),
        ({**base, "ends_on": "2027-02-10", "fund_code": "HN"}, "Không có quỹ mã «HN»"),
        ({**base, "ends_on": "2027-02-10", "target_amount": 0}, "Chỉ tiêu"),
    ]:
        response = await desk.client.post("/v1/campaigns", json=body, headers=desk.admin)
        assert response.status_code == 422, response.text
        assert message in response.json()["detail"]
    default_fund = await desk.created("/v1/campaigns", {**base, "ends_on": "2027-02-10"})
    assert default_fund["fund_code"] == "TH"
    missing = await desk.client.get(f"/v1/campaigns/{uuid.uuid4()}", headers=desk.auditor)
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Không tìm thấy đợt vận động này."


class Giver:
    """Resolves gift contexts and records gifts through the API."""

    def __init__(self, service: RunningService) -> None:
        self.service = service
        settings: DonationsSettings = service.app.state.settings
        self.fund = fund_of([f.ledger_fund() for f in settings.funds], None)

    async def context(
        self, target_kind: str, target_id: str | None, donor_id: str | None = None
    ) -> DonationContext:
        async with self.service.runtime.uow() as uow:
            return await donation_context(
                uow,
                target_kind=target_kind,
                target_id=target_id,
                donor_id=uuid.UUID(donor_id) if donor_id else None,
            )

    async def give(
        self,
        amount: int,
        target_kind: TargetKind,
        target_id: str,
        donor_id: str | None = None,
        *,
        headers: dict[str, str],
    ) -> uuid.UUID:
        """A cash gift through `POST /v1/donations`: recording resolves the context itself."""
        response = await self.service.client.post(
            "/v1/donations",
            json={
                "channel": "cash",
                "amount": amount,
                "received_on": "2026-05-20",
                "target_kind": target_kind,
                "target_id": target_id,
                "donor_id": donor_id,
            },
            headers=headers,
        )
        assert response.status_code == 201, response.text
        return uuid.UUID(response.json()["id"])


async def test_progress_counts_gifts_per_campaign_and_pledge_net_of_reversals(
    services: ServiceHarness, make_token: Tokens
) -> None:
    desk = await _desk(services, make_token)
    giver = Giver(desk.service)
    health = await _unit(desk, "Sở Y tế tỉnh Thanh Hóa", headcount=120, average_daily_wage=250_000)
    school = await _unit(desk, "Trường THCS Điện Biên", headcount=40, average_daily_wage=200_000)
    person = await desk.donor(display_name="Nguyễn Văn An", anonymous=True)
    campaign = await _campaign(desk)
    other = await _campaign(desk, name="Tết vì trẻ em", kind="tet", target_amount=10_000_000)
    url = f"/v1/campaigns/{campaign['id']}/pledges"
    health_pledge = await desk.created(url, {"unit_id": health["id"]})
    school_pledge = await desk.created(url, {"unit_id": school["id"]})

    by_pledge = await giver.context("pledge", health_pledge["id"])
    assert (by_pledge.campaign_id, by_pledge.pledge_id) == (
        uuid.UUID(campaign["id"]),
        uuid.UUID(health_pledge["id"]),
    )
    assert (str(by_pledge.donor_id), by_pledge.donor_kind) == (health["id"], "unit")
    assert by_pledge.donor_public_name == "Sở Y tế tỉnh Thanh Hóa"
    named = await giver.context("pledge", health_pledge["id"], person["id"])
    assert (str(named.donor_id), named.anonymous, named.donor_public_name) == (
        person["id"],
        True,
        None,
    )
    direct = await giver.context("campaign", campaign["id"], school["id"])
    assert str(direct.pledge_id) == school_pledge["id"]
    assert (await giver.context("general", None)).campaign_id is None

    first = await giver.give(20_000_000, "pledge", health_pledge["id"], headers=desk.accountant)
    async with desk.service.runtime.engine.connect() as conn:
        stored = (
            await conn.execute(
                text("SELECT campaign_id, pledge_id, donor_id FROM donations WHERE id = :i"),
                {"i": first},
            )
        ).one()
    assert [str(v) for v in stored] == [campaign["id"], health_pledge["id"], health["id"]]
    await giver.give(6_000_000, "campaign", campaign["id"], school["id"], headers=desk.accountant)
    await giver.give(1_000_000, "campaign", campaign["id"], person["id"], headers=desk.accountant)
    await giver.give(500_000, "campaign", other["id"], headers=desk.accountant)
    reversal = await desk.client.post(
        f"/v1/donations/{first}/reverse",
        json={"amount": 5_000_000, "reason": "Chuyển nhầm, hoàn lại một phần"},
        headers=desk.accountant,
    )
    assert reversal.status_code == 200, reversal.text

    detail = await desk.read(f"/v1/campaigns/{campaign['id']}")
    progress = detail["progress"]
    assert (progress["raised_gross"], progress["reversed"], progress["raised"]) == (
        27_000_000,
        5_000_000,
        22_000_000,
    )
    assert progress["target"] == 30_000_000 + 8_000_000  # no own target: the pledges' sum
    assert progress["percent"] == 57.9
    lines = {p["unit_name"]: p for p in progress["pledges"]}
    assert (
        lines["Sở Y tế tỉnh Thanh Hóa"]["raised"],
        lines["Sở Y tế tỉnh Thanh Hóa"]["percent"],
    ) == (
        15_000_000,
        50.0,
    )
    assert lines["Trường THCS Điện Biên"]["raised"] == 6_000_000
    assert lines["Trường THCS Điện Biên"]["target"] == 8_000_000
    pledge = await desk.read(f"/v1/pledges/{health_pledge['id']}")
    assert (pledge["raised_gross"], pledge["reversed"], pledge["raised"]) == (
        20_000_000,
        5_000_000,
        15_000_000,
    )
    tet = (await desk.read(f"/v1/campaigns/{other['id']}"))["progress"]
    assert (tet["raised"], tet["target"], tet["percent"], tet["pledges"]) == (
        500_000,
        10_000_000,
        5.0,
        [],
    )


@pytest.mark.parametrize(
    ("target_kind", "target_id", "message"),
    [
        ("campaign", str(uuid.uuid4()), "Không tìm thấy đợt vận động này."),
        ("campaign", "TET-2027", "Không tìm thấy đợt vận động này."),
        ("pledge", str(uuid.uuid4()), "Không tìm thấy cam kết ủng hộ này."),
        ("general", None, "Không tìm thấy nhà tài trợ này."),
    ],
)
async def test_a_gift_to_an_unknown_campaign_pledge_or_donor_is_refused(
    services: ServiceHarness,
    make_token: Tokens,
    target_kind: str,
    target_id: str | None,
    message: str,
) -> None:
    desk = await _desk(services, make_token)
    with pytest.raises(LedgerRefusedError) as refused:
        await Giver(desk.service).context(target_kind, target_id, str(uuid.uuid4()))
    assert (refused.value.status, refused.value.message) == (422, message)


async def test_roles_write_read_and_refuse(services: ServiceHarness, make_token: Tokens) -> None:
    desk = await _desk(services, make_token)
    donor = await desk.donor(display_name="Nguyễn Văn An")
    campaign = await _campaign(desk)
    body = {"kind": "person", "display_name": "Trần Thị Bình"}
    reads = [f"/v1/donors/{donor['id']}", "/v1/donors", "/v1/campaigns"]
    reads.append(f"/v1/campaigns/{campaign['id']}")

    assert (await desk.client.get(reads[0])).status_code == 401
    assert (await desk.client.post("/v1/donors", json=body)).status_code == 401
    for path in reads:
        for headers in (desk.accountant, desk.admin, desk.auditor, desk.machine):
            assert (await desk.client.get(path, headers=headers)).status_code == 200, path
        assert (await desk.client.get(path, headers=desk.case_worker)).status_code == 403
    for headers in (desk.auditor, desk.machine, desk.case_worker):
        assert (await desk.client.post("/v1/donors", json=body, headers=headers)).status_code == 403
        patch = await desk.client.patch(
            f"/v1/donors/{donor['id']}", json={"anonymous": True}, headers=headers
        )
        assert patch.status_code == 403
        campaign_body = {**body, "name": "x", "kind": "tet"}
        assert (
            await desk.client.post("/v1/campaigns", json=campaign_body, headers=headers)
        ).status_code == 403
    assert (await desk.client.post("/v1/donors", json=body, headers=desk.admin)).status_code == 201


async def test_several_donors_are_read_at_once_and_the_unknown_ones_named(
    services: ServiceHarness, make_token: Tokens
) -> None:
    desk = await _desk(services, make_token)
    first = await desk.donor(
        display_name="Nguyễn Văn An",
        email=EMAIL,
        bank_accounts=[{"number": "0011.0019.32418", "bank_bin": "970436"}],
    )
    second = await desk.donor(kind="unit", display_name="Sở Y tế tỉnh Thanh Hóa", phone=PHONE)
    unknown = str(uuid.uuid4())

    found = await desk.client.post(
        "/v1/donors/lookup",
        json={"ids": [first["id"], unknown, second["id"], first["id"]]},
        headers=desk.machine,
    )
    refused = await desk.client.post(
        "/v1/donors/lookup", json={"ids": [first["id"]]}, headers=desk.case_worker
    )
    too_many = await desk.client.post(
        "/v1/donors/lookup",
        json={"ids": [str(uuid.uuid4()) for _ in range(201)]},
        headers=desk.machine,
    )

    assert found.status_code == 200, found.text
    body = found.json()
    assert sorted(body["items"], key=lambda d: d["display_name"]) == [first, second]
    assert body["missing"] == [unknown]
    assert refused.status_code == 403
    assert too_many.status_code == 422
