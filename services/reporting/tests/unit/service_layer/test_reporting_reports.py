"""Reports from the read models: XLSX and PDF whose totals add up, `report.generated`, and a
published disclosure on /bao-cao."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pypdf
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import select

from baotro_reporting.adapters.orm import MESSAGING
from baotro_reporting.service_layer import projections as p
from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork
from baotro_shared.events.contracts.donations import (
    CampaignOpened,
    DisbursementMade,
    DonationReceived,
    DonationReversed,
    PledgeCreated,
)

UowFactory = Callable[[], ReportingUnitOfWork]
Headers = Callable[..., dict[str, str]]
NOW = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)
CAMPAIGN = uuid.uuid4()
PLEDGE = uuid.uuid4()


async def _books(uow_factory: UowFactory) -> None:
    """2025: 5,000,000 received, 1,000,000 spent. 2026: gifts, a reversal, two disbursements."""
    events: list[tuple[Any, Any]] = [
        (p.on_campaign_opened, CampaignOpened(
            campaign_id=CAMPAIGN, fund_code="TH", name="Một ngày lương 2026",
            kind="one_day_salary", starts_on=date(2026, 5, 1), ends_on=date(2026, 6, 30),
            target_amount=20_000_000, opened_at=NOW)),
        (p.on_pledge_created, PledgeCreated(
            pledge_id=PLEDGE, campaign_id=CAMPAIGN, fund_code="TH", unit_id=uuid.uuid4(),
            unit_name="Sở Giáo dục và Đào tạo", headcount=40, target_amount=8_000_000,
            created_at=NOW)),
    ]  # fmt: skip
    gifts = [
        (date(2025, 12, 1), 5_000_000, "cash", "person", {}),
        (date(2026, 4, 2), 1_200_000, "bank", "person", {}),
        (date(2026, 5, 10), 3_000_000, "bank", "unit",
         {"target_kind": "pledge", "target_id": str(PLEDGE), "campaign_id": CAMPAIGN,
          "pledge_id": PLEDGE}),
        (date(2026, 6, 3), 700_000, "in_kind", "enterprise", {}),
    ]  # fmt: skip
    first_2026: DonationReceived | None = None
    for day, amount, channel, kind, extra in gifts:
        event = DonationReceived(
            donation_id=uuid.uuid4(), fund_code="TH", amount=amount, received_on=day,
            recorded_at=NOW, channel=channel, donor_kind=kind, **extra,
        )  # fmt: skip
        first_2026 = first_2026 or (event if day.year == 2026 else None)
        events.append((p.on_donation_received, event))
    assert first_2026 is not None
    events.append((p.on_donation_reversed, DonationReversed(
        donation_id=first_2026.donation_id, reversal_id=uuid.uuid4(), amount=200_000,
        reason="ghi nhầm", reversed_at=NOW, reversed_on=date(2026, 6, 5))))  # fmt: skip
    for day, amount, purpose, commune, groups in [
        (date(2025, 12, 20), 1_000_000, "gifts", None, ("a",)),
        (date(2026, 6, 1), 1_500_000, "scholarship", "14797", ("a", "d")),
        (date(2026, 6, 8), 500_000, "medical", "16522", ("n",)),
    ]:
        events.append((p.on_disbursement_made, DisbursementMade(
            disbursement_id=uuid.uuid4(), fund_code="TH", amount=amount, paid_on=day,
            purpose=purpose, commune_code=commune, groups=groups, made_at=NOW)))  # fmt: skip
    async with uow_factory() as uow:
        for handler, event in events:
            await handler(uow, event, None)
        await uow.commit()


async def _report(client: httpx.AsyncClient, headers: Headers, **body: Any) -> dict[str, Any]:
    created = await client.post("/v1/reports", json=body, headers=headers("accountant"))
    assert created.status_code == 202, created.text
    status = await client.get(f"/v1/reports/{created.json()['id']}", headers=headers("auditor"))
    result: dict[str, Any] = status.json()
    assert result["status"] == "done", result
    return result


def _sheet_rows(book: Any, name: str) -> list[tuple[Any, ...]]:
    return [row for row in book[name].iter_rows(min_row=5, values_only=True) if any(row)]


async def test_a_quarterly_report_adds_up_in_xlsx_and_pdf(
    client: httpx.AsyncClient, uow_factory: UowFactory, headers: Headers
) -> None:
    await _books(uow_factory)

    report = await _report(client, headers, kind="periodic", period="2026-Q2")
    xlsx = await client.get(report["xlsx_url"], headers=headers("auditor"))
    pdf = await client.get(report["pdf_url"], headers=headers("fund_admin"))

    # received: 1,200,000 + 3,000,000 + 700,000 − 200,000; spent: 1,500,000 + 500,000
    assert (report["received_total"], report["spent_total"]) == (4_700_000, 2_000_000)
    book = load_workbook(io.BytesIO(xlsx.content))
    summary = _sheet_rows(book, "Tổng hợp")
    assert summary == [
        ("Chỉ tiêu", "Số tiền (đồng)"),
        ("Số dư đầu kỳ", 4_000_000),
        ("Thu trong kỳ (đã trừ hoàn trả)", 4_700_000),
        ("Chi trong kỳ", 2_000_000),
        ("Số dư cuối kỳ", 6_700_000),
    ]
    for name, total in [
        ("Thu theo hình thức", 4_700_000),
        ("Thu theo nhà tài trợ", 4_700_000),
        ("Thu theo chiến dịch", 4_700_000),
        ("Thu theo đơn vị", 4_700_000),
        ("Chi theo mục đích", 2_000_000),
        ("Chi theo xã", 2_000_000),
    ]:
        rows = _sheet_rows(book, name)
        body, last = rows[1:-1], rows[-1]
        assert last[1] == "Tổng cộng", name
        assert last[3] == total == sum(r[3] for r in body), name
    months = _sheet_rows(book, "Thu theo tháng")
    assert [m[0] for m in months[1:]] == ["04/2026", "05/2026", "06/2026", "Tổng cộng"]
    assert months[-1][-1] == 4_700_000
    pledges = _sheet_rows(book, "Đăng ký theo đơn vị")
    assert pledges[1][2:] == ("Sở Giáo dục và Đào tạo", 40, 8_000_000, 3_000_000, 37)
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert pdf.headers["content-type"] == "application/pdf"
    for expected in ("Quý II/2026", "Số dư cuối kỳ", "6.700.000", "4.700.000", "Học bổng"):
        assert expected in text


async def test_generating_announces_report_generated(
    client: httpx.AsyncClient, uow_factory: UowFactory, headers: Headers
) -> None:
    await _books(uow_factory)

    report = await _report(client, headers, kind="periodic", period="2026-06")

    async with uow_factory() as uow:
        payloads = (
            await uow.session.execute(
                select(MESSAGING.outbox.c.payload).where(
                    MESSAGING.outbox.c.event_type == "report.generated"
                )
            )
        ).scalars()
        [data] = [json.loads(bytes(p))["data"] for p in payloads]
    assert data["report_id"] == report["id"]
    assert (data["period_start"], data["period_end"]) == ("2026-06-01", "2026-06-30")
    assert (data["received_total"], data["spent_total"]) == (500_000, 2_000_000)


async def test_a_disclosure_is_published_on_the_portal_and_a_periodic_report_is_not(
    client: httpx.AsyncClient, uow_factory: UowFactory, headers: Headers
) -> None:
    await _books(uow_factory)
    disclosure = await _report(client, headers, kind="disclosure", period="2026")
    internal = await _report(client, headers, kind="periodic", period="2026")

    page = (await client.get("/bao-cao")).text
    public = await client.get(f"/bao-cao/{disclosure['id']}.pdf")

    assert f'href="/bao-cao/{disclosure["id"]}.pdf"' in page
    assert "Báo cáo công khai năm 2026" in page
    assert public.status_code == 200
    assert public.content.startswith(b"%PDF")
    assert (await client.get(f"/bao-cao/{internal['id']}.pdf")).status_code == 404


async def test_reports_are_for_staff_and_periods_are_checked(
    client: httpx.AsyncClient, headers: Headers
) -> None:
    body = {"kind": "periodic", "period": "2026-Q2"}

    case_worker = await client.post("/v1/reports", json=body, headers=headers("case_worker"))
    bad_period = await client.post(
        "/v1/reports", json={**body, "period": "2026-13"}, headers=headers("fund_admin")
    )
    unknown = await client.get(f"/v1/reports/{uuid.uuid4()}", headers=headers("auditor"))

    assert case_worker.status_code == 403
    assert bad_period.status_code == 422
    assert "Tháng 13" in bad_period.json()["detail"]
    assert unknown.status_code == 404
