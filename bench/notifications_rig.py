"""The notifications benchmark's two ends, both in the bench process.

* `DonationsOutbox`: a donations-like database (a `donations` table and the shared messaging
  tables) where each gift is one transaction — the donation row and `donation.received` in the
  outbox, written by the shared `OutboxWriter` — published by the shared `OutboxRelay` (woken
  on commit, batch 500, as in every service). The clock starts when the commit returns.
* `TimedMailSink`: the project's aiosmtpd sink (`baotro_shared.mail_sink`) whose handler notes
  `time.time()` when a message's DATA has been received (just before it answers 250) and the
  notice id carried in the Message-ID the notifications service writes
  (`make_msgid(idstring=notice_id.hex)`). It keeps the first messages whole, to check what
  they say, and only the size of the others.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, MetaData, String, Table, Uuid, insert, select

from baotro_shared.db import UtcDateTime, create_engine, session_factory
from baotro_shared.events.catalogue import load_contracts
from baotro_shared.events.contracts.donations import DonationReceived
from baotro_shared.mail_sink import MailSink, MailSinkHandler
from baotro_shared.messaging.broker import build_producer, ensure_topics
from baotro_shared.messaging.outbox import OutboxSignal, OutboxWriter
from baotro_shared.messaging.relay import OutboxRelay
from baotro_shared.messaging.tables import messaging_tables
from baotro_shared.observability.metrics import build_metrics

AMOUNTS = (50_000, 100_000, 200_000, 250_000, 500_000, 1_000_000, 1_250_000, 2_000_000)
_MESSAGE_ID = re.compile(rb"^Message-ID:\s*<([^>]+)>", re.IGNORECASE | re.MULTILINE)
ACCEPTED = "250 2.0.0 Message accepted for delivery"


def notice_hex(raw: bytes) -> str | None:
    """The notice id in a message's `Message-ID` (`<time.pid.random.<notice hex>@domain>`)."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    found = _MESSAGE_ID.search(head)
    if found is None:
        return None
    local = found.group(1).split(b"@", 1)[0]
    return local.rsplit(b".", 1)[-1].decode("ascii", "replace")


