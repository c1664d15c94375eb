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
DonorKind = Literal["person", "household", "enterprise", "agency", "unit"]
"""`unit`: an organisational unit (department, commune, school, company branch) that pledges."""


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
    donor_kind: DonorKind | None = None
    campaign_id: uuid.UUID | None = Field(
        None, description="The campaign the gift counts towards (directly or via a pledge)"
    )
    pledge_id: uuid.UUID | None = Field(None, description="The unit's pledge it counts towards")
    public_memo: str | None = Field(
        None,
        description="The transfer text as the public may read it: account, phone and ID "
        "numbers masked; None when staff hid it",
    )
    original_currency: str | None = Field(None, description="ISO 4217, gifts from abroad")
    original_amount: str | None = Field(None, description="decimal string in that currency")


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


CampaignKind = Literal["one_day_salary", "action_month", "tet", "appeal_drive", "general"]


@CATALOGUE.register
class CampaignOpened(EventData):
    """A fund opened a campaign (e.g. "Tháng hành động vì trẻ em 2026")."""

    event_type = "campaign.opened"
    version = 1
    producer = "donations"
    key_field = "campaign_id"
    summary = "A fundraising campaign was opened, with its dates, target and restriction."

    campaign_id: uuid.UUID
    fund_code: str
    name: str
    kind: CampaignKind
    starts_on: date
    ends_on: date
    target_amount: int | None = Field(None, gt=0, description="đồng")
    restricted: bool = Field(False, description="Gifts to it are earmarked for the campaign")
    opened_at: datetime


@CATALOGUE.register
class PledgeCreated(EventData):
    """An organisational unit pledged to a campaign (default target for the one-day-salary
    campaign: headcount × average daily wage)."""

    event_type = "pledge.created"
    version = 1
    producer = "donations"
    key_field = "pledge_id"
    summary = "An organisational unit pledged an amount to a campaign."

    pledge_id: uuid.UUID
    campaign_id: uuid.UUID
    fund_code: str
    unit_id: uuid.UUID = Field(description="the unit's donor id")
    unit_name: str = Field(description="public name of the unit (an organisation, not a person)")
    headcount: int | None = Field(None, ge=0)
    target_amount: int = Field(gt=0, description="đồng")
    created_at: datetime


DisbursementPurpose = Literal[
    "scholarship",
    "school_supplies",
    "medical",
    "nutrition",
    "housing",
    "living_costs",
    "assistive_device",
    "vocational_training",
    "emergency_relief",
    "gifts",
    "fund_operations",
    "other",
]
RestrictionKindName = Literal["appeal", "case", "campaign", "sponsorship"]


@CATALOGUE.register
class DisbursementMade(EventData):
    """Approved support was paid out and posted. No child personal data: a case id, commune
    and group codes only."""

    event_type = "disbursement.made"
    version = 1
    producer = "donations"
    key_field = "disbursement_id"
    summary = "A disbursement (support to a case or a group of children) was approved and posted."

    disbursement_id: uuid.UUID
    fund_code: str
    amount: int = Field(gt=0, description="đồng")
    paid_on: date
    purpose: DisbursementPurpose
    restriction_kind: RestrictionKindName | None = None
    restriction_id: str | None = None
    case_id: uuid.UUID | None = None
    plan_id: uuid.UUID | None = Field(None, description="registry support plan it carries out")
    commune_code: str | None = None
    groups: tuple[str, ...] = Field((), description="legal group codes of the children")
    beneficiaries: int | None = Field(None, ge=0, description="children reached (group support)")
    public_description: str | None = Field(
        None, description="what was paid for, as the public statement shows it (no names)"
    )
    made_at: datetime
