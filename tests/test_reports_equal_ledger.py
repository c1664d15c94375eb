"""Donations and reporting through the real broker: the figures of a report equal the ledger's.

Gifts (cash and in kind, one partly reversed) and approved disbursements are posted to the
donations service; reporting builds its read models from `donation.received`,
`donation.reversed` and `disbursement.made`; a yearly report's opening balance, receipts,
spending and closing balance are then compared with `GET /v1/ledger/balances` (gifts before,
inside and after the quarter, so the period's edges are tested too).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from openpyxl import load_workbook  # type: ignore[import-untyped]

from baotro_shared.testing.harness import RunningService, ServiceHarness
from baotro_shared.testing.plugin import bearer, eventually

Tokens = Callable[..., str]


async def _ledger(
    donations: RunningService, headers: dict[str, str], as_of: date
) -> dict[str, int]:
    """Asset, income and expense balances of fund TH at the end of `as_of`."""
    response = await donations.client.get(
        "/v1/ledger/balances", params={"fund": "TH", "as_of": as_of.isoformat()}, headers=headers
    )
    assert response.status_code == 200, response.text
    totals = {"asset": 0, "income": 0, "expense": 0}
    for account in response.json()["accounts"]:
        if account["kind"] in totals:
            totals[account["kind"]] += account["balance"]
    return totals


async def test_a_quarterly_report_equals_the_ledger(
    services: ServiceHarness, make_token: Tokens
) -> None:
    donations = await services.start("donations")
    reporting = await services.start("reporting")
    accountant = bearer(make_token, "accountant", sub="ke-toan@quy")
    admin = bearer(make_token, "fund_admin", sub="giam-doc@quy")
    gifts: list[dict[str, Any]] = [
        {"channel": "cash", "amount": 4_000_000, "received_on": "2025-12-15"},
        {"channel": "cash", "amount": 1_250_000, "received_on": "2026-04-05"},
        {"channel": "cash", "amount": 3_000_000, "received_on": "2026-05-20", "anonymous": True},
        {
            "channel": "in_kind",
            "amount": 2_400_000,
            "received_on": "2026-06-01",
            "in_kind": {"description": "Sữa tươi", "quantity": "120", "unit": "hộp"},
        },
        {"channel": "cash", "amount": 500_000, "received_on": "2026-06-30"},
        {"channel": "cash", "amount": 900_000, "received_on": "2026-07-02"},
    ]
    ids = []
    for gift in gifts:
        response = await donations.client.post("/v1/donations", json=gift, headers=accountant)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    reversed_ = await donations.client.post(
        f"/v1/donations/{ids[2]}/reverse",
        json={"amount": 1_000_000, "reason": "Ghi nhầm số tiền", "on": "2026-06-02"},
        headers=accountant,
    )
    assert reversed_.status_code == 200, reversed_.text
    lines = len(gifts) + 1
    for amount, purpose, paid_on, groups in [
        (1_500_000, "scholarship", "2026-05-15", ["a"]),
        (700_000, "medical", "2026-09-09", ["d", "n"]),
    ]:
        asked = await donations.client.post(
            "/v1/disbursements",
            json={
                "amount": amount,
                "purpose": purpose,
                "paid_from": "CASH",
                "planned_on": paid_on,
                "commune_code": "14797",
                "groups": groups,
                "public_description": "Hỗ trợ trẻ em có hoàn cảnh đặc biệt",
            },
            headers=accountant,
        )
        assert asked.status_code == 201, asked.text
        approved = await donations.client.post(
            f"/v1/disbursements/{asked.json()['id']}/approve",
            json={"paid_on": paid_on},
            headers=admin,
        )
        assert approved.status_code == 200, approved.text
        assert approved.json()["status"] == "paid"
        lines += 1

    async def projected() -> bool:
        response = await reporting.client.get("/v1/public/statement", params={"size": "50"})
        return bool(response.json()["total"] == lines)

    await eventually(projected, timeout=30, message="reporting never showed every line")
    created = await reporting.client.post(
        "/v1/reports", json={"kind": "periodic", "fund": "TH", "period": "2026-Q2"}, headers=admin
    )
    assert created.status_code == 202, created.text

    async def generated() -> dict[str, Any] | None:
        response = await reporting.client.get(
            f"/v1/reports/{created.json()['id']}", headers=accountant
        )
        body: dict[str, Any] = response.json()
        return body if body["status"] != "pending" else None

    report = await eventually(generated, timeout=60, message="the report was never generated")
    assert report["status"] == "done", report
    start, end = date(2026, 4, 1), date(2026, 6, 30)
    before = await _ledger(donations, accountant, start - timedelta(days=1))
    after = await _ledger(donations, accountant, end)

    assert report["received_total"] == after["income"] - before["income"] == 6_150_000
    assert report["spent_total"] == after["expense"] - before["expense"] == 1_500_000
    summary = await _summary(reporting, report, accountant)
    assert summary["Số dư đầu kỳ"] == before["asset"] == 4_000_000
    assert summary["Số dư cuối kỳ"] == after["asset"] == 8_650_000


async def _summary(
    reporting: RunningService, report: dict[str, Any], headers: dict[str, str]
) -> dict[str, int]:
    """The summary sheet of the report's workbook: label → amount."""
    response = await reporting.client.get(report["xlsx_url"], headers=headers)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Tổng hợp"]
    return {
        str(label): int(value)
        for label, value in sheet.iter_rows(min_row=6, max_col=2, values_only=True)
        if isinstance(value, int)
    }
