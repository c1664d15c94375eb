"""A local SMTP server that keeps every message it receives (aiosmtpd).

`make run` starts one so that thank-you letters can be opened from `var/mail/*.eml`; tests
start one on a free port and read the messages in memory. It can also refuse the next N
messages with a temporary error, to exercise retries.

    with MailSink(directory=Path("var/mail")) as sink:
        ... send to 127.0.0.1:sink.port ...
        sink.messages[0].subject
"""

from __future__ import annotations

import argparse
import email
import email.policy
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Any, Self, cast

from aiosmtpd.controller import Controller

from baotro_shared.broker_process import free_port

TEMPORARY_REFUSAL = "451 4.3.0 Mailbox temporarily unavailable, try again later"


@dataclass(frozen=True)
class ReceivedMail:
    """One message as the sink received it."""

    mail_from: str
    recipients: tuple[str, ...]
    message: EmailMessage
    path: Path | None

    @property
    def subject(self) -> str:
        return str(self.message.get("Subject", ""))

    @property
    def text(self) -> str:
        """The plain-text body."""
        body = self.message.get_body(preferencelist=("plain",))
        return "" if body is None else str(cast(EmailMessage, body).get_content())

    @property
    def attachments(self) -> list[tuple[str, bytes]]:
        """(file name, content) of each attachment."""
        found = []
        for part in self.message.iter_attachments():
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                found.append((part.get_filename() or "", payload))
        return found


class MailSinkHandler:
    """aiosmtpd handler: keeps messages (and writes `.eml` files when given a directory)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        self.messages: list[ReceivedMail] = []
        self.refuse_next = 0
        """Answer the next N messages with `refusal` instead of accepting them."""
        self.refusal = TEMPORARY_REFUSAL
        self.refused = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self._lock:
            if self.refuse_next > 0:
                self.refuse_next -= 1
                self.refused += 1
                return self.refusal
        raw = envelope.original_content or envelope.content
        content = raw if isinstance(raw, bytes) else str(raw).encode()
        message = email.message_from_bytes(content, policy=email.policy.default)
        path = self._store(content)
        with self._lock:
            self.messages.append(
                ReceivedMail(
                    mail_from=str(envelope.mail_from),
                    recipients=tuple(str(r) for r in envelope.rcpt_tos),
                    message=message,
                    path=path,
                )
            )
        return "250 2.0.0 Message accepted for delivery"

    def _store(self, content: bytes) -> Path | None:
        if self.directory is None:
            return None
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        path = self.directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        path.write_bytes(content)
        return path


class MailSink:
    """The handler served on `host:port` by an aiosmtpd controller (its own thread)."""

    def __init__(
        self, directory: Path | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.handler = MailSinkHandler(directory)
        self.host = host
        self.port = port or free_port()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[ReceivedMail]:
        with self.handler._lock:
            return list(self.handler.messages)

    def refuse_next(self, count: int, refusal: str = TEMPORARY_REFUSAL) -> None:
        """Refuse the next `count` messages (then accept again)."""
        with self.handler._lock:
            self.handler.refuse_next = count
            self.handler.refusal = refusal

    def start(self) -> Self:
        controller = Controller(self.handler, hostname=self.host, port=self.port)
        controller.start()
        self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def main() -> None:
    """`python -m baotro_shared.mail_sink --dir var/mail --port 8025`."""
    parser = argparse.ArgumentParser(description="Local SMTP server keeping .eml files")
    parser.add_argument("--dir", type=Path, default=Path("var/mail"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    args = parser.parse_args()
    with MailSink(args.dir, host=args.host, port=args.port):
        print(f"SMTP {args.host}:{args.port} → {args.dir}/*.eml (Ctrl-C để dừng)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
