"""The ledger on PostgreSQL with the real broker: staff record cash and in-kind gifts, the
balances per restriction match hand arithmetic, gifts are reversed in part or in full, receipt
numbers are gap-free under concurrency, and `donation.received` carries no donor contact data."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import text

from baotro_donations.service_layer.donation_handlers import (
    RecordDonation,
    fund_of,
    record_donation,
    record_donation_in,
)
from baotro_donations.settings import DonationsSettings
from baotro_shared.testing.harness import RunningService, ServiceHarness
from baotro_shared.testing.plugin import bearer

Tokens = Callable[..., str]
APPEAL = str(uuid.uuid4())
DAY = "2026-11-20"


class Books:
    def __init__(self, service: RunningService, make_token: Tokens) -> None:
        self.service = service
        self.client = service.client
        self.accountant = bearer(make_token, "accountant", sub="ke-toan@quy")
        self.admin = bearer(make_token, "fund_admin", sub="admin@quy")
        self.auditor = bearer(make_token, "auditor", sub="kiem-toan@so-tai-chinh")
        self.case_worker = bearer(make_token, "case_worker", sub="worker@hac-thanh")

    async def give(self, headers: dict[str, str] | None = None, **body: Any) -> Any:
        payload = {"channel": "cash", "received_on": DAY, **body}
        return await self.client.post(
            "/v1/donations", json=payload, headers=headers or self.accountant
        )

    async def given(self, **body: Any) -> dict[str, Any]:
        response = await self.give(**body)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    async def balances(self, **params: str) -> dict[str, Any]:
        response = await self.client.get("/v1/ledger/balances", params=params, headers=self.auditor)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def outbox(self, event_type: str) -> list[dict[str, Any]]:
        async with self.service.runtime.engine.connect() as conn:
            rows = (
                await conn.execute(
                    text("SELECT payload FROM outbox WHERE event_type = :t ORDER BY id"),
                    {"t": event_type},
                )
            ).all()
        return [json.loads(bytes(row[0]).decode()) for row in rows]


def _accounts(balances: dict[str, Any]) -> dict[str, int]:
    return {row["account_code"]: row["balance"] for row in balances["accounts"]}


def _money(balances: dict[str, Any]) -> dict[str, int]:
    return {row["restriction"]: row["money"] for row in balances["restrictions"]}


async def _books(services: ServiceHarness, make_token: Tokens) -> Books:
    return Books(await services.start("donations"), make_token)


async def test_cash_and_in_kind_gifts_post_to_the_restricted_and_unrestricted_pots(
    services: ServiceHarness, make_token: Tokens
) -> None:
    books = await _books(services, make_token)
    restricted = {"target_kind": "appeal", "target_id": APPEAL, "restricted": True}
    cash_a = await books.given(amount=5_000_000, **restricted)
    await books.given(amount=2_000_000)
    goods = {"description": "50 bộ sách giáo khoa lớp 5", "quantity": 50, "unit": "bộ"}
    kind_a = await books.given(channel="in_kind", amount=3_000_000, in_kind=goods, **restricted)
    await books.given(
        channel="in_kind",
        amount=1_500_000,
        in_kind={"description": "20 thùng sữa", "quantity": 20},
        received_on="2026-11-25",
    )

    assert cash_a["asset_account"] == "111"
    assert cash_a["restricted"] is True
    assert kind_a["asset_account"] == "152"
    assert kind_a["in_kind_unit"] == "bộ"
    key = f"restricted:appeal:{APPEAL}"

    everything = await books.balances()
    assert everything["total_debit"] == everything["total_credit"] == 11_500_000
    assert _money(everything) == {key: 8_000_000, "unrestricted": 3_500_000}
    assert _accounts(await books.balances(restriction=f"appeal:{APPEAL}")) == {
        "111": 5_000_000,
        "152": 3_000_000,
        "511": 5_000_000,
        "512": 3_000_000,
    }
    assert _accounts(await books.balances(restriction="unrestricted")) == {
        "111": 2_000_000,
        "152": 1_500_000,
        "511": 2_000_000,
        "512": 1_500_000,
    }
    before = await books.balances(as_of="2026-11-21")
    assert _money(before) == {key: 8_000_000, "unrestricted": 2_000_000}

    numbers = [d["receipt_number"] for d in (cash_a, kind_a)]
    assert numbers == ["TH-2026-000001", "TH-2026-000003"]
    receipt = await books.client.get("/v1/receipts/th-2026-000001", headers=books.auditor)
    assert receipt.status_code == 200, receipt.text
    assert receipt.json()["amount_in_words"] == "Năm triệu đồng"
    assert receipt.json()["amount_in_figures"] == "5.000.000 đồng"
    missing = await books.client.get("/v1/receipts/TH-2026-000099", headers=books.auditor)
    assert missing.status_code == 404
    assert "biên lai" in missing.json()["detail"]

    page = await books.client.get(
        "/v1/ledger/entries", params={"account": "152"}, headers=books.auditor
    )
    assert page.status_code == 200, page.text
    assert page.json()["total"] == 2
    assert all(e["amount"] in (3_000_000, 1_500_000) for e in page.json()["items"])
    window = await books.client.get(
        "/v1/ledger/entries",
        params={"from": "2026-11-21", "to": "2026-11-30"},
        headers=books.accountant,
    )
    assert [e["amount"] for e in window.json()["items"]] == [1_500_000]


async def test_donation_received_events_carry_no_donor_contact_data(
    services: ServiceHarness, make_token: Tokens
) -> None:
    books = await _books(services, make_token)
    created = await books.client.post(
        "/v1/donors",
        json={
            "kind": "person",
            "display_name": "Nguyễn Văn An",
            "anonymous": True,
            "email": "an@example.com",
            "phone": "0912 345 678",
            "address": "Số 1 Lê Lợi, phường Hạc Thành",
        },
        headers=books.accountant,
    )
    assert created.status_code == 201, created.text
    donor = uuid.UUID(created.json()["id"])
    gift = await books.given(
        amount=750_000,
        donor_id=str(donor),
        memo="Ông Nguyễn Văn An, 0912 345 678, an@example.com gửi tiền mặt",
        target_kind="appeal",
        target_id=APPEAL,
        restricted=True,
    )

    [event] = await books.outbox("donation.received")
    data = event.get("data", event)
    assert data["donation_id"] == gift["id"]
    assert data["donor_id"] == str(donor)
    assert data["amount"] == 750_000
    assert data["receipt_number"] == gift["receipt_number"]
    assert data["target_kind"] == "appeal"
    assert data["restricted"] is True
    assert data.get("donor_display_name") is None, "the donor asked to stay anonymous"
    assert data["anonymous"] is True
    assert data["donor_kind"] == "person"
    assert data.get("public_memo") is None, "a staff memo is internal, never public"
    raw = json.dumps(event, ensure_ascii=False)
    for secret in ("Nguyễn Văn An", "0912", "an@example.com", "Lê Lợi", "gửi tiền mặt"):
        assert secret not in raw


async def test_a_gift_is_reversed_in_part_then_in_full_and_never_beyond(
    services: ServiceHarness, make_token: Tokens
) -> None:
    books = await _books(services, make_token)
    gift = await books.given(
        amount=1_000_000, target_kind="appeal", target_id=APPEAL, restricted=True
    )
    url = f"/v1/donations/{gift['id']}/reverse"

    partial = await books.client.post(
        url, json={"amount": 300_000, "reason": "Nhập thừa"}, headers=books.accountant
    )
    assert partial.status_code == 200, partial.text
    assert partial.json()["remaining"] == 700_000

    beyond = await books.client.post(
        url, json={"amount": 800_000, "reason": "Hoàn trả"}, headers=books.accountant
    )
    assert beyond.status_code == 409
    assert beyond.headers["content-type"].startswith("application/problem+json")
    assert "chỉ còn 700.000 đồng chưa đảo" in beyond.json()["detail"]

    no_reason = await books.client.post(url, json={"reason": ""}, headers=books.accountant)
    assert no_reason.status_code == 422
    blank = await books.client.post(url, json={"reason": "   "}, headers=books.accountant)
    assert blank.status_code == 422
    assert "lý do" in blank.json()["detail"]

    full = await books.client.post(
        url, json={"reason": "Nhà tài trợ xin hoàn lại"}, headers=books.admin
    )
    assert full.status_code == 200, full.text
    assert full.json()["amount"] == 700_000
    assert full.json()["remaining"] == 0

    again = await books.client.post(url, json={"reason": "Lần nữa"}, headers=books.accountant)
    assert again.status_code == 409
    assert "đã được đảo toàn bộ" in again.json()["detail"]

    balances = await books.balances(restriction=f"appeal:{APPEAL}")
    assert _accounts(balances) == {"111": 0, "511": 0}
    receipt = await books.client.get(
        f"/v1/receipts/{gift['receipt_number']}", headers=books.auditor
    )
    assert receipt.json()["reversed_amount"] == 1_000_000

    reversed_events = await books.outbox("donation.reversed")
    amounts = [e.get("data", e)["amount"] for e in reversed_events]
    assert amounts == [300_000, 700_000]
    assert all(e.get("data", e)["target_id"] == APPEAL for e in reversed_events)
    unknown = await books.client.post(
        f"/v1/donations/{uuid.uuid4()}/reverse", json={"reason": "x"}, headers=books.accountant
    )
    assert unknown.status_code == 404


async def test_invalid_gifts_are_refused_with_vietnamese_messages(
    services: ServiceHarness, make_token: Tokens
) -> None:
    books = await _books(services, make_token)
    assert (await books.give(amount=0)).status_code == 422
    assert (await books.give(amount=1000.5)).status_code == 422
    assert (await books.give(amount="1000")).status_code == 422
    no_goods = await books.give(channel="in_kind", amount=100_000)
    assert no_goods.status_code == 422
    assert "hiện vật" in no_goods.json()["detail"]
    general = await books.give(amount=100_000, restricted=True)
    assert general.status_code == 422
    assert "chung" in general.json()["detail"]
    future = await books.give(amount=100_000, received_on="2099-01-01")
    assert future.status_code == 422
    ancient = await books.give(amount=100_000, received_on="1999-12-31")
    assert ancient.status_code == 422
    assert "từ năm 2000" in ancient.json()["detail"]
    far_page = await books.client.get(
        "/v1/ledger/entries", params={"offset": 10**19}, headers=books.accountant
    )
    assert far_page.status_code == 422
    unknown_fund = await books.give(amount=100_000, fund="XX")
    assert unknown_fund.status_code == 422
    assert "quỹ XX" in unknown_fund.json()["detail"]
    half_currency = await books.give(amount=100_000, original_currency="USD")
    assert half_currency.status_code == 422
    abroad = await books.given(amount=2_540_000, original_currency="USD", original_amount="100")
    assert abroad["amount"] == 2_540_000
    assert abroad["original_currency"] == "USD"
    # Nothing refused consumed a receipt number.
    assert abroad["receipt_number"] == "TH-2026-000001"


async def test_accountants_post_auditors_read_and_case_workers_are_refused(
    services: ServiceHarness, make_token: Tokens
) -> None:
    books = await _books(services, make_token)
    assert (await books.give(amount=100_000)).status_code == 201
    assert (await books.give(books.admin, amount=100_000)).status_code == 201
    assert (await books.give(books.auditor, amount=100_000)).status_code == 403
    assert (await books.give(books.case_worker, amount=100_000)).status_code == 403
    anonymous = await books.client.post(
        "/v1/donations", json={"channel": "cash", "amount": 1, "received_on": DAY}
    )
    assert anonymous.status_code == 401

    reads = ("/v1/ledger/balances", "/v1/ledger/entries", "/v1/receipts/TH-2026-000001")
    for path in reads:
        for headers in (books.accountant, books.admin, books.auditor):
            assert (await books.client.get(path, headers=headers)).status_code == 200, path
        assert (await books.client.get(path, headers=books.case_worker)).status_code == 403
        assert (await books.client.get(path)).status_code == 401


async def test_receipt_numbers_are_gap_free_under_concurrency_and_rollbacks(
    services: ServiceHarness,
) -> None:
    service = await services.start("donations")
    settings: DonationsSettings = service.app.state.settings
    funds = [f.ledger_fund() for f in settings.funds]
    fund = fund_of(funds, None)

    def command(amount: int) -> RecordDonation:
        return RecordDonation(
            fund_code=fund.code, channel="cash", amount=amount, received_on=date(2026, 11, 20)
        )

    class ForcedRollbackError(Exception):
        pass

    async def committed(amount: int) -> str:
        donation = await record_donation(
            service.runtime.uow(), command(amount), funds=funds, actor="test"
        )
        return donation.receipt_number

    async def rolled_back(amount: int) -> None:
        uow = service.runtime.uow()
        try:
            async with uow:
                await record_donation_in(uow, command(amount), fund=fund, actor="test")
                await asyncio.sleep(0.01)
                raise ForcedRollbackError
        except ForcedRollbackError:
            return

    tasks: list[Any] = [committed(10_000 + i) for i in range(30)]
    for position in (3, 11, 19, 27, 33):
        tasks.insert(position, rolled_back(999))
    results = await asyncio.gather(*tasks)

    numbers = sorted(r for r in results if r is not None)
    assert numbers == [f"TH-2026-{seq:06d}" for seq in range(1, 31)]
    async with service.runtime.engine.connect() as conn:
        stored = (await conn.execute(text("SELECT receipt_number FROM donations"))).scalars()
        counter = (
            await conn.execute(text("SELECT last_seq FROM receipt_counters WHERE year = 2026"))
        ).scalar_one()
        events = (
            await conn.execute(
                text("SELECT count(*) FROM outbox WHERE event_type = 'donation.received'")
            )
        ).scalar_one()
    assert sorted(stored) == numbers
    assert counter == 30
    assert events == 30
