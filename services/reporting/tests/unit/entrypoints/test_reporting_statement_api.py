"""`GET /v1/public/statement` writes its JSON itself: it must stay the documented
`StatementPagePublic`, with its query parameters still in the OpenAPI document."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime

import httpx
from fastapi import FastAPI

from baotro_reporting.entrypoints.public_api import StatementPagePublic
from baotro_reporting.service_layer import projections as p
from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork
from baotro_shared.events.contracts.donations import DonationReceived

UowFactory = Callable[[], ReportingUnitOfWork]


async def test_the_json_is_the_documented_page_with_vietnamese_left_readable(
    client: httpx.AsyncClient, uow_factory: UowFactory
) -> None:
    async with uow_factory() as uow:
        for i, name in enumerate(("Nguyễn Thị Hồng", None)):
            event = DonationReceived(
                donation_id=uuid.uuid4(),
                fund_code="TH",
                amount=250_000 * (i + 1),
                received_on=date(2026, 6, 2 + i),
                recorded_at=datetime(2026, 6, 15, tzinfo=UTC),
                channel="bank",
                donor_display_name=name,
                public_memo="ủng hộ trẻ em",
            )
            await p.on_donation_received(uow, event, None)  # type: ignore[arg-type]
        await uow.commit()

    response = await client.get("/v1/public/statement", params={"size": "1"})
    page = StatementPagePublic.model_validate_json(response.content)

    assert response.headers["content-type"] == "application/json"
    assert '"memo":"ủng hộ trẻ em"'.encode() in response.content
    assert page.model_dump(mode="json") == {
        "items": [
            {
                "date": "2026-06-03",
                "kind": "donation",
                "kind_label": "Thu",
                "name": "Nhà hảo tâm ẩn danh",
                "amount": 500_000,
                "purpose": "Ủng hộ Quỹ",
                "memo": "ủng hộ trẻ em",
            }
        ],
        "page": 1,
        "size": 1,
        "total": 2,
        "total_is_exact": True,
        "has_next": True,
    }


def test_the_query_parameters_are_still_documented(make_portal: Callable[..., FastAPI]) -> None:
    operation = make_portal().openapi()["paths"]["/v1/public/statement"]["get"]

    assert [parameter["name"] for parameter in operation["parameters"]] == [
        "q",
        "min",
        "max",
        "from",
        "to",
        "kind",
        "page",
        "size",
    ]
    assert "StatementPagePublic" in str(operation["responses"]["200"])
