"""Letters' e-mails written as MIME bytes read back with the `email` package's own parser:
Vietnamese headers, the text and HTML bodies, the PDFs and their names, line lengths."""

from __future__ import annotations

import email
import email.policy
import uuid
from email.message import EmailMessage

import pytest

from baotro_notifications.adapters.letter_mail import letter_mail

MAIL_FROM = "Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa <camon@quybaotrotreem.thanhhoa.gov.vn>"
SUBJECT = "Thư cảm ơn của Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa"
TEXT = (
    "Kính gửi: Bà Trần Thị Lan\n\nSố tiền: 1.250.000 đồng\n"
    "Bằng chữ: Một triệu hai trăm năm mươi nghìn đồng\n"
)
HTML = "<p>Kính gửi: <b>Bà Trần Thị Lan</b></p>"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 300


def _parse(data: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _write(**fields: object) -> tuple[EmailMessage, bytes, str]:
    values: dict[str, object] = {
        "mail_from": MAIL_FROM,
        "to": "tran.lan@example.vn",
        "subject": SUBJECT,
        "text": TEXT,
        "notice_hex": uuid.uuid4().hex,
    }
    mail = letter_mail(**{**values, **fields})  # type: ignore[arg-type]
    return _parse(mail.data), mail.data, mail.message_id


def test_a_plain_letter_reads_back_with_its_vietnamese_headers_and_text() -> None:
    parsed, data, message_id = _write(reply_to="Phòng Kế toán <ketoan@quy.vn>")

    assert parsed["Subject"] == SUBJECT
    assert parsed["From"].addresses[0].display_name == "Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa"
    assert parsed["From"].addresses[0].addr_spec == "camon@quybaotrotreem.thanhhoa.gov.vn"
    assert parsed["To"] == "tran.lan@example.vn"
    assert parsed["Reply-To"].addresses[0].display_name == "Phòng Kế toán"
    assert parsed["Message-ID"] == message_id
    assert parsed["Date"].datetime is not None
    assert parsed.get_content_type() == "text/plain"
    assert parsed.get_content() == TEXT
    assert not parsed.defects
    assert data.isascii()
    head, _, body = data.partition(b"\r\n\r\n")
    assert max(len(line) for line in head.split(b"\r\n")) <= 998  # RFC 5322
    assert max(len(line) for line in body.split(b"\r\n")) <= 76  # RFC 2045 base64


def test_html_beside_text_then_the_pdfs_as_attachments() -> None:
    parsed, _, _ = _write(
        html=HTML,
        attachments=(("thu-cam-on-TH-2026-000123.pdf", PDF), ("giấy khen số 1.pdf", b"%PDF-2")),
    )

    assert parsed.get_content_type() == "multipart/mixed"
    body = parsed.get_body(preferencelist=("html",))
    assert body is not None
    assert body.get_content() == HTML
    plain = parsed.get_body(preferencelist=("plain",))
    assert plain is not None
    assert plain.get_content() == TEXT
    found = [(a.get_filename(), a.get_content()) for a in parsed.iter_attachments()]
    assert found == [("thu-cam-on-TH-2026-000123.pdf", PDF), ("giấy khen số 1.pdf", b"%PDF-2")]
    assert all(a.get_content_type() == "application/pdf" for a in parsed.iter_attachments())
    assert not parsed.defects


def test_the_envelope_is_the_senders_address_and_the_recipient() -> None:
    mail = letter_mail(
        mail_from=MAIL_FROM, to="an@example.vn", subject="x", text="y", notice_hex="ab" * 16
    )

    assert (mail.sender, mail.recipient) == (
        "camon@quybaotrotreem.thanhhoa.gov.vn",
        "an@example.vn",
    )
    assert "abab" in mail.message_id


@pytest.mark.parametrize("to", ["Nguyễn An <an@example.vn>", "người.nhận@ví-dụ.vn"])
def test_a_non_ascii_recipient_is_encoded(to: str) -> None:
    parsed, data, _ = _write(to=to)

    assert data.isascii()
    assert str(parsed["To"]) == to
