"""The channels a notice leaves by: e-mail (SMTP, the letter attached as PDF or as the HTML
body), SMS (eSMS.vn's JSON API), Zalo ZNS (an approved template), and paper (the PDF is kept
for printing).

Each sender raises `DeliveryError` with the provider's answer; the dispatcher retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiosmtplib
import httpx

from baotro_notifications.adapters.letter_mail import LetterMail, letter_mail
from baotro_notifications.adapters.zalo_tokens import ZaloTokenError, ZaloTokens
from baotro_notifications.domain.donors import Channel, international_phone, national_phone
from baotro_notifications.settings import NotificationsSettings
from baotro_shared.uow import UnitOfWork


@dataclass(frozen=True)
class Outgoing:
    """One notice, rendered for every channel; the sender picks what it needs."""

    notice_id: uuid.UUID
    subject: str
    text: str
    short_text: str
    pdf: bytes | None
    """The letter as a PDF; None when it is rendered on demand (the HTML e-mail letter)."""
    pdf_name: str
    zns_data: dict[str, str] = field(default_factory=dict)
    attachments: tuple[tuple[str, bytes], ...] = ()
    """Further PDFs (a commendation notice carries the certificate)."""
    html: str | None = None
    """The letter as the e-mail's HTML body (beside the plain text), when so configured."""


class DeliveryError(Exception):
    """The provider refused or could not be reached; `answer` is what it said."""

    def __init__(self, answer: str, *, provider_status: str | None = None) -> None:
        super().__init__(answer)
        self.answer = answer[:1000]
        self.provider_status = provider_status[:40] if provider_status else None


class Sender(Protocol):
    async def send(self, to: str, message: Outgoing) -> str:
        """Hand `message` to the provider for `to`; the provider's message id."""
        ...


class SmtpConnections:
    """SMTP connections kept open and reused (aiosmtplib), each carrying one message at a time.

    A reused connection the server has closed meanwhile (idle timeout, restart) is replaced and
    the message sent again once; after an error answer (which aiosmtplib follows with RSET) the
    connection stays usable. A connection is closed after `max_messages` or `idle_s` unused.
    """

    def __init__(self, settings: NotificationsSettings) -> None:
        self._s = settings
        self._slots = asyncio.Semaphore(settings.smtp_connections)
        self._idle: list[tuple[aiosmtplib.SMTP, int, float]] = []

    async def _open(self) -> aiosmtplib.SMTP:
        s = self._s
        client = aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password,
            use_tls=s.smtp_tls,
            start_tls=s.smtp_starttls,
            timeout=s.smtp_timeout_s,
        )
        await client.connect()
        return client

    def _take(self) -> tuple[aiosmtplib.SMTP, int] | None:
        while self._idle:
            client, sent, since = self._idle.pop()
            if client.is_connected and time.monotonic() - since < self._s.smtp_connection_idle_s:
                return client, sent
            client.close()
        return None

    async def send(self, mail: LetterMail) -> None:
        async with self._slots:
            kept = self._take()
            client, sent = kept if kept is not None else (await self._open(), 0)
            try:
                try:
                    await _send_over(client, mail)
                except (aiosmtplib.SMTPServerDisconnected, ConnectionError):
                    client.close()
                    if kept is None:
                        raise
                    client, sent = await self._open(), 0
                    await _send_over(client, mail)
            except (aiosmtplib.SMTPResponseException, aiosmtplib.SMTPRecipientsRefused):
                self._keep(client, sent)  # the envelope was reset: the connection is usable
                raise
            except BaseException:
                client.close()
                raise
            self._keep(client, sent + 1)

    def _keep(self, client: aiosmtplib.SMTP, sent: int) -> None:
        if client.is_connected and sent < self._s.smtp_connection_max_messages:
            self._idle.append((client, sent, time.monotonic()))
        else:
            client.close()

    async def aclose(self) -> None:
        idle, self._idle = self._idle, []
        for client, _, _ in idle:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError, TimeoutError):
                await client.quit()
            client.close()


async def _send_over(client: aiosmtplib.SMTP, mail: LetterMail) -> None:
    await client.sendmail(mail.sender, [mail.recipient], mail.data)


class EmailSender:
    """SMTP (aiosmtplib): a plain-text letter with the PDF letter attached, or the letter as
    the HTML body beside its plain text."""

    def __init__(self, settings: NotificationsSettings) -> None:
        self._s = settings
        self._connections = SmtpConnections(settings) if settings.smtp_connections else None

    def build(self, to: str, message: Outgoing) -> LetterMail:
        attachments = message.attachments
        if message.pdf is not None:
            attachments = ((message.pdf_name, message.pdf), *attachments)
        return letter_mail(
            mail_from=self._s.mail_from,
            to=to,
            subject=message.subject,
            text=message.text,
            html=message.html,
            attachments=attachments,
            reply_to=self._s.mail_reply_to,
            notice_hex=message.notice_id.hex,
        )

    async def _deliver(self, mail: LetterMail) -> None:
        if self._connections is not None:
            await self._connections.send(mail)
            return
        s = self._s
        client = aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password,
            use_tls=s.smtp_tls,
            start_tls=s.smtp_starttls,
            timeout=s.smtp_timeout_s,
        )
        async with client:
            await _send_over(client, mail)

    async def send(self, to: str, message: Outgoing) -> str:
        mail = self.build(to, message)
        try:
            await self._deliver(mail)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            first = exc.recipients[0] if exc.recipients else None
            code = first.code if first else 550
            text = first.message if first else "recipient refused"
            raise DeliveryError(f"{code} {text}", provider_status=f"SMTP {code}") from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise DeliveryError(
                f"{exc.code} {exc.message}", provider_status=f"SMTP {exc.code}"
            ) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise DeliveryError(
                f"SMTP {type(exc).__name__}: {exc}", provider_status="SMTP unreachable"
            ) from exc
        return mail.message_id

    async def aclose(self) -> None:
        if self._connections is not None:
            await self._connections.aclose()


