"""Letters and certificates rendered from the package's Jinja2 templates: HTML, then the
letter's PDF drawn by ReportLab (`letter_pdf`; in the renderer's own thread, or in a pool of
processes when given one), plain text for the e-mail body (and the letter's HTML when it is
the body), a short unaccented text for SMS, and the parameters of the Zalo ZNS template."""

from __future__ import annotations

import asyncio
import os
import uuid
from concurrent.futures import Executor, ThreadPoolExecutor

import jinja2
from unidecode import unidecode

from baotro_notifications.adapters.channels import Outgoing
from baotro_notifications.adapters.letter_pdf import render_letter_pdf
from baotro_notifications.domain.letters import Certificate, Letter, Letterhead
from baotro_notifications.domain.notices import NoticeKind
from baotro_shared.amount_words import amount_in_figures
from baotro_shared.documents import format_date_vi, templates

PACKAGE = "baotro_notifications"
SMS_MAX = 320
"""Two concatenated unaccented SMS segments at most (160 GSM characters each)."""


def _capitalize_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _environment() -> jinja2.Environment:
    env = templates(PACKAGE)
    env.filters["capitalize_first"] = _capitalize_first
    return env


RENDER_PROCESS_NICENESS = 10
"""Render processes yield the CPU to the service itself (API, consumer, dispatcher): letters
can wait a few seconds, requests and events should not."""


def warm_up_renderer() -> None:
    """Run once in each render process: lower its CPU priority, and load ReportLab and the
    fonts before the first letter needs them."""
    os.nice(RENDER_PROCESS_NICENESS)
    render_letter_pdf("<p>Quỹ Bảo trợ trẻ em</p>")


class LetterRenderer:
    def __init__(self, letterhead: Letterhead, *, executor: Executor | None = None) -> None:
        self.head = letterhead
        self._env = _environment()
        # ReportLab keeps state per document build: one thread draws one letter at a time
        self._own_thread: ThreadPoolExecutor | None = None
        if executor is None:
            self._own_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="letters")
            executor = self._own_thread
        self._executor = executor

    def close(self) -> None:
        if self._own_thread is not None:
            self._own_thread.shutdown(wait=False, cancel_futures=True)

    async def pdf(self, html: str) -> bytes:
        """The PDF of a letter's HTML: in the render processes when configured, else in the
        renderer's thread (the event loop keeps serving meanwhile)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, render_letter_pdf, html)

    def letter_html(self, letter: Letter) -> str:
        return self._env.get_template(f"{letter.kind.value}.html").render(
            letter=letter, head=self.head
        )

    def email_text(self, letter: Letter, *, pdf_attached: bool = True) -> str:
        return self._env.get_template("email.txt").render(
            letter=letter, head=self.head, pdf_attached=pdf_attached
        )

    def certificate_html(self, certificate: Certificate) -> str:
        return self._env.get_template("certificate.html").render(cert=certificate, head=self.head)

    def sms_text(self, letter: Letter) -> str:
        """Unaccented (eSMS brand-name messages are sent without Unicode)."""
        who = letter.addressee
        amount = amount_in_figures(letter.amount)
        receipt = f", bien nhan {letter.receipt_number}" if letter.receipt_number else ""
        if letter.kind is NoticeKind.CORRECTION:
            told = amount_in_figures(letter.told_amount or 0)
            text = (
                f"{self.head.fund_name} dinh chinh: khoan ung ho cua {who}{receipt} "
                f"la {amount} (thu truoc ghi {told}). Xin loi vi su bat tien."
            )
        elif letter.kind is NoticeKind.COMMENDATION:
            text = f"{self.head.fund_name} tran trong thong bao: {who} duoc tang {letter.award}."
        elif letter.kind is NoticeKind.UNIT_SUMMARY:
            text = (
                f"{self.head.fund_name} tran trong cam on {who} da ung ho {letter.gifts} luot, "
                f"tong {amount}. Tran trong!"
            )
        else:
            day = format_date_vi(letter.received_on) if letter.received_on else ""
            text = (
                f"{self.head.fund_name} tran trong cam on {who} da ung ho {amount} "
                f"ngay {day}{receipt}. Tran trong!"
            )
        return unidecode(text)[:SMS_MAX]

    def zns_data(self, letter: Letter) -> dict[str, str]:
        """Parameters of the approved ZNS template (Zalo limits each to 30–200 characters)."""
        data = {
            "customer_name": letter.addressee[:30],
            "amount": f"{letter.amount:,}".replace(",", "."),
            "purpose": letter.purpose[:200],
            "notice_kind": letter.subject[:100],
        }
        if letter.received_on:
            data["date"] = format_date_vi(letter.received_on)
        if letter.receipt_number:
            data["receipt_number"] = letter.receipt_number[:30]
        return data

    async def outgoing(
        self,
        notice_id: uuid.UUID,
        letter: Letter,
        *,
        attachments: tuple[tuple[str, bytes], ...] = (),
        pdf: bool = True,
        html: bool = False,
    ) -> Outgoing:
        """Render every form of the letter: the PDF unless `pdf` is False (it is then rendered
        on demand), the letter's HTML as an e-mail body when `html`."""
        letter_html = self.letter_html(letter)
        stem = letter.receipt_number or notice_id.hex[:12]
        return Outgoing(
            notice_id=notice_id,
            subject=letter.subject,
            text=self.email_text(letter, pdf_attached=pdf),
            short_text=self.sms_text(letter),
            pdf=await self.pdf(letter_html) if pdf else None,
            pdf_name=f"{_FILE_NAMES[letter.kind]}-{stem}.pdf".replace("/", "-"),
            zns_data=self.zns_data(letter),
            attachments=attachments,
            html=letter_html if html else None,
        )


_FILE_NAMES = {
    NoticeKind.THANK_YOU: "thu-cam-on",
    NoticeKind.UNIT_SUMMARY: "thu-cam-on-don-vi",
    NoticeKind.CORRECTION: "thu-dinh-chinh",
    NoticeKind.COMMENDATION: "thong-bao-khen-thuong",
}
