"""Registry and donations together: a published appeal gets a payment code, a gift to it is
booked restricted, and the appeal shows the money raised — all through the broker."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from baotro_shared.testing.harness import ServiceHarness
from baotro_shared.testing.plugin import eventually

from test_appeals_api import Fund, Tokens


async def test_a_gift_to_a_published_appeal_is_booked_and_counted_on_the_appeal(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = Fund(await services.start("registry"), make_token)
    donations = await services.start("donations")
    accountant = {"Authorization": f"Bearer {make_token('accountant', None, sub='ke-toan')}"}
    appeal_id, _, _ = await fund.published()

    async def code_issued() -> dict[str, Any] | None:
        async with donations.runtime.engine.connect() as conn:
            row = (
                await conn.execute(
                    text("SELECT code FROM payment_codes WHERE target_id = :id"), {"id": appeal_id}
                )
            ).first()
        return {"code": row[0]} if row else None

    issued = await eventually(code_issued, message="no payment code for the published appeal")
    public = await donations.client.get(f"/v1/payment-codes/{issued['code']}")
    assert public.status_code == 200
    assert public.json()["amount"] == 5_000_000  # the amount the appeal seeks

    gift = await donations.client.post(
        "/v1/donations",
        json={
            "channel": "cash",
            "amount": 1_500_000,
            "received_on": "2026-11-20",
            "target_kind": "appeal",
            "target_id": appeal_id,
            "restricted": True,
        },
        headers=accountant,
    )
    assert gift.status_code == 201, gift.text

    async def raised() -> int | None:
        items = (await fund.client.get("/v1/public/appeals")).json()["items"]
        value = int(items[0]["amount_raised"])
        return value or None

    assert await eventually(raised, message="the appeal never showed the gift") == 1_500_000
    balances = await donations.client.get(
        "/v1/ledger/balances",
        params={"restriction": f"appeal:{appeal_id}"},
        headers=accountant,
    )
    assert balances.status_code == 200, balances.text
    assert "1500000" in balances.text
