"""API contracts of sponsorships: holds, commitments, replacements and letters."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from baotro_registry.domain.sponsorship import (
    AMOUNT_MAX,
    LETTER_MAX_LENGTH,
    EndReason,
    HoldStatus,
    LetterDirection,
    Period,
    SponsorshipStatus,
)

DONOR_REF = Field(
    min_length=6,
    max_length=80,
    description="Mã nhà tài trợ của dịch vụ tiếp nhận tài trợ: donor:<UUID>",
    examples=["donor:6f1c2b1e-9a55-4a7e-9b43-0b2f8c1d3e4a"],
)


class HoldCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sponsor_ref: str = DONOR_REF


class HoldPublic(BaseModel):
    id: uuid.UUID
    child_id: uuid.UUID
    sponsor_ref: str
    status: HoldStatus
    active: bool
    created_at: datetime
    expires_at: datetime


class SponsorshipCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    child_id: uuid.UUID
    sponsor_ref: str = DONOR_REF
    payer_ref: str | None = Field(
        None, max_length=80, description="Người trả tiền nếu khác người đỡ đầu: donor:<UUID>"
    )
    amount: int = Field(gt=0, le=AMOUNT_MAX, description="đồng mỗi kỳ", examples=[500_000])
    period: Period
    started_on: date


class SponsorshipPublic(BaseModel):
    id: uuid.UUID
    child_id: uuid.UUID
    commune_code: str
    sponsor_ref: str
    payer_ref: str
    amount: int
    period: Period
    started_on: date
    status: SponsorshipStatus
    ended_on: date | None
    end_reason: EndReason | None
    created_at: datetime


class SponsorshipPage(BaseModel):
    items: list[SponsorshipPublic]
    total: int
    limit: int
    offset: int


class SponsorshipEnd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: EndReason
    ended_on: date | None = None


class ReplacementOffer(BaseModel):
    """A child to offer the sponsor instead: no personal data, held for them for a while."""

    child_id: uuid.UUID
    age_band: str
    hold_id: uuid.UUID
    hold_expires_at: datetime


class SponsorshipEndResult(BaseModel):
    sponsorship: SponsorshipPublic
    replacement: ReplacementOffer | None = Field(
        None, description="Khi trẻ rời chương trình: đề xuất một trẻ khác cùng độ tuổi"
    )


class LetterCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    direction: LetterDirection
    content: str = Field(min_length=1, max_length=LETTER_MAX_LENGTH)


class LetterPublic(BaseModel):
    id: uuid.UUID
    sponsorship_id: uuid.UUID
    direction: LetterDirection
    content: str
    recorded_by: str
    recorded_at: datetime


class LetterReceipt(BaseModel):
    """What recording a letter returns: not its content."""

    id: uuid.UUID
    sponsorship_id: uuid.UUID
    direction: LetterDirection
    recorded_at: datetime
