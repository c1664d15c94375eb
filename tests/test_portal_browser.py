"""The public portal in a real browser (Debian Chromium driven by Playwright).

Registry publishes a real appeal (its child has a real name, an ID number, a school: none may
show), donations issues its payment code, reporting serves the portal on a real port. Gifts
are added through reporting's own projection handlers, among them an anonymous donor whose
name travels anyway and a memo with a donor's account number. Every page renders in
Vietnamese, the search finds names across diacritics, pages turn, the CSV downloads, the QR
codes decode to valid VietQR payloads, a phone shows no horizontal scroll, and nothing
planted appears anywhere public.
"""

from __future__ import annotations

import asyncio
import io
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pypdf
import pytest
import uvicorn
import zxingcpp
from PIL import Image
from playwright.async_api import Browser, Page, async_playwright

from baotro_reporting.service_layer.projections import on_donation_received
from baotro_shared.broker_process import free_port
from baotro_shared.events.contracts.donations import DonationReceived
from baotro_shared.testing.harness import RunningService, ServiceHarness
from baotro_shared.testing.plugin import eventually
from baotro_shared.vietqr import parse_payload

from test_appeals_api import SECRETS, Fund

Tokens = Callable[..., str]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGES = ("/", "/hoan-canh", "/ung-ho", "/sao-ke", "/bao-cao")
ANONYMOUS_DONOR = "Trần Thị Bí Mật"
DONOR_ACCOUNT = "0011001932418"
PLANTED = (*SECRETS, ANONYMOUS_DONOR, "TRAN THI BI MAT", "Bí Mật", DONOR_ACCOUNT, "19036677889900")
AGRIBANK = ("970405", "3500431101000909")


async def _seed_gifts(reporting: RunningService) -> None:
    """31 gifts: named, anonymous (a name travels anyway), a memo with account numbers."""
    now = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)
    names = ["NGUYỄN VĂN A", "Nguyễn Văn Bình", "Lê Thị Hoa", "Phạm Minh Tuấn", "Hoàng Thu Trang"]
    events = [
        DonationReceived(
            donation_id=uuid.uuid4(),
            fund_code="TH",
            amount=50_000 * (i + 1),
            received_on=date(2026, 6, 1 + i % 28),
            recorded_at=now,
            channel="bank",
            donor_display_name=names[i % len(names)],
            public_memo=f"{names[i % len(names)]} ung ho tre em lan {i}",
        )
        for i in range(28)
    ]
    events += [
        DonationReceived(
            donation_id=uuid.uuid4(),
            fund_code="TH",
            amount=2_000_000,
            received_on=date(2026, 6, 2),
            recorded_at=now,
            channel="bank",
            donor_display_name=ANONYMOUS_DONOR,
            anonymous=True,
            public_memo=f"CT tu {DONOR_ACCOUNT} TRAN THI BI MAT ung ho",
        ),
        DonationReceived(
            donation_id=uuid.uuid4(),
            fund_code="TH",
            amount=300_000,
            received_on=date(2026, 6, 3),
            recorded_at=now,
            channel="bank",
            donor_display_name="Đỗ Văn Cường",
            public_memo=f"MBVCB.6916176124.DO VAN CUONG chuyen tien.CT tu {DONOR_ACCOUNT}",
        ),
        DonationReceived(
            donation_id=uuid.uuid4(),
            fund_code="TH",
            amount=150_000,
            received_on=date(2026, 6, 4),
            recorded_at=now,
            channel="bank",
            donor_display_name="Vũ Thị Mai",
            public_memo="Vu Thi Mai ung ho STK 1903 6677 8899 00",
        ),
    ]
    async with reporting.runtime.uow() as uow:
        for event in events:
            await on_donation_received(uow, event, None)  # type: ignore[arg-type]
        await uow.commit()


