"""Payment codes on PostgreSQL with the real broker: issued by staff or from registry events,
one per target, readable by anyone with their VietQR image."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime

from aiokafka import AIOKafkaProducer
from sqlalchemy import text

from baotro_donations.domain.payment_code import TargetKind, validate
from baotro_donations.service_layer.payment_code_handlers import (
    IssuePaymentCode,
    handle_issue_payment_code,
)
from baotro_donations.settings import DonationsSettings
from baotro_shared.broker_process import BrokerProcess
from baotro_shared.events.catalogue import CATALOGUE
from baotro_shared.events.contracts.registry import AppealPublished, SponsorshipStarted
from baotro_shared.events.envelope import Envelope
from baotro_shared.testing.harness import RunningService, ServiceHarness
from baotro_shared.testing.plugin import bearer, eventually
from baotro_shared.vietqr import AGRIBANK_BIN, parse_payload
from baotro_shared.web.auth import Principal, Role

Tokens = Callable[..., str]
AGRIBANK_DIGITS = "3500431101000909"


async def _outbox(service: RunningService) -> list[dict[str, object]]:
    async with service.runtime.engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT payload FROM outbox WHERE event_type = 'payment_code.issued' "
                    "ORDER BY id"
                )
            )
        ).all()
    return [json.loads(bytes(p).decode())["data"] for (p,) in rows]


async def _codes(service: RunningService, target_id: str) -> list[str]:
    async with service.runtime.engine.connect() as conn:
        rows = (
            await conn.execute(
                text("SELECT code FROM payment_codes WHERE target_id = :t"), {"t": target_id}
            )
        ).all()
    return [str(c) for (c,) in rows]


async def _send(broker: BrokerProcess, envelope: Envelope, *, times: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap_servers, acks="all")
    await producer.start()
    try:
        for _ in range(times):
            await producer.send_and_wait(
                envelope.type, envelope.to_json_bytes(), key=envelope.subject.encode()
            )
    finally:
        await producer.stop()


async def test_staff_issue_a_code_once_per_target_with_a_vietqr_payload(
    services: ServiceHarness, make_token: Tokens
) -> None:
    donations = await services.start("donations")
    client = donations.client
    body = {"target_kind": "campaign", "target_id": "tet-2027", "amount": 500_000}

    assert (await client.post("/v1/payment-codes", json=body)).status_code == 401
    refused = await client.post(
        "/v1/payment-codes",
        json=body,
        headers=bearer(make_token, "case_worker", sub="case_worker@quy"),
    )
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")

    first = await client.post(
        "/v1/payment-codes",
        json=body,
        headers=bearer(make_token, "accountant", sub="accountant@quy"),
    )
    assert first.status_code == 201, first.text
    issued = first.json()
    code = issued["code"]
    parsed = validate(code, ["TH"])
    assert parsed is not None
    assert parsed.kind.letter == "C"
    assert issued["grouped"] == parsed.grouped()
    assert issued["fund"] == {"code": "TH", "name": "Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa"}
    assert issued["bank"] == {
        "name": "Agribank chi nhánh Thanh Hóa",
        "account_number": AGRIBANK_DIGITS,
        "bin": AGRIBANK_BIN,
    }
    qr = parse_payload(issued["vietqr_payload"])
    assert (qr.bank_bin, qr.account, qr.amount, qr.memo) == (
        AGRIBANK_BIN,
        AGRIBANK_DIGITS,
        500_000,
        code,
    )
    assert issued["created"] is True

    again = await client.post(
        "/v1/payment-codes",
        json=body,
        headers=bearer(make_token, "fund_admin", sub="fund_admin@quy"),
    )
    assert again.status_code == 201, again.text
    assert again.json()["code"] == code
    assert again.json()["created"] is False
    assert [e["code"] for e in await _outbox(donations)] == [code]

    unknown_fund = await client.post(
        "/v1/payment-codes",
        json={**body, "fund": "XX"},
        headers=bearer(make_token, "accountant", sub="accountant@quy"),
    )
    assert unknown_fund.status_code == 422
    assert "XX" in unknown_fund.json()["detail"]


async def test_anyone_reads_a_code_and_its_qr_images(
    services: ServiceHarness, make_token: Tokens
) -> None:
    donations = await services.start("donations")
    client = donations.client
    sponsorship_id = str(uuid.uuid4())
    created = await client.post(
        "/v1/payment-codes",
        json={"target_kind": "sponsorship", "target_id": sponsorship_id},
        headers=bearer(make_token, "service", sub="service@quy"),
    )
    assert created.status_code == 201, created.text
    code = created.json()["code"]
    assert parse_payload(created.json()["vietqr_payload"]).amount is None

    public = await client.get(f"/v1/payment-codes/{code.lower()}")
    assert public.status_code == 200, public.text
    data = public.json()
    assert data["code"] == code
    assert data["target_kind"] == "sponsorship"
    assert data["target_id"] is None  # a sponsorship's id is not for the public
    assert data["fund"]["name"] == "Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa"
    assert "created_by" not in data
    assert "max-age" in public.headers["cache-control"]

    svg = await client.get(data["qr_svg_url"])
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in svg.text
    assert "immutable" in svg.headers["cache-control"]
    png = await client.get(data["qr_png_url"])
    assert png.status_code == 200
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")

    for bad in ("THC2222222", "KHONGPHAIMA", code[:-1] + ("2" if code[-1] != "2" else "3")):
        missing = await client.get(f"/v1/payment-codes/{bad}")
        assert missing.status_code == 404, bad
        assert missing.headers["content-type"].startswith("application/problem+json")
        assert "Không tìm thấy mã thanh toán" in missing.json()["detail"]
        assert (await client.get(f"/v1/payment-codes/{bad}/qr.png")).status_code == 404


async def test_published_appeals_and_started_sponsorships_get_a_code_exactly_once(
    services: ServiceHarness, broker: BrokerProcess
) -> None:
    donations = await services.start("donations")
    appeal = AppealPublished(
        appeal_id=uuid.uuid4(),
        alias="Bé A.",
        age_band="6-10",
        province_code="38",
        province_name="Thanh Hóa",
        need_kind="education",
        amount_sought=12_000_000,
        story="Em cần hỗ trợ học phí.",
        published_at=datetime.now(UTC),
    )
    await _send(
        broker, CATALOGUE.envelope(appeal, source="/baotro/registry"), times=2
    )  # redelivered
    sponsorship = SponsorshipStarted(
        sponsorship_id=uuid.uuid4(),
        child_id=uuid.uuid4(),
        commune_code="14797",
        sponsor_ref="donor-1",
        payer_ref="donor-1",
        amount=500_000,
        period="monthly",
        started_on=date(2026, 11, 26),
    )
    await _send(broker, CATALOGUE.envelope(sponsorship, source="/baotro/registry"), times=1)

    async def both_issued() -> list[dict[str, object]] | None:
        events = await _outbox(donations)
        return events if len(events) >= 2 else None

    events = await eventually(both_issued)
    appeal_codes = await _codes(donations, str(appeal.appeal_id))
    assert len(appeal_codes) == 1
    by_kind = {e["target_kind"]: e for e in events}
    assert by_kind["appeal"]["code"] == appeal_codes[0]
    assert by_kind["appeal"]["amount"] == 12_000_000
    assert by_kind["sponsorship"]["target_id"] == str(sponsorship.sponsorship_id)
    qr = parse_payload(str(by_kind["appeal"]["vietqr_payload"]))
    assert (qr.amount, qr.memo) == (12_000_000, appeal_codes[0])

    public = (await donations.client.get(f"/v1/payment-codes/{appeal_codes[0]}")).json()
    assert public["target_kind"] == "appeal"
    assert public["target_id"] == str(appeal.appeal_id)

    # A second envelope of the same appeal (a replay by the registry): the inbox does not know
    # it, the one-code-per-target constraint does.
    await _send(broker, CATALOGUE.envelope(appeal, source="/baotro/registry"), times=1)

    def processed(outcome: str) -> float:
        value = donations.runtime.metrics.registry.get_sample_value(
            "baotro_consumer_processed_total", {"type": "appeal.published", "outcome": outcome}
        )
        return value or 0.0

    async def all_three_seen() -> bool:
        return processed("handled") == 2 and processed("duplicate") == 1

    await eventually(all_three_seen)
    assert await _codes(donations, str(appeal.appeal_id)) == appeal_codes
    assert len(await _outbox(donations)) == 2


async def test_a_colliding_body_is_drawn_again(services: ServiceHarness) -> None:
    donations = await services.start("donations")
    funds = DonationsSettings().funds
    bodies = iter(["7K2M9Q", "7K2M9Q", "8ABCDE"])

    def source(_length: int) -> str:
        return next(bodies)

    service = Principal(sub="svc", role=Role.SERVICE, communes=None)
    first = await handle_issue_payment_code(
        donations.runtime.uow(),
        funds,
        IssuePaymentCode(None, TargetKind.DONOR, "donor-1"),
        principal=service,
        body_source=source,
    )
    second = await handle_issue_payment_code(
        donations.runtime.uow(),
        funds,
        IssuePaymentCode(None, TargetKind.DONOR, "donor-2"),
        principal=service,
        body_source=source,
    )
    assert first.code.code.startswith("THD7K2M9Q")
    assert second.code.code.startswith("THD8ABCDE")
    assert second.created
