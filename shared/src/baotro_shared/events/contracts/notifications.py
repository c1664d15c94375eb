"""Events published by the notifications service (thank-yous and commendations).

No personal data travels: donors are ids; names, e-mail addresses, phone numbers and postal
addresses stay in the donations service. A failure carries the provider's status code, never
its free text (which may echo the recipient).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from baotro_shared.events.base import EventData
from baotro_shared.events.catalogue import CATALOGUE

NoticeKind = Literal["thank_you", "unit_summary", "correction", "commendation"]
NoticeChannel = Literal["email", "sms", "zalo", "post"]


@CATALOGUE.register
class NoticeSent(EventData):
    """A notice (thank-you, unit summary, correction, commendation) reached its channel."""

    event_type = "notice.sent"
    version = 1
    producer = "notifications"
    key_field = "notice_id"
    summary = "A thank-you, summary, correction or commendation notice was handed to its channel."

    notice_id: uuid.UUID
    kind: NoticeKind
    channel: NoticeChannel
    donor_id: uuid.UUID
    donation_id: uuid.UUID | None = None
    receipt_number: str | None = None
    pledge_id: uuid.UUID | None = None
    commendation_id: uuid.UUID | None = None
    amount: int | None = Field(None, ge=0, description="đồng the notice told the donor")
    gifts: int | None = Field(None, ge=0, description="gifts a unit summary covers")
    attempts: int = Field(ge=1)
    sent_at: datetime


@CATALOGUE.register
class NoticeFailed(EventData):
    """A notice could not be delivered after its attempts; staff may retry it."""

    event_type = "notice.failed"
    version = 1
    producer = "notifications"
    key_field = "notice_id"
    summary = "A notice failed after its retries (provider refused or unreachable)."

    notice_id: uuid.UUID
    kind: NoticeKind
    channel: NoticeChannel | None = None
    donor_id: uuid.UUID
    donation_id: uuid.UUID | None = None
    pledge_id: uuid.UUID | None = None
    commendation_id: uuid.UUID | None = None
    attempts: int = Field(ge=1)
    provider_status: str | None = Field(
        None, description="the provider's code, e.g. SMTP 550, eSMS CodeResult 104, Zalo -124"
    )
    failed_at: datetime


@CATALOGUE.register
class CommendationProposed(EventData):
    """A donor met a commendation rule; a person must approve or reject the proposal."""

    event_type = "commendation.proposed"
    version = 1
    producer = "notifications"
    key_field = "commendation_id"
    summary = "A donor met a yearly commendation rule and is proposed for an award."

    commendation_id: uuid.UUID
    rule_id: uuid.UUID
    donor_id: uuid.UUID
    donor_kind: str | None = None
    award: str
    period_start: date
    period_end: date
    total_given: int = Field(ge=0, description="đồng given in the period, reversals deducted")
    donation_count: int = Field(ge=0)
    donation_ids: tuple[uuid.UUID, ...] = Field(
        (), description="the gifts counted (at most 200; donation_count has the full count)"
    )
    sponsorships_held: int = Field(0, ge=0)
    campaigns_mobilised: int = Field(0, ge=0)
    proposed_at: datetime


@CATALOGUE.register
class CommendationIssued(EventData):
    """A proposal was approved: the certificate exists and the donor is being notified."""

    event_type = "commendation.issued"
    version = 1
    producer = "notifications"
    key_field = "commendation_id"
    summary = "A commendation was approved and its certificate issued."

    commendation_id: uuid.UUID
    rule_id: uuid.UUID
    donor_id: uuid.UUID
    award: str
    certificate_number: str
    period_start: date
    period_end: date
    total_given: int = Field(ge=0)
    issued_at: datetime
