"""API contracts of deliveries and commendations (masked addresses only, never contacts)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from baotro_notifications.adapters.orm_commendations import (
    CommendationRecord,
    CommendationRuleRecord,
)
from baotro_notifications.adapters.orm_deliveries import DeliveryRecord
from baotro_notifications.domain.notices import DeliveryStatus, NoticeKind

DonorKindName = Literal["person", "household", "enterprise", "agency", "unit"]


class DeliveryPublic(BaseModel):
    id: uuid.UUID
    kind: NoticeKind
    status: DeliveryStatus
    donor_id: uuid.UUID | None
    donation_id: uuid.UUID | None
    pledge_id: uuid.UUID | None
    commendation_id: uuid.UUID | None
    corrects_id: uuid.UUID | None = Field(description="the notice a correction corrects")
    receipt_number: str | None
    channel: str | None
    address: str | None = Field(description="the address used, masked")
    amount: int | None = Field(description="đồng the notice told (or will tell: corrections)")
    previous_amount: int | None = Field(description="corrections: the amount told before")
    gifts: int | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None = Field(description="the provider's last answer, or why skipped")
    provider_status: str | None
    skip_reason: str | None
    created_at: datetime
    sent_at: datetime | None
    letter_url: str | None

    @classmethod
    def of(cls, r: DeliveryRecord, *, has_letter: bool) -> DeliveryPublic:
        return cls(
            id=r.id,
            kind=NoticeKind(r.kind),
            status=DeliveryStatus(r.status),
            donor_id=r.donor_id,
            donation_id=r.donation_id,
            pledge_id=r.pledge_id,
            commendation_id=r.commendation_id,
            corrects_id=r.corrects_id,
            receipt_number=r.receipt_number,
            channel=r.channel,
            address=r.address_masked,
            amount=r.told_amount,
            previous_amount=r.previous_amount,
            gifts=r.gifts,
            attempts=r.attempts,
            next_attempt_at=r.next_attempt_at if r.status == DeliveryStatus.PENDING else None,
            last_error=r.last_error,
            provider_status=r.provider_status,
            skip_reason=r.skip_reason,
            created_at=r.created_at,
            sent_at=r.sent_at,
            letter_url=f"/v1/deliveries/{r.id}/letter.pdf" if has_letter else None,
        )


class DeliveryPage(BaseModel):
    items: list[DeliveryPublic]
    total: int
    limit: int
    offset: int


class RuleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2000, le=2100, examples=[2026])
    name: str = Field(min_length=3, max_length=300, examples=["Doanh nghiệp ủng hộ từ 200 triệu"])
    award: str = Field(
        min_length=3,
        max_length=300,
        examples=["Giấy khen của Giám đốc Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa"],
    )
    donor_kinds: list[DonorKindName] = Field(default_factory=list, description="empty: any kind")
    min_total: int | None = Field(
        None, gt=0, le=10**15, description="đồng given in the period, at least"
    )
    min_sponsorships: int | None = Field(None, gt=0, le=100_000)
    min_campaigns_mobilised: int | None = Field(
        None, gt=0, le=100_000, description="campaign pledges the unit brought to their target"
    )
    period_start: date | None = Field(None, description="default: 1 January of the year")
    period_end: date | None = Field(None, description="default: 31 December of the year")
    signer_title: str | None = Field(
        None, max_length=120, description="default: the fund director (configuration)"
    )
    signer_name: str | None = Field(None, max_length=200)

    @model_validator(mode="after")
    def _one_threshold(self) -> RuleCreate:
        if (
            self.min_total is None
            and self.min_sponsorships is None
            and self.min_campaigns_mobilised is None
        ):
            raise ValueError(
                "Cần ít nhất một tiêu chí: min_total, min_sponsorships hoặc "
                "min_campaigns_mobilised."
            )
        return self


class RulePublic(BaseModel):
    id: uuid.UUID
    year: int
    name: str
    award: str
    donor_kinds: list[str]
    min_total: int | None
    min_sponsorships: int | None
    min_campaigns_mobilised: int | None
    period_start: date
    period_end: date
    signer_title: str | None
    signer_name: str | None
    created_at: datetime
    created_by: str

    @classmethod
    def of(cls, r: CommendationRuleRecord) -> RulePublic:
        return cls(
            id=r.id,
            year=r.year,
            name=r.name,
            award=r.award,
            donor_kinds=list(r.donor_kinds),
            min_total=r.min_total,
            min_sponsorships=r.min_sponsorships,
            min_campaigns_mobilised=r.min_campaigns_mobilised,
            period_start=r.period_start,
            period_end=r.period_end,
            signer_title=r.signer_title,
            signer_name=r.signer_name,
            created_at=r.created_at,
            created_by=r.created_by,
        )


class EvaluateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int | None = Field(None, ge=2000, le=2100, description="default: this year")
    rule_id: uuid.UUID | None = Field(None, description="only this rule (of that year)")


class CommendationPublic(BaseModel):
    id: uuid.UUID
    rule_id: uuid.UUID
    donor_id: uuid.UUID
    donor_kind: str | None
    status: str
    award: str
    period_start: date
    period_end: date
    total_given: int
    donation_count: int
    evidence: dict[str, Any]
    proposed_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    rejection_reason: str | None
    certificate_number: str | None
    certificate_url: str | None

    @classmethod
    def of(cls, r: CommendationRecord) -> CommendationPublic:
        return cls(
            id=r.id,
            rule_id=r.rule_id,
            donor_id=r.donor_id,
            donor_kind=r.donor_kind,
            status=r.status,
            award=r.award,
            period_start=r.period_start,
            period_end=r.period_end,
            total_given=r.total_given,
            donation_count=r.donation_count,
            evidence=r.evidence,
            proposed_at=r.proposed_at,
            decided_at=r.decided_at,
            decided_by=r.decided_by,
            rejection_reason=r.rejection_reason,
            certificate_number=r.certificate_number,
            certificate_url=(
                f"/v1/commendations/{r.id}/certificate.pdf" if r.certificate_number else None
            ),
        )


class EvaluateResult(BaseModel):
    year: int
    proposed: list[CommendationPublic]


class RejectRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=1000)
