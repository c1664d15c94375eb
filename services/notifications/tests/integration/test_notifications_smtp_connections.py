"""Kept-open SMTP connections against a real SMTP server (aiosmtpd): many letters over one
connection, a refusal leaves the connection usable, and a connection the server dropped is
replaced without losing the letter."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from baotro_notifications.adapters.channels import DeliveryError, EmailSender, Outgoing
from baotro_notifications.settings import NotificationsSettings
from baotro_shared.mail_sink import MailSink, MailSinkHandler


class PeerRecordingHandler(MailSinkHandler):
    """Notes the client's address and port of each message: one port, one connection."""

    def __init__(self) -> None:
        super().__init__()
        self.peers: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.peers.append(session.peer)
        return await super().handle_DATA(server, session, envelope)


def _sink(port: int = 0) -> tuple[MailSink, PeerRecordingHandler]:
    sink = MailSink(port=port)
    handler = PeerRecordingHandler()
    sink.handler = handler
    return sink, handler


def _letter(text: str) -> Outgoing:
    return Outgoing(
        notice_id=uuid.uuid4(),
        subject="Thư cảm ơn của Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa",
        text=text,
        short_text="",
        pdf=None,
        pdf_name="thu-cam-on.pdf",
        html=f"<p>{text}</p>",
    )


async def test_letters_share_one_kept_connection_and_survive_a_refusal() -> None:
    sink, handler = _sink()
    with sink:
        sender = EmailSender(NotificationsSettings(smtp_port=sink.port, smtp_connections=1))
        for i in range(3):
            await sender.send("an@example.vn", _letter(f"Thư số {i}"))
        sink.refuse_next(1, "452 4.3.1 Insufficient system storage")
        with pytest.raises(DeliveryError) as refused:
            await sender.send("an@example.vn", _letter("Thư bị từ chối"))
        await sender.send("an@example.vn", _letter("Thư sau khi bị từ chối"))
        await sender.aclose()

    assert refused.value.provider_status == "SMTP 452"
    assert [m.text.strip() for m in sink.messages] == [
        "Thư số 0",
        "Thư số 1",
        "Thư số 2",
        "Thư sau khi bị từ chối",
    ]
    assert len(set(handler.peers)) == 1
    [mail, *_] = sink.messages
    html = mail.message.get_body(preferencelist=("html",))
    assert html is not None
    assert "<p>Thư số 0</p>" in html.get_content()  # type: ignore[attr-defined]
    assert mail.attachments == []


async def test_a_connection_the_server_dropped_is_replaced_and_the_letter_delivered() -> None:
    first, _ = _sink()
    settings = NotificationsSettings(smtp_port=first.port, smtp_connections=2)
    sender = EmailSender(settings)
    with first:
        await sender.send("an@example.vn", _letter("Trước khi máy chủ khởi động lại"))
    second, handler = _sink(first.port)
    with second:
        await sender.send("an@example.vn", _letter("Sau khi máy chủ khởi động lại"))
        await sender.aclose()

    assert [m.text.strip() for m in second.messages] == ["Sau khi máy chủ khởi động lại"]
    assert len(handler.peers) == 1


async def test_one_connection_per_letter_when_none_are_kept() -> None:
    sink, handler = _sink()
    with sink:
        sender = EmailSender(NotificationsSettings(smtp_port=sink.port, smtp_connections=0))
        for i in range(2):
            await sender.send("an@example.vn", _letter(f"Thư số {i}"))

    assert len(sink.messages) == 2
    assert len(set(handler.peers)) == 2
