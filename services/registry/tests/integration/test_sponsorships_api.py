"""Sponsorship on PostgreSQL: holds with expiry, one sponsor per child, ending with a
replacement offered, and letters through the fund without contact details."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import text

from baotro_shared.testing.harness import RunningService, ServiceHarness
from baotro_shared.testing.plugin import bearer

HAC_THANH = "14797"
QUANG_PHU = "16522"
ALICE = "donor:6f1c2b1e-9a55-4a7e-9b43-0b2f8c1d3e4a"
BOB = "donor:0b2f8c1d-3e4a-4a7e-9b43-6f1c2b1e9a55"
PAYER = "donor:11111111-2222-4333-8444-555555555555"
CHILD: dict[str, Any] = {
    "full_name": "Hoàng Văn Tú",
    "date_of_birth": "2016-05-20",
    "national_id": "038216007777",
    "address": "Số 9 đường Lam Sơn, thôn Hòa Bình",
    "guardian_name": "Hoàng Thị Nga",
    "guardian_phone": "0977 333 444",
    "school": "Trường Tiểu học Quang Trung",
    "commune_code": HAC_THANH,
    "groups": ["a"],
    "confirm_not_duplicate": True,
}
SECRETS = (
    "Hoàng Văn Tú",
    "038216007777",
    "0977333444",
    "Lam Sơn",
    "Hòa Bình",
    "Hoàng Thị Nga",
    "Quang Trung",
)

Tokens = Callable[..., str]


class Fund:
    def __init__(self, registry: RunningService, make_token: Tokens) -> None:
        self.registry = registry
        self.client = registry.client
        self.worker = bearer(make_token, "case_worker", [HAC_THANH], sub="worker@hac-thanh")
        self.admin = bearer(make_token, "fund_admin", sub="admin@quy")

    async def child(self, **override: Any) -> str:
        response = await self.client.post(
            "/v1/children", json={**CHILD, **override}, headers=self.worker
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def hold(self, child_id: str, sponsor: str, headers: dict[str, str] | None = None) -> Any:
        return await self.client.post(
            f"/v1/children/{child_id}/holds",
            json={"sponsor_ref": sponsor},
            headers=headers or self.worker,
        )

    async def sponsor(self, child_id: str, sponsor: str, **override: Any) -> Any:
        body = {
            "child_id": child_id,
            "sponsor_ref": sponsor,
            "amount": 500_000,
            "period": "monthly",
            "started_on": "2026-11-01",
        }
        return await self.client.post(
            "/v1/sponsorships", json={**body, **override}, headers=self.worker
        )

    async def outbox(self) -> list[tuple[str, str]]:
        async with self.registry.runtime.engine.connect() as conn:
            rows = (
                await conn.execute(text("SELECT event_type, payload FROM outbox ORDER BY id"))
            ).all()
        return [(str(t), bytes(p).decode()) for t, p in rows]


async def _fund(services: ServiceHarness, make_token: Tokens) -> Fund:
    return Fund(await services.start("registry"), make_token)


async def test_a_held_child_cannot_be_taken_by_another_sponsor(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = await _fund(services, make_token)
    child_id = await fund.child()

    held = await fund.hold(child_id, ALICE)
    assert held.status_code == 201, held.text
    assert held.json()["active"] is True

    second = await fund.hold(child_id, BOB)
    assert second.status_code == 409
    assert "giữ chỗ" in second.json()["detail"]
    assert (await fund.sponsor(child_id, BOB)).status_code == 409

    started = await fund.sponsor(child_id, ALICE, payer_ref=PAYER, period="quarterly")
    assert started.status_code == 201, started.text
    assert started.json()["payer_ref"] == PAYER
    assert started.json()["status"] == "active"
    assert (await fund.hold(child_id, BOB)).status_code == 409  # now sponsored
    assert (await fund.sponsor(child_id, BOB)).status_code == 409
    async with fund.registry.runtime.engine.connect() as conn:
        status = (await conn.execute(text("SELECT status FROM sponsorship_holds"))).scalar_one()
    assert status == "converted"
    events = await fund.outbox()
    [(_, payload)] = [(t, p) for t, p in events if t == "sponsorship.started"]
    assert PAYER in payload
    assert '"period":"quarterly"' in payload


async def test_an_expired_or_released_hold_frees_the_child(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = await _fund(services, make_token)
    child_id = await fund.child()
    first = (await fund.hold(child_id, ALICE)).json()
    assert (await fund.hold(child_id, BOB)).status_code == 409

    async with fund.registry.runtime.engine.begin() as conn:
        await conn.execute(
            text("UPDATE sponsorship_holds SET expires_at = now() - interval '1 minute'")
        )

    second = await fund.hold(child_id, BOB)
    assert second.status_code == 201, second.text
    expired_release = await fund.client.post(
        f"/v1/holds/{first['id']}/release", headers=fund.worker
    )
    assert expired_release.status_code == 409
    released = await fund.client.post(
        f"/v1/holds/{second.json()['id']}/release", headers=fund.admin
    )
    assert released.status_code == 200
    assert released.json()["status"] == "released"
    assert (await fund.hold(child_id, ALICE)).status_code == 201


async def test_when_the_child_departs_a_similar_child_is_offered_and_held_for_the_sponsor(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = await _fund(services, make_token)
    departing = await fund.child()
    similar = await fund.child(
        full_name="Phạm Thị Hoa", national_id=None, date_of_birth="2017-01-02"
    )
    await fund.child(full_name="Đỗ Văn Long", national_id=None, date_of_birth="2010-01-02")
    sponsorship = (await fund.sponsor(departing, ALICE)).json()

    ended = await fund.client.post(
        f"/v1/sponsorships/{sponsorship['id']}/end",
        json={"reason": "child_departed", "ended_on": "2026-11-20"},
        headers=fund.worker,
    )

    assert ended.status_code == 200, ended.text
    body = ended.json()
    assert body["sponsorship"]["status"] == "child_departed"
    assert body["sponsorship"]["ended_on"] == "2026-11-20"
    offer = body["replacement"]
    assert offer["child_id"] == similar
    assert offer["age_band"] == "6-10"
    assert set(offer) == {"child_id", "age_band", "hold_id", "hold_expires_at"}
    for secret in (*SECRETS, "Phạm Thị Hoa"):
        assert secret not in ended.text
    departed = await fund.client.get(f"/v1/children/{sponsorship['child_id']}", headers=fund.worker)
    assert departed.json()["status"] == "departed"
    assert (await fund.hold(similar, BOB)).status_code == 409  # held for Alice
    assert (await fund.sponsor(similar, ALICE)).status_code == 201

    again = await fund.client.post(
        f"/v1/sponsorships/{sponsorship['id']}/end",
        json={"reason": "sponsor_stopped"},
        headers=fund.worker,
    )
    assert again.status_code == 409
    events = await fund.outbox()
    sponsorship_events = [t for t, _ in events if t.startswith("sponsorship.")]
    assert sponsorship_events == ["sponsorship.started", "sponsorship.ended", "sponsorship.started"]
    assert '"status":"child_departed"' in next(p for t, p in events if t == "sponsorship.ended")
    for event_type, payload in events:
        for secret in SECRETS:
            assert secret not in payload, f"{secret!r} in {event_type}"


async def test_an_ended_sponsorship_offers_no_replacement(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = await _fund(services, make_token)
    child_id = await fund.child()
    await fund.child(full_name="Phạm Thị Hoa", national_id=None)
    sponsorship = (await fund.sponsor(child_id, ALICE)).json()
    ended = await fund.client.post(
        f"/v1/sponsorships/{sponsorship['id']}/end",
        json={"reason": "sponsor_stopped"},
        headers=fund.admin,
    )
    assert ended.json()["sponsorship"]["status"] == "ended"
    assert ended.json()["replacement"] is None
    assert (await fund.hold(child_id, BOB)).status_code == 201  # free again


async def test_letters_go_through_the_fund_encrypted_audited_and_without_contact_details(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = await _fund(services, make_token)
    child_id = await fund.child()
    sponsorship = (await fund.sponsor(child_id, ALICE)).json()
    letters_url = f"/v1/sponsorships/{sponsorship['id']}/letters"

    for content, kind in (
        ("Chào con, cô là Lan. Con gọi cô số 0912 345 678 nhé!", "số điện thoại"),
        ("Con viết cho cô qua co.lan@example.com nhé.", "địa chỉ email"),
        ("Cháu ở thôn Hòa Bình, cô đến chơi nhé.", "địa chỉ"),
        ("Kết bạn Zalo với cô nhé.", "mạng xã hội"),
    ):
        refused = await fund.client.post(
            letters_url, json={"direction": "to_child", "content": content}, headers=fund.worker
        )
        assert refused.status_code == 422, content
        assert kind in refused.json()["detail"]
        for secret in ("0912 345 678", "co.lan@example.com", "Hòa Bình"):
            assert secret not in refused.text

    letter = "Chào Tú, cô rất vui khi đọc thư con. Chúc con học giỏi và luôn vui vẻ!"
    recorded = await fund.client.post(
        letters_url, json={"direction": "to_child", "content": letter}, headers=fund.worker
    )
    assert recorded.status_code == 201, recorded.text
    assert "content" not in recorded.json()
    reply = await fund.client.post(
        letters_url,
        json={"direction": "from_child", "content": "Con cảm ơn cô ạ."},
        headers=fund.admin,
    )
    assert reply.status_code == 201

    async with fund.registry.runtime.engine.connect() as conn:
        stored = str((await conn.execute(text("SELECT * FROM sponsorship_letters"))).all())
    assert "cô rất vui" not in stored
    assert "dev1." in stored

    assert (await fund.client.get(letters_url, headers=fund.admin)).status_code == 403
    read = await fund.client.get(letters_url, headers=fund.worker)
    assert read.status_code == 200
    assert [x["content"] for x in read.json()] == [letter, "Con cảm ơn cô ạ."]
    assert [x["direction"] for x in read.json()] == ["to_child", "from_child"]
    audit = await fund.client.get("/v1/audit", params={"child_id": child_id}, headers=fund.admin)
    assert [e["action"] for e in audit.json()["items"]] == ["read_letters"]


async def test_roles_and_area_scope_of_sponsorships(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = await _fund(services, make_token)
    child_id = await fund.child()
    outsider = bearer(make_token, "case_worker", [QUANG_PHU], sub="worker@quang-phu")
    auditor = bearer(make_token, "auditor", sub="kiem-toan@quy")
    accountant = bearer(make_token, "accountant", sub="ke-toan@quy")

    assert (await fund.hold(child_id, ALICE, headers=outsider)).status_code == 404
    assert (await fund.hold(child_id, ALICE, headers=auditor)).status_code == 403
    bad_ref = await fund.hold(child_id, "Nguyễn Văn Nhà Hảo Tâm")
    assert bad_ref.status_code == 422
    assert "donor:<UUID>" in bad_ref.json()["detail"]
    sponsorship = (await fund.sponsor(child_id, ALICE)).json()

    one = f"/v1/sponsorships/{sponsorship['id']}"
    assert (await fund.client.get(one, headers=outsider)).status_code == 404
    assert (await fund.client.get(one, headers=auditor)).status_code == 200
    assert (await fund.client.get(one, headers=accountant)).status_code == 403
    assert (await fund.client.get(one)).status_code == 401
    listed = await fund.client.get("/v1/sponsorships", headers=outsider)
    assert listed.json()["total"] == 0
    by_sponsor = await fund.client.get(
        "/v1/sponsorships", params={"sponsor_ref": ALICE}, headers=auditor
    )
    assert [s["id"] for s in by_sponsor.json()["items"]] == [sponsorship["id"]]
    assert (
        await fund.client.post(f"{one}/end", json={"reason": "other"}, headers=auditor)
    ).status_code == 403
