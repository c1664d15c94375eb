"""Thank-you e-mails written as MIME bytes directly, in the few shapes a letter takes.

Python's `email` package parses every header it is given and re-folds every header when it
writes the message: with a Vietnamese sender name, a PDF attachment and a new recipient each
time, building and flattening one letter's message cost more CPU than drawing its PDF. The
shapes here are fixed — plain text; text and HTML alternatives; either followed by PDF
attachments — so the message is written straight to bytes: headers the `email` package
folds once per value (sender, subjects: the same for every letter), base64 bodies with
76-character lines (RFC 2045), attachment names in RFC 2231 form when not ASCII. Tests parse
the result back with the `email` package's own parser.
"""

from __future__ import annotations

import base64
import email.policy
import functools
import secrets
import urllib.parse
from dataclasses import dataclass
from email.utils import formatdate, make_msgid, parseaddr

CRLF = "\r\n"


@functools.lru_cache(maxsize=256)
def folded_header(name: str, value: str) -> str:
    """`value` as the e-mail package writes it (RFC 2047 encoded words, lines ≤ 78),
    computed once per value; ASCII values without line breaks are kept as they are."""
    policy = email.policy.SMTP
    text: str = policy.header_factory(name, value).fold(policy=policy)
    return text[len(name) + 2 :].rstrip("\r\n")


def _header_value(name: str, value: str) -> str:
    if value.isascii() and len(value) < 900 and "\n" not in value and "\r" not in value:
        return value
    return folded_header(name, value)


def _base64_lines(data: bytes) -> str:
    return base64.encodebytes(data).decode("ascii").replace("\n", CRLF)


def _text_part(text: str, subtype: str) -> str:
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"{CRLF}'
        f"Content-Transfer-Encoding: base64{CRLF}{CRLF}"
        f"{_base64_lines(text.encode('utf-8'))}"
    )


def _disposition(filename: str) -> str:
    if filename.isascii() and '"' not in filename and "\\" not in filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename*=utf-8''{urllib.parse.quote(filename, safe='')}"


def _pdf_part(filename: str, content: bytes) -> str:
    return (
        f"Content-Type: application/pdf{CRLF}"
        f"Content-Transfer-Encoding: base64{CRLF}"
        f"Content-Disposition: {_disposition(filename)}{CRLF}{CRLF}"
        f"{_base64_lines(content)}"
    )


def _multipart(subtype: str, parts: list[str]) -> str:
    boundary = f"=_baotro_{secrets.token_hex(12)}"
    body = "".join(f"--{boundary}{CRLF}{part}{CRLF}" for part in parts)
    return (
        f'Content-Type: multipart/{subtype}; boundary="{boundary}"{CRLF}{CRLF}'
        f"{body}--{boundary}--{CRLF}"
    )


@dataclass(frozen=True)
class LetterMail:
    """One e-mail: envelope and content as bytes for SMTP."""

    sender: str
    """The envelope sender (the address of From)."""
    recipient: str
    message_id: str
    data: bytes


def letter_mail(
    *,
    mail_from: str,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    attachments: tuple[tuple[str, bytes], ...] = (),
    reply_to: str | None = None,
    notice_hex: str,
) -> LetterMail:
    """The e-mail of a letter: the plain text (and the HTML letter beside it when given),
    then the PDFs."""
    message_id = make_msgid(idstring=notice_hex, domain="baotro.vn")
    headers = [
        f"Subject: {_header_value('Subject', subject)}",
        f"From: {_header_value('From', mail_from)}",
        f"To: {_header_value('To', to)}",
    ]
    if reply_to:
        headers.append(f"Reply-To: {_header_value('Reply-To', reply_to)}")
    headers += [
        f"Date: {formatdate(localtime=False)}",
        f"Message-ID: {message_id}",
        "MIME-Version: 1.0",
    ]
    content = _text_part(text, "plain")
    if html is not None:
        content = _multipart("alternative", [content, _text_part(html, "html")])
    if attachments:
        content = _multipart(
            "mixed", [content, *(_pdf_part(name, pdf) for name, pdf in attachments)]
        )
    message = CRLF.join(headers) + CRLF + content
    return LetterMail(
        sender=parseaddr(mail_from)[1],
        recipient=to,
        message_id=message_id,
        data=message.encode("ascii"),
    )
