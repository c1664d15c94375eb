"""How the letter travels, on PostgreSQL, the real broker and a real SMTP server: as the
e-mail's HTML body with its PDF rendered on demand (and kept) — telling the amount the donor
was told even after a reversal — or as a PDF attachment rendered by a pool of processes."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from pypdf import PdfReader

from baotro_shared.events.catalogue import load_contracts
from baotro_shared.events.contracts.donations import DonationReversed
from baotro_shared.testing.plugin import eventually

if TYPE_CHECKING:
    from conftest import Kit


def _pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


async def test_an_html_letter_is_the_email_and_its_pdf_is_made_on_demand(kit: Kit) -> None:
    service = await kit.start(email_letter="html")
    donor = kit.donors.add(email="lan@example.vn", display_name="Trần Thị Lan", salutation="Bà")
    gift = kit.gift(donor, 1_250_000)

    await kit.events.publish(gift)

    [mail] = await kit.wait_for_mail(1)
    assert mail.attachments == []
    html = mail.message.get_body(preferencelist=("html",))
    assert html is not None
    body = " ".join(str(html.get_content()).split())  # type: ignore[attr-defined]
    for words in ("THƯ CẢM ƠN", "Bà Trần Thị Lan", "1.250.000 đồng", "Lê Văn Minh"):
        assert words in body, words
    assert "Một triệu hai trăm năm mươi nghìn đồng" in body
    assert gift.receipt_number is not None
    assert gift.receipt_number in body
    assert "Một triệu hai trăm năm mươi nghìn đồng" in mail.text
    assert "tệp PDF" not in mail.text
    assert "3500431101000909" not in body + mail.text
    [sent] = await kit.wait_for_status(service, "sent", donation_id=str(gift.donation_id))
    assert sent["letter_url"] == f"/v1/deliveries/{sent['id']}/letter.pdf"

    reversal = DonationReversed(
        donation_id=gift.donation_id,
        reversal_id=uuid.uuid4(),
        amount=250_000,
        reason="Hoàn trả một phần theo đề nghị của nhà hảo tâm",
        reversed_at=datetime.now(UTC),
        reversed_on=date(2026, 11, 25),
        remaining_amount=1_000_000,
    )
    await kit.events.send(load_contracts().envelope(reversal, source="/baotro/donations"))
    await kit.wait_for_mail(2)  # the correction
    lookups = kit.donors.calls

    url = sent["letter_url"]
    first = await service.client.get(url, headers=kit.as_role("auditor"))
    again = await service.client.get(url, headers=kit.as_role("accountant"))

    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == "application/pdf"
    letter = _pdf_text(first.content)
    assert "Kính gửi: Bà Trần Thị Lan" in letter
    assert "1.250.000 đồng" in letter  # what the letter told, not what remains
    assert "Một triệu hai trăm năm mươi nghìn đồng" in letter
    assert gift.receipt_number in letter
    assert again.content == first.content
    assert kit.donors.calls == lookups + 1  # the name asked once; the PDF is kept


async def test_the_letter_of_an_unsent_notice_is_not_found(kit: Kit) -> None:
    service = await kit.start(email_letter="html")
    donor = kit.donors.add(email="minh@example.vn")
    kit.donors.down = True
    await kit.events.publish(kit.gift(donor, 200_000))

    async def waiting() -> list[dict[str, object]] | None:
        return await kit.deliveries(service, status="pending") or None

    [pending] = await eventually(waiting)
    response = await service.client.get(
        f"/v1/deliveries/{pending['id']}/letter.pdf", headers=kit.as_role("auditor")
    )
    assert response.status_code == 404
    assert pending["letter_url"] is None


async def test_a_pool_of_render_processes_attaches_the_pdf_letter(kit: Kit) -> None:
    await kit.start(render_processes=1)
    donor = kit.donors.add(email="hung@example.vn", display_name="Phạm Văn Hùng")

    await kit.events.publish(kit.gift(donor, 3_000_000))

    [mail] = await kit.wait_for_mail(1, timeout=60)
    [(name, pdf)] = mail.attachments
    assert name.endswith(".pdf")
    letter = _pdf_text(pdf)
    assert "Kính gửi: Ông Phạm Văn Hùng" in letter
    assert "Ba triệu đồng" in letter
    assert "tệp PDF" in mail.text
