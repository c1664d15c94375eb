"""The dispatcher: a background task of the service that sends pending notices.

Each round closes the unit summaries whose quiet period has passed (at most once a second),
then in one transaction leases a batch of due notices and reads what each letter says (own
records), and asks the donations service for the donors' names, preferences and contact
details in one request. Then, several at a time, for each notice: chooses the channel, renders
and sends. The outcomes
of the round (and `notice.sent` / `notice.failed` through the outbox) are recorded in one
transaction; should that fail, each outcome is recorded in its own, so a letter that went out
is never left looking unsent. Contact details live only in memory during the send.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog

from baotro_notifications.adapters.channels import ChannelSenders, DeliveryError
from baotro_notifications.adapters.delivery_repository import new_delivery
from baotro_notifications.adapters.donor_directory import DonorDirectory, DonorLookupError
from baotro_notifications.adapters.letter_renderer import LetterRenderer
from baotro_notifications.adapters.orm_deliveries import DeliveryRecord
from baotro_notifications.domain.donors import (
    Channel,
    DonorProfile,
    addressee,
    choose_channel,
    international_phone,
    mask_address,
    national_phone,
)
from baotro_notifications.domain.notices import (
    SKIP_REASONS_VI,
    Backoff,
    DeliveryStatus,
    NoticeKind,
    SkipReason,
    gives_up,
)
from baotro_notifications.service_layer.corrections import correct_if_told_wrong
from baotro_notifications.service_layer.event_handlers import summary_key
from baotro_notifications.service_layer.letter_facts import LetterFacts, facts_of
from baotro_notifications.service_layer.notice_events import failed_event, sent_event
from baotro_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from baotro_shared.events.base import EventData
from baotro_shared.timeutil import VIETNAM

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class DispatchPolicy:
    """How the dispatcher works, from the settings (`runtime.dispatch_policy`), which hold
    the defaults."""

    max_attempts: int
    delivery_backoff: Backoff
    lookup_backoff: Backoff
    batch_size: int
    concurrency: int
    lease_s: float
    quiet_period_s: float
    interval_s: float
    email_letter: str
    """"pdf": e-mails carry the letter as a PDF; "html": as their HTML body, the PDF is
    rendered on demand (printed letters are always rendered at send time)."""

    def renders_pdf_now(self, channel: Channel) -> bool:
        return self.email_letter == "pdf" or channel is Channel.POST


@dataclass(frozen=True)
class _Sent:
    channel: Channel
    address_masked: str
    provider_message_id: str
    amount: int
    pdf: bytes | None


@dataclass(frozen=True)
class _Refused:
    target: tuple[Channel, str] | None
    error: DeliveryError
    pdf: bytes | None


@dataclass(frozen=True)
class _Waiting:
    reason: str


_Outcome = _Sent | _Refused | _Waiting | SkipReason
"""What happened to one notice in a round."""


@dataclass(frozen=True)
class _Due:
    """A leased notice and what its letter says (or why nothing should be sent)."""

    id: uuid.UUID
    donor_id: uuid.UUID | None
    facts: LetterFacts | SkipReason


def _now() -> datetime:
    return datetime.now(UTC)


def scrub(answer: str, address: str, masked: str) -> str:
    """A provider's answer without the recipient's address (servers often echo it)."""
    for form in {address, national_phone(address), international_phone(address)}:
        if len(form) >= 6:
            answer = answer.replace(form, masked)
    return answer


SUMMARY_CHECK_INTERVAL_S = 1.0
"""Quiet periods last days: looking for quiet unit summaries once a second is plenty."""


class Dispatcher:
    def __init__(
        self,
        *,
        uow_factory: Callable[[], NotificationsUnitOfWork],
        directory: DonorDirectory,
        senders: ChannelSenders,
        renderer: LetterRenderer,
        policy: DispatchPolicy,
    ) -> None:
        self._uow = uow_factory
        self._directory = directory
        self._senders = senders
        self._renderer = renderer
        self._policy = policy
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        self._summaries_checked = -SUMMARY_CHECK_INTERVAL_S

    def wake(self) -> None:
        """Look for due notices now (a person asked for a retry)."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        """Dispatch until `stop()`; a full batch is followed at once by the next one."""
        while not self._stopping.is_set():
            handled = 0
            try:
                handled = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("notifications.dispatch.round_failed")
            if handled < self._policy.batch_size:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._policy.interval_s)

    async def run_once(self) -> int:
        """One round: close quiet summaries, send a batch; the number of notices handled."""
        if time.monotonic() - self._summaries_checked >= SUMMARY_CHECK_INTERVAL_S:
            await self.close_quiet_summaries()
            self._summaries_checked = time.monotonic()
        due = await self._claim()
        if not due:
            return 0
        donors = await self._donors_of(due)
        gate = asyncio.Semaphore(self._policy.concurrency)

        async def one(notice: _Due) -> _Outcome:
            async with gate:
                return await self._attempt_safely(notice, donors)

        outcomes = await asyncio.gather(*(one(notice) for notice in due))
        await self._record(
            [(notice.id, outcome) for notice, outcome in zip(due, outcomes, strict=True)]
        )
        return len(due)

    async def close_quiet_summaries(self) -> int:
        now = _now()
        cutoff = now - timedelta(seconds=self._policy.quiet_period_s)
        async with self._uow() as uow:
            closed = await uow.read_models.close_quiet_summaries(cutoff, now, limit=100)
            for group in closed:
                await uow.deliveries.add_unless_exists(
                    new_delivery(
                        kind=NoticeKind.UNIT_SUMMARY,
                        dedupe_key=summary_key(group.id),
                        now=now,
                        donor_id=group.unit_id,
                        pledge_id=group.pledge_id,
                        summary_group_id=group.id,
                    )
                )
            await uow.commit()
        if closed:
            log.info("notifications.unit_summary.closed", groups=len(closed))
        return len(closed)

    async def _claim(self) -> list[_Due]:
        """Lease a batch of due notices and read what each letter says (one transaction)."""
        now = _now()
        today = now.astimezone(VIETNAM).date()
        async with self._uow() as uow:
            notices = await uow.deliveries.claim_due(
                now,
                limit=self._policy.batch_size,
                lease_until=now + timedelta(seconds=self._policy.lease_s),
            )
            await uow.read_models.load_gifts([n.donation_id for n in notices if n.donation_id])
            due = [
                _Due(notice.id, notice.donor_id, await facts_of(uow, notice, today))
                for notice in notices
            ]
            await uow.commit()
        return due

    async def _donors_of(self, due: list[_Due]) -> dict[uuid.UUID, DonorProfile] | str:
        """The donors of a round's letters, asked of donations in one request; why not, when
        donations cannot answer now (the round's notices then wait and retry)."""
        ids = [
            n.donor_id
            for n in due
            if n.donor_id is not None and not isinstance(n.facts, SkipReason)
        ]
        if not ids:
            return {}
        try:
            return await self._directory.get_many(ids)
        except DonorLookupError as exc:
            return str(exc)

    async def _attempt_safely(
        self, notice: _Due, donors: dict[uuid.UUID, DonorProfile] | str
    ) -> _Outcome:
        try:
            return await self._attempt(notice, donors)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("notifications.delivery.crashed", notice_id=str(notice.id))
            return _Refused(None, DeliveryError(f"lỗi nội bộ: {type(exc).__name__}"), None)

    async def _attempt(self, notice: _Due, donors: dict[uuid.UUID, DonorProfile] | str) -> _Outcome:
        """Choose the channel for the donor, render and send one notice."""
        facts = notice.facts
        if isinstance(facts, SkipReason):
            return facts
        if notice.donor_id is None:
            return SkipReason.NO_DONOR
        if isinstance(donors, str):
            return _Waiting(donors)
        donor = donors.get(notice.donor_id)
        if donor is None:
            return SkipReason.DONOR_UNKNOWN
        if donor.opted_out:
            return SkipReason.OPTED_OUT
        channel = choose_channel(donor, self._senders.available)
        if channel is None:
            return SkipReason.NO_CHANNEL
        to = {
            Channel.EMAIL: donor.email,
            Channel.SMS: donor.phone,
            Channel.ZALO: donor.phone,
            Channel.POST: donor.address,
        }[channel]
        assert to is not None
        return await self._send(notice.id, facts, addressee(donor), channel, to)

    async def _send(
        self, delivery_id: uuid.UUID, facts: LetterFacts, name: str, channel: Channel, to: str
    ) -> _Outcome:
        letter = facts.addressed_to(name)
        outgoing = await self._renderer.outgoing(
            delivery_id,
            letter,
            attachments=facts.attachments,
            pdf=self._policy.renders_pdf_now(channel),
            html=channel is Channel.EMAIL and self._policy.email_letter == "html",
        )
        masked = mask_address(channel, to)
        try:
            message_id = await self._senders.send(channel, to, outgoing)
        except DeliveryError as exc:
            exc.answer = scrub(exc.answer, to, masked)
            log.warning(
                "notifications.delivery.refused",
                notice_id=str(delivery_id),
                channel=channel.value,
                provider_status=exc.provider_status,
            )
            return _Refused((channel, masked), exc, outgoing.pdf)
        return _Sent(channel, masked, message_id, letter.amount, outgoing.pdf)

    async def _record(self, outcomes: list[tuple[uuid.UUID, _Outcome]]) -> None:
        """Record a round's outcomes in one transaction; one by one if that fails."""
        try:
            async with self._uow() as uow:
                notices = await uow.deliveries.get_many([i for i, _ in outcomes], lock=True)
                await uow.read_models.load_gifts(
                    [n.donation_id for n in notices.values() if n.donation_id]
                )
                events: list[EventData] = []
                for delivery_id, outcome in outcomes:
                    notice = notices.get(delivery_id)
                    if notice is not None:
                        events += await self._record_one(uow, notice, outcome)
                if events:
                    await uow.publish_many(events)
                await uow.commit()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("notifications.dispatch.record_batch_failed", notices=len(outcomes))
        for delivery_id, outcome in outcomes:
            try:
                async with self._uow() as uow:
                    notice = await uow.deliveries.get(delivery_id, lock=True)
                    if notice is not None:
                        for event in await self._record_one(uow, notice, outcome):
                            await uow.publish(event)
                    await uow.commit()
            except asyncio.CancelledError:
                raise
            except Exception:
                # the lease keeps it from being sent again before a person can look
                log.exception("notifications.dispatch.record_failed", notice_id=str(delivery_id))

    async def _record_one(
        self, uow: NotificationsUnitOfWork, notice: DeliveryRecord, outcome: _Outcome
    ) -> list[EventData]:
        """Record one outcome on its notice; the events to publish with it."""
        if notice.status != DeliveryStatus.PENDING.value:
            return []
        now = _now()
        if isinstance(outcome, _Sent):
            return [await self._record_sent(uow, notice, outcome, now)]
        if isinstance(outcome, _Refused):
            failed = self._attempt_failed(notice, outcome, now)
            return [failed] if failed is not None else []
        if isinstance(outcome, _Waiting):
            self._wait_for_donations(notice, outcome.reason, now)
        else:
            self._skip(notice, outcome, now)
        return []

    async def _record_sent(
        self, uow: NotificationsUnitOfWork, notice: DeliveryRecord, sent: _Sent, now: datetime
    ) -> EventData:
        notice.status = DeliveryStatus.SENT.value
        notice.channel = sent.channel.value
        notice.address_masked = sent.address_masked
        notice.provider_message_id = sent.provider_message_id[:120]
        notice.attempts += 1
        notice.told_amount = sent.amount
        notice.letter_pdf = sent.pdf
        notice.sent_at = now
        notice.updated_at = now
        notice.last_error = None
        notice.provider_status = None
        gifts = None
        if notice.summary_group_id is not None:
            gifts = (await uow.read_models.group_totals(notice.summary_group_id)).gifts
        notice.gifts = gifts
        # a reversal that arrived while the letter was on its way
        await correct_if_told_wrong(uow, notice, now=now, just_sent=True)
        log.info(
            "notifications.delivery.sent",
            notice_id=str(notice.id),
            kind=notice.kind,
            channel=sent.channel.value,
        )
        return sent_event(notice, now)

    def _attempt_failed(
        self, notice: DeliveryRecord, refused: _Refused, now: datetime
    ) -> EventData | None:
        """Count a failed attempt; `notice.failed` when it was the last one allowed."""
        error = refused.error
        notice.attempts += 1
        notice.last_error = error.answer
        notice.provider_status = error.provider_status
        notice.updated_at = now
        if refused.target is not None:
            notice.channel = refused.target[0].value
            notice.address_masked = refused.target[1]
        if refused.pdf is not None:
            notice.letter_pdf = refused.pdf
        if gives_up(notice.attempts, self._policy.max_attempts):
            notice.status = DeliveryStatus.FAILED.value
            log.warning(
                "notifications.delivery.failed",
                notice_id=str(notice.id),
                attempts=notice.attempts,
                provider_status=error.provider_status,
            )
            return failed_event(notice, now)
        delay = self._policy.delivery_backoff.delay(notice.attempts)
        notice.next_attempt_at = now + timedelta(seconds=delay)
        return None

    def _wait_for_donations(self, notice: DeliveryRecord, reason: str, now: datetime) -> None:
        notice.lookup_failures += 1
        delay = self._policy.lookup_backoff.delay(notice.lookup_failures)
        notice.next_attempt_at = now + timedelta(seconds=delay)
        notice.last_error = (
            f"Chưa lấy được thông tin liên hệ từ dịch vụ tiếp nhận tài trợ; sẽ thử lại ({reason})."
        )
        notice.updated_at = now
        log.info(
            "notifications.donor_lookup.waiting",
            notice_id=str(notice.id),
            retry_in_s=delay,
            reason=reason,
        )

    def _skip(self, notice: DeliveryRecord, reason: SkipReason, now: datetime) -> None:
        notice.status = DeliveryStatus.SKIPPED.value
        notice.skip_reason = reason.value
        notice.last_error = SKIP_REASONS_VI[reason]
        notice.updated_at = now
        log.info("notifications.delivery.skipped", notice_id=str(notice.id), reason=reason.value)
