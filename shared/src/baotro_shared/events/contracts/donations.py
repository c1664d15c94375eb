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
    anonymous: bool = Field(False, description="The donor asked not to be named publicly")


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
    fund_code: str | None = None
    reversed_on: date | None = Field(None, description="Date of the reversing ledger entry")
    remaining_amount: int | None = Field(None, ge=0, description="đồng still not reversed")


PaymentCodeTargetKind = Literal["donor", "pledge", "campaign", "appeal", "sponsorship"]


@CATALOGUE.register
class PaymentCodeIssued(EventData):
    """A payment code was issued for a target; transfers whose memo carries it are matched."""

    event_type = "payment_code.issued"
    version = 1
    producer = "donations"
    key_field = "code"
    summary = "A payment code (and its VietQR payload) was issued for a donation target."

    code: str = Field(description="e.g. THK7K2M9QB; the transfer memo")
    fund_code: str
    target_kind: PaymentCodeTargetKind
    target_id: str = Field(description="donor/pledge/campaign/appeal/sponsorship id")
    amount: int | None = Field(None, gt=0, description="đồng suggested, when known")
    vietqr_payload: str = Field(
        description="EMVCo VietQR payload to the fund's own public receiving account"
    )
    issued_at: datetime
