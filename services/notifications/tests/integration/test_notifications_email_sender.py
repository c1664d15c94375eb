"""The e-mail channel against a real SMTP server (the local sink `make run` uses): the letter
and its attachments arrive, the sink keeps an .eml file a user can open, and refusals become
`DeliveryError`s carrying the server's answer."""

from __future__ import annotations

import email
import email.policy
import uuid
from pathlib import Path

import pytest

from baotro_notifications.adapters.channels import DeliveryError, EmailSender, Outgoing
from baotro_notifications.settings import NotificationsSettings
from baotro_shared.mail_sink import MailSink


def _outgoing() -> Outgoing:
    return Outgoing(
        notice_id=uuid.uuid4(),
        subject="Thư cảm ơn của Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa",
        text="Kính gửi: Ông Nguyễn Văn An,\nSố tiền: 1.250.000 đồng\n",
        short_text="",
        pdf=b"%PDF-1.7 letter",
        pdf_name="thu-cam-on-TH-2026-000001.pdf",
        attachments=(("giay-khen-001-2026-GK-QBTTE.pdf", b"%PDF-1.7 certificate"),),
    )


async def test_a_letter_reaches_the_sink_and_is_kept_as_an_eml_file(tmp_path: Path) -> None:
    with MailSink(tmp_path / "mail") as sink:
        sender = EmailSender(NotificationsSettings(smtp_port=sink.port))

        message_id = await sender.send("an@example.vn", _outgoing())

        [mail] = sink.messages
    assert mail.recipients == ("an@example.vn",)
    assert mail.subject == "Thư cảm ơn của Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa"
    assert "Số tiền: 1.250.000 đồng" in mail.text
    assert [name for name, _ in mail.attachments] == [
        "thu-cam-on-TH-2026-000001.pdf",
        "giay-khen-001-2026-GK-QBTTE.pdf",
    ]
    assert mail.path is not None
    assert mail.path.parent == tmp_path / "mail"
    assert mail.path.suffix == ".eml"
    stored = email.message_from_bytes(mail.path.read_bytes(), policy=email.policy.default)
    assert stored["Message-ID"] == message_id
    assert stored["Subject"] == mail.subject


async def test_refusals_and_an_absent_server_are_delivery_errors() -> None:
    with MailSink() as sink:
        sender = EmailSender(NotificationsSettings(smtp_port=sink.port))
        sink.refuse_next(1, "554 5.7.1 Message rejected")

        with pytest.raises(DeliveryError) as refused:
            await sender.send("an@example.vn", _outgoing())
        await sender.send("an@example.vn", _outgoing())

        assert refused.value.provider_status == "SMTP 554"
        assert refused.value.answer.startswith("554")
        assert len(sink.messages) == 1
    closed = EmailSender(NotificationsSettings(smtp_port=sink.port, smtp_timeout_s=2))
    with pytest.raises(DeliveryError) as unreachable:
        await closed.send("an@example.vn", _outgoing())
    assert unreachable.value.provider_status == "SMTP unreachable"
