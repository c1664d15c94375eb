"""The portal's pages and the public JSON/CSV API, on SQLite, through the ASGI app."""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx

from baotro_reporting.service_layer import projections as p
from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork
from baotro_shared.events.contracts.donations import DonationReceived, PaymentCodeIssued
from baotro_shared.events.contracts.registry import AppealPublished
from baotro_shared.vietqr import build_payload

UowFactory = Callable[[], ReportingUnitOfWork]
Headers = Callable[..., dict[str, str]]
NOW = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)


async def _gifts(uow_factory: UowFactory, *names: str | None, memo: str = "ung ho") -> None:
    async with uow_factory() as uow:
        for i, name in enumerate(names):
            event = DonationReceived(
                donation_id=uuid.uuid4(),
                fund_code="TH",
                amount=100_000 * (i + 1),
                received_on=date(2026, 6, 1 + i % 28),
                recorded_at=NOW,
                channel="bank",
                donor_display_name=name,
                public_memo=memo,
            )
            await p.on_donation_received(uow, event, None)  # type: ignore[arg-type]
        await uow.commit()


async def test_every_page_is_vietnamese_html(client: httpx.AsyncClient) -> None:
    for path in ("/", "/hoan-canh", "/ung-ho", "/sao-ke", "/bao-cao"):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert '<html lang="vi">' in response.text
        assert 'name="viewport"' in response.text


async def test_the_statement_page_finds_names_across_diacritics(
    client: httpx.AsyncClient, uow_factory: UowFactory
) -> None:
    await _gifts(uow_factory, "NGUYỄN VĂN A", "Trần Văn Bảo")

    page = (await client.get("/sao-ke", params={"q": "nguyen van a"})).text

    assert "NGUYỄN VĂN A" in page
    assert "Trần Văn Bảo" not in page
    assert 'value="nguyen van a"' in page
    assert 'href="/sao-ke.csv?q=nguyen+van+a"' in page


async def test_the_statement_page_links_its_pages(
    client: httpx.AsyncClient, uow_factory: UowFactory
) -> None:
    await _gifts(uow_factory, *(f"Người {i}" for i in range(25)))

    first = (await client.get("/sao-ke", params={"size": "10", "q": "nguoi"})).text
    third = (await client.get("/sao-ke", params={"size": "10", "q": "nguoi", "page": "3"})).text

    assert 'rel="next" href="/sao-ke?q=nguoi&amp;size=10&amp;page=2"' in first
    assert 'rel="prev"' not in first
    assert "25 dòng · trang 1/3" in first
    assert len(re.findall(r'<tr class="in">', third)) == 5
    assert 'rel="next"' not in third


async def test_a_bad_search_says_what_is_wrong_in_vietnamese(client: httpx.AsyncClient) -> None:
    page = await client.get("/sao-ke", params={"min": "900000", "max": "1000"})
    api = await client.get("/v1/public/statement", params={"from": "31/02/2026"})

    assert page.status_code == 422
    assert "Số tiền “từ” phải nhỏ hơn hoặc bằng số tiền “đến”." in page.text
    assert api.status_code == 422
    assert api.headers["content-type"].startswith("application/problem+json")
    assert "Ngày «31/02/2026»" in api.json()["detail"]


async def test_the_json_api_pages_and_filters(
    client: httpx.AsyncClient, uow_factory: UowFactory
) -> None:
    await _gifts(uow_factory, "Lê Thị Hoa", "Lê Văn Nam", None)

    body = (
        await client.get("/v1/public/statement", params={"q": "LE", "min": "150.000", "size": "1"})
    ).json()

    assert body["total"] == 1
    assert body["has_next"] is False
    assert body["items"][0]["name"] == "Lê Văn Nam"
    assert body["items"][0]["amount"] == 200_000


async def test_the_csv_download_is_utf8_with_bom_and_holds_the_whole_result(
    client: httpx.AsyncClient, uow_factory: UowFactory
) -> None:
    await _gifts(uow_factory, *(f"Nguyễn Văn {i}" for i in range(30)), None)

    response = await client.get("/sao-ke.csv", params={"q": "nguyen van"})

    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Ngày"
    assert len(rows) == 31
    assert {row[1] for row in rows[1:]} == {"Thu"}
    assert sum(int(row[3]) for row in rows[1:]) == sum(100_000 * (i + 1) for i in range(30))


async def test_the_appeals_page_shows_the_appeal_its_money_and_a_vietqr_code(
    client: httpx.AsyncClient, uow_factory: UowFactory
) -> None:
    appeal_id = uuid.uuid4()
    payload = build_payload("970405", "3500431101000909", memo="THK7K2M9QB")
    async with uow_factory() as uow:
        await p.on_appeal_published(
            uow,
            AppealPublished(
                appeal_id=appeal_id,
                alias="Bé Mây",
                age_band="6-10",
                province_code="38",
                province_name="Thanh Hóa",
                need_kind="Học phí",
                amount_sought=5_000_000,
                story="Em học rất chăm.",
                published_at=NOW,
            ),
            None,  # type: ignore[arg-type]
        )
        await p.on_payment_code_issued(
            uow,
            PaymentCodeIssued(
                code="THK7K2M9QB",
                fund_code="TH",
                target_kind="appeal",
                target_id=str(appeal_id),
                vietqr_payload=payload,
                issued_at=NOW,
            ),
            None,  # type: ignore[arg-type]
        )
        await uow.commit()

    page = (await client.get("/hoan-canh")).text

    assert "Bé Mây" in page
    assert "Từ 6 đến 10 tuổi" in page
    assert "5.000.000" in page
    assert '<span class="code">THK7K2M9QB</span>' in page
    assert 'src="data:image/png;base64,' in page


async def test_the_give_page_shows_the_funds_own_accounts(client: httpx.AsyncClient) -> None:
    page = (await client.get("/ung-ho")).text

    assert "3751.0.111.4523" in page
    assert "3500.431.101.000.909" in page
    assert "Kho bạc Nhà nước tỉnh Thanh Hóa" in page
    assert 'alt="Mã VietQR ủng hộ Quỹ"' in page


async def test_news_are_written_by_a_fund_admin_and_shown_on_the_home_page(
    client: httpx.AsyncClient, headers: Headers
) -> None:
    news: dict[str, Any] = {"title": "Trao 50 suất học bổng", "body": "Sáng 1/6, Quỹ đã trao..."}

    refused = await client.post("/v1/news", json=news, headers=headers("accountant"))
    anonymous = await client.post("/v1/news", json=news)
    created = await client.post("/v1/news", json=news, headers=headers("fund_admin"))

    assert (refused.status_code, anonymous.status_code, created.status_code) == (403, 401, 201)
    assert "Trao 50 suất học bổng" in (await client.get("/")).text
    assert [n["title"] for n in (await client.get("/v1/news")).json()] == [news["title"]]


async def test_a_news_post_of_blanks_is_refused_in_vietnamese_and_nothing_is_published(
    client: httpx.AsyncClient, headers: Headers
) -> None:
    blank_title = {"title": "   ", "body": "Nội dung"}
    blank_body = {"title": "Tin mới", "body": " \n "}

    refused = [
        await client.post("/v1/news", json=post, headers=headers("fund_admin"))
        for post in (blank_title, blank_body)
    ]

    assert [r.status_code for r in refused] == [422, 422]
    assert refused[0].json()["detail"] == "Tiêu đề tin không được để trống."
    assert refused[1].json()["detail"] == "Nội dung tin không được để trống."
    assert (await client.get("/v1/news")).json() == []
