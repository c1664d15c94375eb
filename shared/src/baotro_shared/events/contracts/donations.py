"""Events published by the donations service (first version; Donations I adds fields additively).

Donors' contact details never travel: an id and, only when the donor allows it, a display
name. Account numbers never travel either.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from baotro_shared.events.base import EventData
from baotro_shared.events.catalogue import CATALOGUE

TargetKind = Literal["general", "campaign", "pledge", "appeal", "sponsorship", "case"]
Channel = Literal["bank", "cash", "in_kind", "webhook"]


@CATALOGUE.register
class DonationReceived(EventData):
    """A gift was recorded in the ledger (reconciled bank credit, cash or in-kind)."""

    event_type = "donation.received"
    version = 1
    producer = "donations"
    key_field = "donation_id"
    summary = "A donation was recorded and posted to a fund's ledger."

    donation_id: uuid.UUID
    fund_code: str
    amount: int = Field(gt=0, description="đồng credited")
    received_on: date
    recorded_at: datetime
    channel: Channel
    target_kind: TargetKind = "general"
    target_id: str | None = Field(None, description="appeal/campaign/pledge/sponsorship id")
    restricted: bool = False
    donor_id: uuid.UUID | None = None
    donor_display_name: str | None = Field(
        None, description="Only when the donor allows being named; otherwise absent"
    )
    receipt_number: str | None = None


@CATALOGUE.register
class DonationReversed(EventData):
    """A recorded donation was reversed (refund or correction), linked to the original."""

    event_type = "donation.reversed"
    version = 1
    producer = "donations"
    key_field = "donation_id"
    summary = "A donation was reversed by a new ledger entry linked to the original."

    donation_id: uuid.UUID
    reversal_id: uuid.UUID
    amount: int = Field(gt=0, description="đồng reversed")
    target_kind: TargetKind = "general"
    target_id: str | None = None
    reason: str
    reversed_at: datetime
