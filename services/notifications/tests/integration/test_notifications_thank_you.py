"""Thank-you letters by e-mail, on PostgreSQL, the real broker and a real SMTP server: one
letter per gift whatever the redeliveries, the amount in figures and words, retries when the
SMTP server refuses, failures a person can retry, waiting while donations is unreachable."""

from __future__ import annotations

import asyncio
import io
import json
import uuid
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from baotro_notifications.adapters.delivery_repository import DeliveryRepository
from baotro_shared.events.catalogue import load_contracts
from baotro_shared.events.contracts.donations import DonationReversed
from baotro_shared.events.envelope import Envelope
from baotro_shared.testing.plugin import eventually

if TYPE_CHECKING:
    from conftest import Kit


def _pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


async def test_a_gift_becomes_one_email_with_the_amount_in_figures_and_words(kit: Kit) -> None:
    service = await kit.start()
    donor = kit.donors.add(email="an.nguyen@example.vn")
    event = kit.gift(donor, 1_250_000)
    envelope = kit.events.envelope(event)
    replayed = kit.events.envelope(event)  # same gift, another envelope (an outbox replay)

    await kit.events.send(envelope, envelope, envelope, replayed)

    [mail] = await kit.wait_for_mail(1)
    assert mail.recipients == ("an.nguyen@example.vn",)
    assert "Thư cảm ơn" in mail.subject
    assert "Kính gửi: Ông Nguyễn Văn An" in mail.text
    assert "1.250.000 đồng" in mail.text
    assert "Một triệu hai trăm năm mươi nghìn đồng" in mail.text
    assert event.receipt_number is not None
    assert event.receipt_number in mail.text
    [(name, pdf)] = mail.attachments
    assert name.endswith(".pdf")
    letter = _pdf_text(pdf)
    assert "THƯ CẢM ƠN" in letter
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in letter
    assert "Một triệu hai trăm năm mươi nghìn đồng" in letter
    assert "Lê Văn Minh" in letter
    assert "3500431101000909" not in letter + mail.text  # account numbers never in letters

    [sent] = await kit.wait_for_status(service, "sent", donation_id=str(event.donation_id))
    assert sent["channel"] == "email"
    assert sent["address"] == "an***@example.vn"
    assert sent["amount"] == 1_250_000
    assert kit.donors.roles_seen == ["service"]
    await asyncio.sleep(1.0)  # room for a second letter, were there one
    assert len(kit.mail.messages) == 1

    events = await kit.outbox(service, "notice.sent")
    assert len(events) == 1
    assert events[0]["donation_id"] == str(event.donation_id)
    assert events[0]["channel"] == "email"
    published = json.dumps(events, ensure_ascii=False)
    assert "example.vn" not in published
    assert "Nguyễn" not in published

    pdf_response = await service.client.get(
        f"/v1/deliveries/{sent['id']}/letter.pdf", headers=kit.as_role("accountant")
    )
    assert pdf_response.status_code == 200
    assert pdf_response.headers["content-type"] == "application/pdf"
    assert "1.250.000 đồng" in _pdf_text(pdf_response.content)
    refused = await service.client.get("/v1/deliveries", headers=kit.as_role("case_worker"))
    assert refused.status_code == 403


async def test_an_smtp_server_that_refuses_then_accepts_gets_the_letter(kit: Kit) -> None:
    service = await kit.start()
    donor = kit.donors.add(email="lan@example.vn", display_name="Trần Thị Lan", salutation="Bà")
    kit.mail.refuse_next(2)

    await kit.events.publish(kit.gift(donor, 500_000))

    [mail] = await kit.wait_for_mail(1)
    assert "Năm trăm nghìn đồng" in mail.text
    assert "Kính gửi: Bà Trần Thị Lan" in mail.text
    assert kit.mail.handler.refused == 2
    [sent] = await kit.wait_for_status(service, "sent")
    assert sent["attempts"] == 3


async def test_a_refused_letter_fails_visibly_and_a_person_sends_it_again(kit: Kit) -> None:
    service = await kit.start(delivery_max_attempts=2)
    donor = kit.donors.add(email="hung@example.vn", display_name="Phạm Văn Hùng")
    kit.mail.refuse_next(2, "550 5.1.1 Mailbox unavailable")
    gift = kit.gift(donor, 3_000_000)

    await kit.events.publish(gift)

    [failed] = await kit.wait_for_status(service, "failed")
    assert failed["attempts"] == 2
    assert failed["last_error"].startswith("550")
    assert failed["provider_status"] == "SMTP 550"
    notices = await eventually(lambda: kit.outbox(service, "notice.failed"))
    assert notices[0]["provider_status"] == "SMTP 550"
    assert notices[0]["donation_id"] == str(gift.donation_id)

    path = f"/v1/deliveries/{failed['id']}/retry"
    assert (await service.client.post(path, headers=kit.as_role("auditor"))).status_code == 403
    retried = await service.client.post(path, headers=kit.as_role("accountant"))
    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == "pending"
    [mail] = await kit.wait_for_mail(1)
    assert "Ba triệu đồng" in mail.text
    await kit.wait_for_status(service, "sent")
    again = await service.client.post(path, headers=kit.as_role("accountant"))
    assert again.status_code == 409


async def test_the_letter_waits_while_donations_is_unreachable(kit: Kit) -> None:
    service = await kit.start()
    donor = kit.donors.add(email="minh@example.vn")
    kit.donors.down = True

    await kit.events.publish(kit.gift(donor, 200_000))

    async def asked_twice() -> bool:
        return kit.donors.calls >= 2

    await eventually(asked_twice, message="the dispatcher never asked donations again")
    [waiting] = await kit.deliveries(service, status="pending")
    assert "dịch vụ tiếp nhận tài trợ" in waiting["last_error"]
    assert kit.mail.messages == []

    kit.donors.down = False

    [mail] = await kit.wait_for_mail(1)
    assert "Hai trăm nghìn đồng" in mail.text