async def _post_json(
    client: httpx.AsyncClient, url: str, body: dict[str, Any], headers: dict[str, str], name: str
) -> dict[str, Any]:
    try:
        response = await client.post(url, json=body, headers=headers)
    except httpx.HTTPError as exc:
        raise DeliveryError(
            f"{name} unreachable: {type(exc).__name__}", provider_status=f"{name} unreachable"
        ) from exc
    if response.status_code >= 400:
        raise DeliveryError(
            f"{name} HTTP {response.status_code}: {response.text[:500]}",
            provider_status=f"{name} HTTP {response.status_code}",
        )
    try:
        answer = response.json()
    except ValueError as exc:
        raise DeliveryError(f"{name}: unreadable answer {response.text[:300]}") from exc
    if not isinstance(answer, dict):
        raise DeliveryError(f"{name}: unexpected answer {response.text[:300]}")
    return answer


class EsmsSender:
    """eSMS.vn `SendMultipleMessage_V4_post_json`: CodeResult "100" means accepted."""

    def __init__(self, settings: NotificationsSettings, client: httpx.AsyncClient) -> None:
        assert settings.sms_url is not None
        self._s = settings
        self._url = settings.sms_url
        self._client = client

    def body(self, to: str, message: Outgoing) -> dict[str, Any]:
        s = self._s
        body: dict[str, Any] = {
            "ApiKey": s.sms_api_key,
            "SecretKey": s.sms_secret_key,
            "Phone": national_phone(to),
            "Content": message.short_text,
            "SmsType": s.sms_type,
            "IsUnicode": "0",
            "Sandbox": "1" if s.sms_sandbox else "0",
            "RequestId": str(message.notice_id),
            "campaignid": "Thu cam on",
        }
        if s.sms_brandname:
            body["Brandname"] = s.sms_brandname
        return body

    async def send(self, to: str, message: Outgoing) -> str:
        answer = await _post_json(self._client, self._url, self.body(to, message), {}, "eSMS")
        code = str(answer.get("CodeResult", ""))
        if code != "100":
            error = str(answer.get("ErrorMessage") or "refused")
            raise DeliveryError(f"eSMS CodeResult {code}: {error}", provider_status=f"eSMS {code}")
        return str(answer.get("SMSID") or "")


TOKEN_REFUSED = frozenset({-124, -216})
"""Zalo's errors for an access token it does not accept (expired or revoked): the token is
renewed and the message sent once more."""


class ZaloZnsSender:
    """Zalo Notification Service: `POST /message/template` with the OA's access token
    (`ZaloTokens`); `error` 0 means accepted."""

    def __init__(
        self, settings: NotificationsSettings, client: httpx.AsyncClient, tokens: ZaloTokens
    ) -> None:
        assert settings.zalo_template_id is not None
        self._url = settings.zalo_url
        self._tokens = tokens
        self._template = settings.zalo_template_id
        self._client = client

    def body(self, to: str, message: Outgoing) -> dict[str, Any]:
        return {
            "phone": international_phone(to),
            "template_id": self._template,
            "template_data": message.zns_data,
            "tracking_id": str(message.notice_id),
        }

    async def send(self, to: str, message: Outgoing) -> str:
        body = self.body(to, message)
        try:
            token = await self._tokens.access_token()
            answer = await self._post(body, token)
            if answer.get("error") in TOKEN_REFUSED and self._tokens.renewable:
                answer = await self._post(body, await self._tokens.renew(token))
        except ZaloTokenError as exc:
            raise DeliveryError(str(exc), provider_status="Zalo token") from exc
        error = answer.get("error")
        if error != 0:
            text = str(answer.get("message") or "refused")
            raise DeliveryError(f"Zalo error {error}: {text}", provider_status=f"Zalo {error}")
        data = answer.get("data")
        return str(data.get("msg_id", "")) if isinstance(data, dict) else ""

    async def _post(self, body: dict[str, Any], token: str) -> dict[str, Any]:
        return await _post_json(self._client, self._url, body, {"access_token": token}, "Zalo")


class PostalSender:
    """Paper: the PDF letter is kept with the delivery for staff to print and post."""

    async def send(self, to: str, message: Outgoing) -> str:
        return f"print:{message.notice_id}"


class ChannelSenders:
    """The senders configured for this deployment."""

    def __init__(self, senders: Mapping[Channel, Sender]) -> None:
        self._senders = dict(senders)

    @property
    def available(self) -> frozenset[Channel]:
        return frozenset(self._senders)

    async def send(self, channel: Channel, to: str, message: Outgoing) -> str:
        return await self._senders[channel].send(to, message)

    async def aclose(self) -> None:
        """Close what the senders keep open (SMTP connections)."""
        for sender in self._senders.values():
            if isinstance(sender, EmailSender):
                await sender.aclose()

    @classmethod
    def from_settings(
        cls,
        settings: NotificationsSettings,
        client: httpx.AsyncClient,
        new_uow: Callable[[], UnitOfWork],
    ) -> ChannelSenders:
        """The senders `settings` configure; `new_uow` keeps Zalo's renewed tokens."""
        senders: dict[Channel, Sender] = {
            Channel.EMAIL: EmailSender(settings),
            Channel.POST: PostalSender(),
        }
        if settings.sms_enabled:
            senders[Channel.SMS] = EsmsSender(settings, client)
        if settings.zalo_enabled:
            tokens = ZaloTokens(settings, client, new_uow)
            senders[Channel.ZALO] = ZaloZnsSender(settings, client, tokens)
        return cls(senders)
