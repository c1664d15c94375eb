"""Events published by the registry service.

No personal data of children, ever: ids, commune and province codes, legal groups, age bands,
amounts, dates. Appeals carry only their anonymised public form.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from baotro_shared.events.base import EventData
from baotro_shared.events.catalogue import CATALOGUE

LegalGroupCode = str
"""One of the 14 groups of Luật Trẻ em 2016, Điều 10: a b c d đ e g h i k l m n o."""

LEGAL_GROUP_CODES: tuple[LegalGroupCode, ...] = (
    "a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m", "n", "o"
)  # fmt: skip
"""The codes in the law's order (registry's `domain.legal_groups` names them)."""

AgeBand = Literal["0-2", "3-5", "6-10", "11-15", "16-17", "18+"]


@CATALOGUE.register
class ChildRegistered(EventData):
    """A child was registered (no name, no birth date: an age band and the commune)."""

    event_type = "child.registered"
    version = 1
    producer = "registry"
    key_field = "child_id"
    summary = "A child in special circumstances (or at risk) was registered in a commune."

    child_id: uuid.UUID
    commune_code: str
    province_code: str
    groups: tuple[LegalGroupCode, ...] = ()
    at_risk: tuple[str, ...] = ()
    age_band: AgeBand
    registered_at: datetime


@CATALOGUE.register
class CaseOpened(EventData):
    """A case was opened for a child in special circumstances."""

    event_type = "case.opened"
    version = 1
    producer = "registry"
    key_field = "case_id"
    summary = "A case was opened in a commune, for one or more legal groups of children."

    case_id: uuid.UUID
    child_id: uuid.UUID | None = None
    commune_code: str = Field(description="Ward/commune code (two-tier units from 1 July 2025)")
    province_code: str
    groups: tuple[LegalGroupCode, ...] = Field(min_length=1)
    stage: str = "new"
    opened_at: datetime
    opened_by_role: str
    age_band: AgeBand | None = None


@CATALOGUE.register
class CaseStageChanged(EventData):
    event_type = "case.stage_changed"
    version = 1
    producer = "registry"
    key_field = "case_id"
    summary = "A case moved to another workflow stage (or to another commune)."

    case_id: uuid.UUID
    commune_code: str
    from_stage: str
    to_stage: str
    status: str
    changed_at: datetime


@CATALOGUE.register
class CaseClosed(EventData):
    event_type = "case.closed"
    version = 1
    producer = "registry"
    key_field = "case_id"
    summary = "A case was closed after the supervisor approved the closure."

    case_id: uuid.UUID
    commune_code: str
    groups: tuple[LegalGroupCode, ...]
    closed_at: datetime
    reason_code: str


class SupportItemData(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    kind: str
    amount: int = Field(ge=0, description="đồng")
    funding_source: str


@CATALOGUE.register
class SupportPlanned(EventData):
    event_type = "support.planned"
    version = 1
    producer = "registry"
    key_field = "case_id"
    summary = "A support plan version of a case was approved."

    case_id: uuid.UUID
    plan_id: uuid.UUID
    version_number: int
    commune_code: str
    groups: tuple[LegalGroupCode, ...]
    items: tuple[SupportItemData, ...]
    total_amount: int = Field(ge=0, description="đồng")
    approved_at: datetime


@CATALOGUE.register
class SupportDelivered(EventData):
    event_type = "support.delivered"
    version = 1
    producer = "registry"
    key_field = "case_id"
    summary = "Support was given to a child (what, when, how much)."

    delivery_id: uuid.UUID
    case_id: uuid.UUID
    commune_code: str
    groups: tuple[LegalGroupCode, ...]
    kind: str
    amount: int = Field(ge=0, description="đồng")
    delivered_on: date


@CATALOGUE.register
class ConsentWithdrawn(EventData):
    event_type = "consent.withdrawn"
    version = 1
    producer = "registry"
    key_field = "child_id"
    summary = "A guardian (or the child) withdrew a consent; dependants must stop using it."

    consent_id: uuid.UUID
    child_id: uuid.UUID
    purpose: str
    withdrawn_at: datetime


@CATALOGUE.register
class AppealPublished(EventData):
    event_type = "appeal.published"
    version = 1
    producer = "registry"
    key_field = "appeal_id"
    summary = "An anonymised appeal was approved and published (its public form only)."

    appeal_id: uuid.UUID
    alias: str
    age_band: AgeBand
    province_code: str
    province_name: str
    need_kind: str
    amount_sought: int = Field(ge=0, description="đồng")
    story: str
    published_at: datetime


@CATALOGUE.register
class AppealWithdrawn(EventData):
    event_type = "appeal.withdrawn"
    version = 1
    producer = "registry"
    key_field = "appeal_id"
    summary = "An appeal was taken off the portal (consent withdrawn, case closed, supervisor)."

    appeal_id: uuid.UUID
    reason: str
    withdrawn_at: datetime


@CATALOGUE.register
class SponsorshipStarted(EventData):
    event_type = "sponsorship.started"
    version = 1
    producer = "registry"
    key_field = "sponsorship_id"
    summary = "A sponsor (a donor of the donations service) started sponsoring a child."

    sponsorship_id: uuid.UUID
    child_id: uuid.UUID
    commune_code: str
    sponsor_ref: str
    payer_ref: str
    amount: int = Field(ge=0, description="đồng per period")
    period: str
    started_on: date


@CATALOGUE.register
class SponsorshipEnded(EventData):
    event_type = "sponsorship.ended"
    version = 1
    producer = "registry"
    key_field = "sponsorship_id"
    summary = "A sponsorship ended (by the sponsor, or because the child departed)."

    sponsorship_id: uuid.UUID
    child_id: uuid.UUID
    status: str
    ended_on: date
