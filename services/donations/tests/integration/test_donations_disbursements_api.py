"""Disbursements on PostgreSQL with the real broker: an accountant asks, a second person (fund
administrator) approves, the approval posts the entry and announces `disbursement.made`
without personal data; refusals for lack of restricted money post nothing; approved support
plans from the registry become pending requests exactly once."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from sqlalchemy import text

from baotro_shared.broker_process import BrokerProcess
from baotro_shared.events.catalogue import CATALOGUE
from baotro_shared.events.contracts.donations import DisbursementMade
from baotro_shared.events.contracts.registry import SupportItemData, SupportPlanned
from baotro_shared.events.envelope import Envelope
from baotro_shared.testing.harness import RunningService, ServiceHarness
from baotro_shared.testing.plugin import bearer, eventually

Tokens = Callable[..., str]
DAY = "2026-11-20"
COMMUNE = "14797"


class Fund:
    """The donations service seen by its staff: two accountants, two fund administrators."""

    def __init__(self, service: RunningService, make_token: Tokens) -> None:
        self.service = service
        self.client = service.client
        self.accountant = bearer(make_token, "accountant", sub="ke-toan@quy")
        self.accountant_2 = bearer(make_token, "accountant", sub="ke-toan-2@quy")
        self.admin = bearer(make_token, "fund_admin", sub="giam-doc@quy")
        self.admin_as_requester = bearer(make_token, "fund_admin", sub="ke-toan@quy")
        self.auditor = bearer(make_token, "auditor", sub="kiem-toan@so-tai-chinh")
        self.case_worker = bearer(make_token, "case_worker", sub="can-bo@xa")

    async def give(self, amount: int, restriction: tuple[str, str] | None = None) -> None:
        body: dict[str, Any] = {"channel": "cash", "amount": amount, "received_on": DAY}
        if restriction:
            body |= {"target_kind": restriction[0], "target_id": restriction[1]}
            body["restricted"] = True
        response = await self.client.post("/v1/donations", json=body, headers=self.accountant)
        assert response.status_code == 201, response.text

    async def ask(self, headers: Any = None, **changes: Any) -> Any:
        body = {
            "fund_code": "TH",
            "amount": 3_000_000,
            "purpose": "medical",
            "restriction": None,
            "paid_from": "CASH",
            "planned_on": "2026-11-25",
            "case_id": None,
            "commune_code": COMMUNE,
            "groups": ["n"],
            "beneficiaries": 1,
            "public_description": "Hỗ trợ phẫu thuật tim cho một trẻ",
            "allow_unrestricted": False,
            **changes,
        }
        return await self.client.post(
            "/v1/disbursements", json=body, headers=headers or self.accountant
        )

    async def asked(self, **changes: Any) -> dict[str, Any]:
        response = await self.ask(**changes)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        assert result["status"] == "pending_approval"
        return result

    async def approve(self, disbursement_id: str, headers: Any = None) -> Any:
        return await self.client.post(
            f"/v1/disbursements/{disbursement_id}/approve", headers=headers or self.admin
        )

    async def read(self, disbursement_id: str) -> dict[str, Any]:
        response = await self.client.get(
            f"/v1/disbursements/{disbursement_id}", headers=self.auditor
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def balances(self, **params: str) -> dict[str, int]:
        response = await self.client.get("/v1/ledger/balances", params=params, headers=self.auditor)
        assert response.status_code == 200, response.text
        return {row["account_code"]: row["balance"] for row in response.json()["accounts"]}

    async def entry_count(self) -> int:
        response = await self.client.get("/v1/ledger/entries", headers=self.auditor)
        assert response.status_code == 200, response.text
        return int(response.json()["total"])

    async def events(self, event_type: str = "disbursement.made") -> list[dict[str, Any]]:
        async with self.service.runtime.engine.connect() as conn:
            rows = (
                await conn.execute(
                    text("SELECT payload FROM outbox WHERE event_type = :t ORDER BY id"),
                    {"t": event_type},
                )
            ).all()
        return [json.loads(bytes(row[0]).decode())["data"] for row in rows]

    async def of_case(self, case_id: uuid.UUID) -> list[dict[str, Any]]:
        response = await self.client.get(
            "/v1/disbursements", params={"case_id": str(case_id)}, headers=self.auditor
        )
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return sorted(items, key=lambda d: (d["plan"]["version_number"], d["plan"]["item_index"]))


async def _fund(services: ServiceHarness, make_token: Tokens) -> Fund:
    return Fund(await services.start("donations"), make_token)


async def test_a_second_person_approves_and_the_payment_is_posted_and_announced(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = await _fund(services, make_token)
    case_id = str(uuid.uuid4())
    await fund.give(5_000_000, ("case", case_id))
    await fund.give(2_000_000)
    asked = await fund.asked(
        restriction={"kind": "case", "id": case_id},
        case_id=case_id,
        groups=["N", "dd"],
        beneficiaries=1,
    )
    assert asked["groups"] == ["đ", "n"]
    assert asked["paid_from_account"] == "111"
    assert asked["requested_by"] == "ke-toan@quy"
    assert await fund.events() == []

    paid = await fund.approve(asked["id"])

    assert paid.status_code == 200, paid.text
    result = paid.json()
    assert result["status"] == "paid"
    assert result["decided_by"] == "giam-doc@quy"
    assert result["entry_id"] is not None
    assert result["paid_on"] is not None
    assert (await fund.read(asked["id"]))["status"] == "paid"
    assert await fund.balances(restriction=f"case:{case_id}") == {
        "111": 2_000_000,
        "511": 5_000_000,
        "613": 3_000_000,
    }
    assert (await fund.balances(restriction="unrestricted"))["111"] == 2_000_000
    entries = (await fund.client.get("/v1/ledger/entries", headers=fund.auditor)).json()
    (entry,) = [e for e in entries["items"] if e["id"] == result["entry_id"]]
    assert entry["amount"] == 3_000_000
    assert entry["created_by"] == "giam-doc@quy"

    (event,) = await fund.events()
    assert set(event) <= set(DisbursementMade.model_fields)
    assert event["disbursement_id"] == asked["id"]
    assert (event["amount"], event["purpose"], event["fund_code"]) == (3_000_000, "medical", "TH")
    assert (event["restriction_kind"], event["restriction_id"]) == ("case", case_id)
    assert (event["case_id"], event["commune_code"]) == (case_id, COMMUNE)
    assert event["groups"] == ["đ", "n"]
    assert event["public_description"] == "Hỗ trợ phẫu thuật tim cho một trẻ"
    assert "ke-toan@quy" not in json.dumps(event)
    assert "giam-doc@quy" not in json.dumps(event)

    again = await fund.approve(asked["id"], fund.admin)
    assert again.status_code == 409
    assert "đã phê duyệt và chi" in again.json()["detail"]
    assert len(await fund.events()) == 1


async def test_only_another_fund_administrator_approves(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = await _fund(services, make_token)
    await fund.give(5_000_000)
    asked = await fund.asked()

    own = await fund.approve(asked["id"], fund.admin_as_requester)
    assert own.status_code == 403
    assert own.headers["content-type"].startswith("application/problem+json")
    assert "không được tự phê duyệt" in own.json()["detail"]
    for headers in (fund.accountant, fund.accountant_2, fund.auditor, fund.case_worker):
        assert (await fund.approve(asked["id"], headers)).status_code == 403
    assert (await fund.ask(headers=fund.admin)).status_code == 403
    assert (await fund.ask(headers=fund.auditor)).status_code == 403
    refused_read = await fund.client.get(
        f"/v1/disbursements/{asked['id']}", headers=fund.case_worker
    )
    assert refused_read.status_code == 403
    assert (await fund.read(asked["id"]))["status"] == "pending_approval"
    assert await fund.events() == []
    assert (await fund.approve(asked["id"])).status_code == 200


async def test_lack_of_restricted_money_is_refused_and_nothing_is_posted(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = await _fund(services, make_token)
    appeal = str(uuid.uuid4())
    await fund.give(1_000_000, ("appeal", appeal))
    await fund.give(4_000_000)
    asked = await fund.asked(restriction={"kind": "appeal", "id": appeal})
    entries_before = await fund.entry_count()

    refused = await fund.approve(asked["id"])

    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["detail"].startswith("Không đủ số dư")
    assert "thiếu 2.000.000 đồng" in problem["detail"]
    assert (problem["required"], problem["available"], problem["shortfall"]) == (
        3_000_000,
        1_000_000,
        2_000_000,
    )
    assert (await fund.read(asked["id"]))["status"] == "pending_approval"
    assert await fund.entry_count() == entries_before
    assert "613" not in await fund.balances()
    assert await fund.events() == []

    amended = await fund.client.patch(
        f"/v1/disbursements/{asked['id']}",
        json={"allow_unrestricted": True},
        headers=fund.accountant_2,
    )
    assert amended.status_code == 200, amended.text
    assert amended.json()["amended_by"] == "ke-toan-2@quy"
    paid = await fund.approve(asked["id"])

    assert paid.status_code == 200, paid.text
    assert await fund.balances(restriction=f"appeal:{appeal}") == {
        "111": 0,
        "390": 2_000_000,
        "511": 1_000_000,
        "613": 3_000_000,
    }
    unrestricted = await fund.balances(restriction="unrestricted")
    assert (unrestricted["111"], unrestricted["390"]) == (2_000_000, -2_000_000)
    assert len(await fund.events()) == 1


async def test_concurrent_approvals_never_spend_more_than_the_restriction_has(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = await _fund(services, make_token)
    appeal = str(uuid.uuid4())
    await fund.give(5_000_000, ("appeal", appeal))
    await fund.give(10_000_000)
    restricted = {"restriction": {"kind": "appeal", "id": appeal}}
    first, second = [await fund.asked(**restricted) for _ in range(2)]
    deputy = bearer(make_token, "fund_admin", sub="pho-giam-doc@quy")

    answers = await asyncio.gather(
        fund.approve(first["id"]),
        fund.approve(first["id"], deputy),
        fund.approve(second["id"], deputy),
    )

    assert sorted(a.status_code for a in answers) == [200, 409, 409], [a.text for a in answers]
    assert len(await fund.events()) == 1
    assert (await fund.balances(restriction=f"appeal:{appeal}"))["613"] == 3_000_000
    statuses = sorted([(await fund.read(d["id"]))["status"] for d in (first, second)])
    assert statuses == ["paid", "pending_approval"]


async def test_a_rejected_request_is_never_paid(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = await _fund(services, make_token)
    await fund.give(5_000_000)
    asked = await fund.asked()
    url = f"/v1/disbursements/{asked['id']}"

    assert (
        await fund.client.post(f"{url}/reject", json={"reason": "x"}, headers=fund.accountant)
    ).status_code == 403
    assert (
        await fund.client.post(f"{url}/reject", json={"reason": " "}, headers=fund.admin)
    ).status_code == 422
    rejected = await fund.client.post(
        f"{url}/reject", json={"reason": "Thiếu hồ sơ bệnh án"}, headers=fund.admin
    )

    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["decision_note"] == "Thiếu hồ sơ bệnh án"
    late = await fund.approve(asked["id"])
    assert late.status_code == 409
    assert "đã bị từ chối" in late.json()["detail"]
    patched = await fund.client.patch(url, json={"amount": 1}, headers=fund.accountant)
    assert patched.status_code == 409
    assert "613" not in await fund.balances()
    assert await fund.events() == []
    listed = await fund.client.get(
        "/v1/disbursements", params={"status": "rejected"}, headers=fund.admin
    )
    assert [d["id"] for d in listed.json()["items"]] == [asked["id"]]


async def test_commune_staff_see_and_ask_only_in_their_communes(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = await _fund(services, make_token)
    theirs = await fund.asked(commune_code=COMMUNE)
    other = await fund.asked(commune_code="16012")
    local = bearer(make_token, "accountant", [COMMUNE], sub="ke-toan-xa@hac-thanh")

    outside = await fund.ask(headers=local, commune_code="16012")
    assert outside.status_code == 403
    assert "16012" in outside.json()["detail"]
    assert (await fund.ask(headers=local, commune_code=None)).status_code == 403
    assert (await fund.ask(headers=local)).status_code == 201
    listed = (await fund.client.get("/v1/disbursements", headers=local)).json()
    assert theirs["id"] in [d["id"] for d in listed["items"]]
    assert other["id"] not in [d["id"] for d in listed["items"]]
    assert listed["total"] == 2
    hidden = await fund.client.get(f"/v1/disbursements/{other['id']}", headers=local)
    assert hidden.status_code == 404


async def _send(broker: BrokerProcess, envelope: Envelope, *, times: int = 1) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap_servers, acks="all")
    await producer.start()
    try:
        for _ in range(times):
            await producer.send_and_wait(
                envelope.type, envelope.to_json_bytes(), key=envelope.subject.encode()
            )
    finally:
        await producer.stop()


def _plan(case_id: uuid.UUID, version: int, *items: tuple[str, int, str]) -> SupportPlanned:
    return SupportPlanned(
        case_id=case_id,
        plan_id=uuid.uuid4(),
        version_number=version,
        commune_code=COMMUNE,
        groups=("d",),
        items=tuple(SupportItemData(kind=k, amount=a, funding_source=s) for k, a, s in items),
        total_amount=sum(a for _, a, _ in items),
        approved_at=datetime.now(UTC),
    )


def _processed(service: RunningService, outcome: str) -> float:
    value = service.runtime.metrics.registry.get_sample_value(
        "baotro_consumer_processed_total", {"type": "support.planned", "outcome": outcome}
    )
    return value or 0.0


async def test_an_approved_support_plan_becomes_pending_requests_exactly_once(
    services: ServiceHarness, broker: BrokerProcess, make_token: Tokens
) -> None:
    fund = await _fund(services, make_token)
    case_id = uuid.uuid4()
    first = _plan(
        case_id,
        1,
        ("tuition", 3_000_000, "fund"),
        ("health_insurance", 800_000, "state_budget"),
        ("surgery", 20_000_000, "appeal"),
        ("nutrition", 600_000, "other"),
    )
    envelope = CATALOGUE.envelope(first, source="/baotro/registry")

    await _send(broker, envelope, times=2)  # redelivered
    await eventually(
        lambda: _settled(fund.service, handled=1, duplicate=1), message="plan not consumed"
    )
    await _send(broker, CATALOGUE.envelope(first, source="/baotro/registry"))  # replayed
    await eventually(
        lambda: _settled(fund.service, handled=2, duplicate=1), message="replay not consumed"
    )

    requests = await fund.of_case(case_id)
    assert [(d["purpose"], d["amount"], d["status"]) for d in requests] == [
        ("scholarship", 3_000_000, "pending_approval"),
        ("medical", 20_000_000, "pending_approval"),
    ]
    tuition, surgery = requests
    assert tuition["restriction"] is None
    assert surgery["restriction"]["key"] == f"restricted:case:{case_id}"
    assert surgery["allow_unrestricted"] is False
    assert surgery["paid_from"] == "AGRIBANK"
    assert (surgery["commune_code"], surgery["groups"]) == (COMMUNE, ["d"])
    assert surgery["plan"]["plan_id"] == str(first.plan_id)

    # the accountant points the surgery at the appeal's money and pays it in cash
    appeal = str(uuid.uuid4())
    await fund.give(20_000_000, ("appeal", appeal))
    amended = await fund.client.patch(
        f"/v1/disbursements/{surgery['id']}",
        json={"restriction": {"kind": "appeal", "id": appeal}, "paid_from": "CASH"},
        headers=fund.accountant,
    )
    assert amended.status_code == 200, amended.text
    too_much = await fund.client.patch(
        f"/v1/disbursements/{surgery['id']}", json={"amount": 20_000_001}, headers=fund.accountant
    )
    assert too_much.status_code == 422
    assert (await fund.approve(surgery["id"])).status_code == 200
    (made,) = await fund.events()
    assert (made["case_id"], made["plan_id"]) == (str(case_id), str(first.plan_id))

    # a revised plan cancels what is still pending and does not pay the surgery twice
    second = _plan(
        case_id,
        2,
        ("tuition", 3_500_000, "fund"),
        ("surgery", 20_000_000, "appeal"),
        ("cash_support", 500_000, "sponsorship"),
    )
    await _send(broker, CATALOGUE.envelope(second, source="/baotro/registry"))
    await eventually(
        lambda: _settled(fund.service, handled=3, duplicate=1), message="v2 not consumed"
    )

    after = await fund.of_case(case_id)
    assert [
        (d["plan"]["version_number"], d["purpose"], d["amount"], d["status"]) for d in after
    ] == [
        (1, "scholarship", 3_000_000, "cancelled"),
        (1, "medical", 20_000_000, "paid"),
        (2, "scholarship", 3_500_000, "pending_approval"),
        (2, "living_costs", 500_000, "pending_approval"),
    ]
    assert "phiên bản 2" in after[0]["decision_note"]

    # the older version arriving late changes nothing
    await _send(broker, CATALOGUE.envelope(first, source="/baotro/registry"))
    await eventually(
        lambda: _settled(fund.service, handled=4, duplicate=1), message="late v1 not consumed"
    )
    assert await fund.of_case(case_id) == after


async def _settled(service: RunningService, *, handled: int, duplicate: int) -> bool:
    return _processed(service, "handled") == handled and _processed(service, "duplicate") == (
        duplicate
    )