class TimedSinkHandler(MailSinkHandler):
    """Notes when each message was accepted; keeps the first `keep` messages whole."""

    def __init__(self, keep: int) -> None:
        super().__init__(directory=None)
        self.keep = keep
        self.accepted: list[tuple[float, str | None, int]] = []
        """(accept time, notice id hex, size in bytes) per message."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        at = time.time()
        raw = envelope.original_content or envelope.content
        content = raw if isinstance(raw, bytes) else str(raw).encode()
        with self._lock:
            self.accepted.append((at, notice_hex(content), len(content)))
            whole = len(self.messages) < self.keep
        if whole:
            return await super().handle_DATA(server, session, envelope)
        return ACCEPTED

    def snapshot(self) -> list[tuple[float, str | None, int]]:
        with self._lock:
            return list(self.accepted)


class TimedMailSink(MailSink):
    def __init__(self, keep: int = 50) -> None:
        super().__init__()
        self.timed = TimedSinkHandler(keep)
        self.handler = self.timed


@dataclass(frozen=True)
class Gift:
    donation_id: uuid.UUID
    donor_id: uuid.UUID
    amount: int
    receipt_number: str


@dataclass
class DonationsOutbox:
    """Gifts committed with their `donation.received` in the outbox, relayed to the broker."""

    url: str
    bootstrap: str
    committed: dict[uuid.UUID, float] = field(default_factory=dict)
    """donation id → time.time() when its transaction's commit returned."""
    gifts: dict[uuid.UUID, Gift] = field(default_factory=dict)
    commit_ms: list[float] = field(default_factory=list)
    errors: int = 0

    def __post_init__(self) -> None:
        self._metadata = MetaData()
        self._tables = messaging_tables(self._metadata)
        self._donations = Table(
            "donations",
            self._metadata,
            Column("id", Uuid, primary_key=True),
            Column("donor_id", Uuid, nullable=False),
            Column("amount", BigInteger, nullable=False),
            Column("receipt_number", String(40), nullable=False, unique=True),
            Column("recorded_at", UtcDateTime(), nullable=False),
        )
        self._engine = create_engine(self.url)
        self._sessions = session_factory(self._engine)
        self._signal = OutboxSignal()
        self._writer = OutboxWriter(self._tables, load_contracts(), "/baotro/donations")
        self._relay: OutboxRelay | None = None
        self._relay_task: asyncio.Task[None] | None = None
        self._producer: Any = None
        self._rng = random.Random(2026)
        self._serial = 0

    async def start(self) -> None:
        async with self._engine.begin() as conn:
            await conn.run_sync(self._metadata.create_all)
        await ensure_topics(
            self.bootstrap, ["donation.received"], partitions=3, replication_factor=1
        )
        self._producer = build_producer(self.bootstrap, client_id="bench-donations")
        await self._producer.start()
        self._relay = OutboxRelay(
            sessions=self._sessions,
            tables=self._tables,
            producer=self._producer,
            signal=self._signal,
            metrics=build_metrics(),
        )
        self._relay_task = asyncio.create_task(self._relay.run(), name="bench-donations-relay")

    async def stop(self) -> None:
        if self._relay is not None:
            self._relay.stop()
        if self._relay_task is not None:
            await asyncio.wait_for(self._relay_task, 30)
        if self._producer is not None:
            await self._producer.stop()
        await self._engine.dispose()

    async def published(self) -> dict[uuid.UUID, tuple[str, float]]:
        """donation id → (event id, when the relay marked it published) for published rows."""
        outbox = self._tables.outbox
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(outbox.c.key, outbox.c.event_id, outbox.c.published_at).where(
                        outbox.c.published_at.is_not(None)
                    )
                )
            ).all()
        return {uuid.UUID(r[0]): (r[1], r[2].timestamp()) for r in rows}

    async def record(self) -> None:
        """One gift, one transaction: the donation row and its event in the outbox."""
        self._serial += 1
        now = datetime.now(UTC)
        gift = Gift(
            donation_id=uuid.uuid4(),
            donor_id=uuid.uuid4(),
            amount=self._rng.choice(AMOUNTS),
            receipt_number=f"TH-{now.year}-{self._serial:07d}",
        )
        event = DonationReceived(
            donation_id=gift.donation_id,
            fund_code="TH",
            amount=gift.amount,
            received_on=date.today(),
            recorded_at=now,
            channel="bank",
            target_kind="general",
            donor_id=gift.donor_id,
            donor_kind="person",
            receipt_number=gift.receipt_number,
            public_memo="ung ho quy bao tro tre em",
        )
        started = time.perf_counter()
        try:
            async with self._sessions() as session:
                await session.execute(
                    insert(self._donations).values(
                        id=gift.donation_id,
                        donor_id=gift.donor_id,
                        amount=gift.amount,
                        receipt_number=gift.receipt_number,
                        recorded_at=now,
                    )
                )
                await self._writer.add(session, event)
                await session.commit()
        except Exception:
            self.errors += 1
            return
        self.committed[gift.donation_id] = time.time()
        self.commit_ms.append((time.perf_counter() - started) * 1000)
        self.gifts[gift.donation_id] = gift
        self._signal.notify()

    async def run(self, rate: float, *, duration_s: float | None = None, count: int = 0) -> int:
        """Gift i starts at t0 + i/rate (at most 32 in flight), for `duration_s` or `count`."""
        slots = asyncio.Semaphore(32)
        tasks: set[asyncio.Task[None]] = set()

        async def one() -> None:
            try:
                await self.record()
            finally:
                slots.release()

        started = time.perf_counter()
        i = 0
        while (duration_s is None and i < count) or (
            duration_s is not None and time.perf_counter() - started < duration_s
        ):
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await slots.acquire()
            task = asyncio.create_task(one())
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            i += 1
        while tasks:
            await asyncio.gather(*list(tasks))
        return i