async def test_opted_out_and_donorless_gifts_are_recorded_but_not_sent(kit: Kit) -> None:
    service = await kit.start()
    quiet = kit.donors.add(email="quiet@example.vn", opted_out=True)

    await kit.events.publish(kit.gift(quiet, 100_000), kit.gift(None, 50_000))

    async def both_skipped() -> list[dict[str, object]] | None:
        items = await kit.deliveries(service, status="skipped")
        return items if len(items) == 2 else None

    skipped = await eventually(both_skipped)
    assert {s["skip_reason"] for s in skipped} == {"opted_out", "no_donor"}
    assert kit.mail.messages == []


async def test_a_reversal_after_the_letter_sends_one_correction(kit: Kit) -> None:
    service = await kit.start()
    donor = kit.donors.add(email="an@example.vn")
    gift = kit.gift(donor, 2_000_000)
    await kit.events.publish(gift)
    await kit.wait_for_mail(1)
    await kit.wait_for_status(service, "sent")

    reversal = _reversal(gift.donation_id, amount=500_000, remaining=1_500_000)
    await kit.events.send(reversal, reversal)

    _, correction = await kit.wait_for_mail(2)
    assert "Đính chính" in correction.subject
    assert "Số tiền đã ghi trong thư trước: 2.000.000 đồng" in correction.text
    assert "Số tiền đúng: 1.500.000 đồng" in correction.text
    assert "Một triệu năm trăm nghìn đồng" in correction.text
    await asyncio.sleep(0.8)
    assert len(kit.mail.messages) == 2
    kinds = [d["kind"] for d in await kit.deliveries(service, donation_id=str(gift.donation_id))]
    assert sorted(kinds) == ["correction", "thank_you"]


async def test_a_reversal_before_the_letter_changes_the_letter_not_adds_one(kit: Kit) -> None:
    service = await kit.start()
    donor = kit.donors.add(email="an@example.vn")
    partly = kit.gift(donor, 1_000_000)
    fully = kit.gift(donor, 400_000)
    kit.donors.down = True  # letters wait, reversals arrive meanwhile
    await kit.events.publish(partly, fully)
    await kit.events.send(
        _reversal(partly.donation_id, amount=250_000, remaining=750_000),
        _reversal(fully.donation_id, amount=400_000, remaining=0),
    )

    async def reversals_seen() -> bool:
        async with service.runtime.uow() as uow:
            a = await uow.read_models.gift(partly.donation_id)
            b = await uow.read_models.gift(fully.donation_id)
            return bool(a and b and a.reversed_amount == 250_000 and b.reversed_amount == 400_000)

    await eventually(reversals_seen)
    kit.donors.down = False

    [mail] = await kit.wait_for_mail(1)
    assert "750.000 đồng" in mail.text
    assert "Bảy trăm năm mươi nghìn đồng" in mail.text
    [skipped] = await kit.wait_for_status(service, "skipped")
    assert skipped["skip_reason"] == "fully_reversed"
    await asyncio.sleep(0.8)
    assert len(kit.mail.messages) == 1


def _reversal(donation_id: uuid.UUID, *, amount: int, remaining: int) -> Envelope:
    data = DonationReversed(
        donation_id=donation_id,
        reversal_id=uuid.uuid4(),
        amount=amount,
        reason="Hoàn trả theo đề nghị của nhà hảo tâm",
        reversed_at=datetime.now(UTC),
        reversed_on=date(2026, 11, 25),
        remaining_amount=remaining,
    )
    return load_contracts().envelope(data, source="/baotro/donations")


async def test_a_reversal_seen_before_its_gift_is_applied_when_the_gift_arrives(
    kit: Kit,
) -> None:
    service = await kit.start()
    donor = kit.donors.add(email="an@example.vn")
    gift = kit.gift(donor, 900_000)
    await kit.events.send(_reversal(gift.donation_id, amount=400_000, remaining=500_000))

    async def reversal_kept() -> bool:
        async with service.runtime.engine.connect() as conn:
            count = await conn.scalar(text("SELECT count(*) FROM early_reversals"))
        return count == 1

    await eventually(reversal_kept)
    await kit.events.publish(gift)

    [mail] = await kit.wait_for_mail(1)
    assert "Số tiền: 500.000 đồng" in mail.text
    assert "Năm trăm nghìn đồng" in mail.text


async def test_outcomes_are_still_recorded_when_recording_the_round_fails(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    failures: list[int] = []
    get_many = DeliveryRepository.get_many

    async def fail_once(
        self: DeliveryRepository, ids: list[uuid.UUID], *, lock: bool = False
    ) -> Any:
        if not failures:
            failures.append(len(ids))
            raise ConnectionResetError("connection lost while recording the round")
        return await get_many(self, ids, lock=lock)

    monkeypatch.setattr(DeliveryRepository, "get_many", fail_once)
    service = await kit.start()
    donors = [kit.donors.add(email=f"donor{i}@example.vn") for i in range(3)]
    gifts = [kit.gift(donor, 100_000 * (i + 1)) for i, donor in enumerate(donors)]

    await kit.events.send(*(kit.events.envelope(gift) for gift in gifts))

    mails = await kit.wait_for_mail(3)
    for gift in gifts:
        [sent] = await kit.wait_for_status(service, "sent", donation_id=str(gift.donation_id))
        assert sent["amount"] == gift.amount
    assert failures, "the round's recording never failed: the fallback was not exercised"
    await asyncio.sleep(1.0)  # a later round must not send anything again
    assert len(kit.mail.messages) == len(mails) == 3