@pytest.fixture
async def portal(services: ServiceHarness, make_token: Tokens) -> AsyncIterator[str]:
    """Registry, donations and reporting with data; reporting served on a real port."""
    fund = Fund(await services.start("registry"), make_token)
    await services.start("donations")
    reporting = await services.start("reporting")
    await fund.published()
    await _seed_gifts(reporting)
    admin = {"Authorization": f"Bearer {make_token('fund_admin', None, sub='giam-doc')}"}
    news = await reporting.client.post(
        "/v1/news",
        json={"title": "Trao học bổng cho trẻ em", "body": "Quỹ đã trao 50 suất học bổng."},
        headers=admin,
    )
    assert news.status_code == 201
    report = await reporting.client.post(
        "/v1/reports", json={"kind": "disclosure", "period": "2026"}, headers=admin
    )
    assert report.status_code == 202

    async def appeal_with_code() -> bool:
        page = (await reporting.client.get("/hoan-canh")).text
        return 'class="code"' in page

    await eventually(appeal_with_code, timeout=30, message="no appeal with a payment code")
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            reporting.app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"
        )
    )
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        return bool(server.started)

    await eventually(started, message="uvicorn did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        await chromium.close()


async def _decode_qr(page: Page, selector: str) -> str:
    image = Image.open(io.BytesIO(await page.locator(selector).first.screenshot()))
    [barcode] = zxingcpp.read_barcodes(image)
    return str(barcode.text)


async def test_every_page_renders_in_vietnamese_and_fits_a_phone(
    portal: str, browser: Browser
) -> None:
    page = await browser.new_page(viewport={"width": 375, "height": 812})
    for path in (*PAGES, "/sao-ke?q=nguyen"):
        response = await page.goto(portal + path)
        assert response is not None, path
        assert response.status == 200, path
        assert await page.get_attribute("html", "lang") == "vi"
        assert await page.locator("h1").count() == 1
        widths = await page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"{path} scrolls sideways on a phone: {widths}"


async def test_search_finds_a_name_with_or_without_diacritics(
    portal: str, browser: Browser
) -> None:
    page = await browser.new_page()
    for typed in ("nguyen van a", "Nguyễn Văn A", "NGUYEN VAN A"):
        await page.goto(portal + "/sao-ke")
        await page.fill("#q", typed)
        await page.click("button[type=submit]")
        names = await page.locator("table.statement tbody td[data-label='Tên']").all_inner_texts()
        assert names, typed
        assert set(names) == {"NGUYỄN VĂN A"}, typed


async def test_pages_turn_and_the_csv_downloads(
    portal: str, browser: Browser, tmp_path: Path
) -> None:
    page = await browser.new_page(accept_downloads=True)
    await page.goto(portal + "/sao-ke?size=10")
    first = await page.locator("table.statement tbody tr").all_inner_texts()
    await page.click("a[rel=next]")
    assert "page=2" in page.url
    second = await page.locator("table.statement tbody tr").all_inner_texts()
    assert len(first) == len(second) == 10
    assert not set(first) & set(second)

    await page.goto(portal + "/sao-ke?q=nguyen+van")
    async with page.expect_download() as download_info:
        await page.click("#csv")
    download = await download_info.value
    target = tmp_path / "sao-ke.csv"
    await download.save_as(target)
    content = await asyncio.to_thread(target.read_bytes)
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Ngày,Loại,")
    assert "NGUYỄN VĂN A" in text
    assert "Nguyễn Văn Bình" in text
    assert "Lê Thị Hoa" not in text


async def test_qr_codes_decode_to_vietqr_payloads_to_the_funds_account(
    portal: str, browser: Browser
) -> None:
    page = await browser.new_page()
    await page.goto(portal + "/hoan-canh")
    code = (await page.locator(".appeal .code").first.inner_text()).strip()
    appeal = parse_payload(await _decode_qr(page, ".appeal .qr img"))
    assert (appeal.bank_bin, appeal.account, appeal.memo) == (*AGRIBANK, code)

    await page.goto(portal + "/ung-ho")
    general = parse_payload(await _decode_qr(page, ".qr img"))
    assert (general.bank_bin, general.account) == AGRIBANK
    assert general.memo == (await page.locator(".qr .code").inner_text()).strip()


async def test_no_public_page_shows_planted_personal_data_or_donor_accounts(
    portal: str, browser: Browser
) -> None:
    page = await browser.new_page(accept_downloads=True)
    seen: dict[str, str] = {}
    for path in (*PAGES, "/sao-ke?size=100", "/sao-ke?q=bi+mat", "/sao-ke?q=cuong"):
        await page.goto(portal + path)
        seen[path] = await page.content()
    async with page.expect_download() as download_info:
        await page.goto(portal + "/sao-ke")
        await page.click("#csv")
    downloaded = Path(await (await download_info.value).path())
    seen["csv"] = await asyncio.to_thread(downloaded.read_text, "utf-8-sig")
    await page.goto(portal + "/bao-cao")
    links = await page.locator("main a[href$='.pdf']").all()
    assert links, "the published disclosure is not on /bao-cao"
    href = await links[0].get_attribute("href")
    response = await page.request.get(portal + str(href))
    assert response.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(await response.body()))
    seen["disclosure pdf"] = " ".join(p.extract_text() for p in reader.pages)

    assert "Nhà hảo tâm ẩn danh" in seen["/sao-ke?size=100"]
    assert "Đỗ Văn Cường" in seen["/sao-ke?q=cuong"]
    assert "3500.431.101.000.909" in seen["/ung-ho"]  # the fund's own account is public
    leaks = [
        (where, secret) for where, text in seen.items() for secret in PLANTED if secret in text
    ]
    digits = [(where, "1903…") for where, text in seen.items() if "1903 6677" in text]
    assert leaks == []
    assert digits == []
