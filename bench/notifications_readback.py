"""What the notifications benchmark reads back after a run: the service's own tables (notices,
inbox) and the e-mails the sink kept, checked for what a letter must and must not say."""

from __future__ import annotations

import asyncio
import io
import time
import uuid

import asyncpg  # type: ignore[import-untyped]
from pypdf import PdfReader

from baotro_shared.amount_words import amount_in_figures, amount_in_words
from baotro_shared.mail_sink import ReceivedMail
from bench.donor_api import BANK_ACCOUNT
from bench.notifications_rig import Gift, TimedMailSink, notice_hex
from bench.stats import Summary


async def count_pending(conn: asyncpg.Connection) -> int:
    count: int = await conn.fetchval("SELECT count(*) FROM deliveries WHERE status = 'pending'")
    return count


async def count_notices(conn: asyncpg.Connection) -> int:
    """Thank-you notices recorded: the gifts the service's consumer has taken in."""
    count: int = await conn.fetchval("SELECT count(*) FROM deliveries WHERE kind = 'thank_you'")
    return count


async def wait_emails(sink: TimedMailSink, expected: int, timeout_s: float) -> bool:
    """Until `expected` e-mails arrived; False after `timeout_s` or 180 s without progress."""
    deadline = time.monotonic() + timeout_s
    last, last_change = -1, time.monotonic()
    while True:
        count = len(sink.timed.snapshot())
        if count >= expected:
            return True
        now = time.monotonic()
        if count != last:
            last, last_change = count, now
        if now > deadline or now - last_change > 180:
            return False
        await asyncio.sleep(0.2)


def _check_mail(mail: ReceivedMail, gift: Gift, *, read_pdf: bool) -> list[str]:
    """What is wrong with one e-mail (empty: it says the right things, and no account)."""
    problems: list[str] = []
    raw = mail.message.as_bytes()
    texts = [mail.text]
    html = mail.message.get_body(preferencelist=("html",))
    if html is not None:
        texts.append(str(html.get_content()))
    if read_pdf:
        for _name, content in mail.attachments:
            texts.append(
                "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages)
            )
    for needed in (
        gift.receipt_number,
        amount_in_figures(gift.amount),
        amount_in_words(gift.amount),
    ):
        if not all(needed in " ".join(t.split()) for t in texts):
            problems.append(f"missing “{needed}”")
    if BANK_ACCOUNT.encode() in raw or any(BANK_ACCOUNT in t for t in texts):
        problems.append("shows the bank account")
    return problems


def check_mails(
    sink: TimedMailSink, by_notice: dict[str, uuid.UUID], gifts: dict[uuid.UUID, Gift]
) -> list[str]:
    kept = sink.messages
    problems: list[str] = []
    checked = 0
    for index, mail in enumerate(kept):
        donation = by_notice.get(notice_hex(mail.message.as_bytes()) or "")
        gift = gifts.get(donation) if donation else None
        if gift is None:
            continue
        checked += 1
        problems += _check_mail(mail, gift, read_pdf=index < 3)
    return [f"{checked} e-mails read back", *sorted(set(problems))]


async def consumed_at(conn: asyncpg.Connection) -> dict[str, float]:
    """event id → when the service's consumer started applying it (inbox.processed_at)."""
    rows = await conn.fetch(
        "SELECT event_id, processed_at FROM inbox WHERE event_type = 'donation.received'"
    )
    return {r[0]: r[1].timestamp() for r in rows}


def stages(
    done: list[uuid.UUID],
    committed: dict[uuid.UUID, float],
    published: dict[uuid.UUID, tuple[str, float]],
    consumed: dict[str, float],
    accepted: dict[uuid.UUID, float],
) -> dict[str, Summary]:
    series: dict[str, list[float]] = {"relay": [], "consumer": [], "dispatch": []}
    for d in done:
        event_id, at = published.get(d, ("", 0.0))
        if not at or event_id not in consumed:
            continue
        series["relay"].append((at - committed[d]) * 1000)
        series["consumer"].append((consumed[event_id] - at) * 1000)
        series["dispatch"].append((accepted[d] - consumed[event_id]) * 1000)
    return {k: Summary.of(v) for k, v in series.items() if v}


async def notice_donations(conn: asyncpg.Connection) -> dict[str, uuid.UUID]:
    rows = await conn.fetch(
        "SELECT id::text, donation_id::text FROM deliveries "
        "WHERE kind = 'thank_you' AND donation_id IS NOT NULL"
    )
    return {uuid.UUID(r[0]).hex: uuid.UUID(r[1]) for r in rows}
