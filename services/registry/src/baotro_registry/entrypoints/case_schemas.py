"""API contracts of the case lifecycle (request and response models)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from baotro_registry.domain.case_approval import MAX_COMMENT, ClosureReason
from baotro_registry.domain.case_plan import MAX_ITEM_AMOUNT, MAX_ITEMS, FundingSource, SupportKind
from baotro_registry.domain.case_work import MAX_SUMMARY, RiskLevel
from baotro_registry.entrypoints.schemas import CasePublic

Money = Annotated[
    int,
    Field(ge=0, le=MAX_ITEM_AMOUNT, strict=True, description="Số nguyên đồng", examples=[1500000]),
]


class AssessmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    risk_level: RiskLevel = Field(description="Mức độ nguy cơ: low, medium, high, critical")
    summary: str = Field(
        min_length=1,
        max_length=MAX_SUMMARY,
        description="Tóm tắt đánh giá; có thể chứa thông tin cá nhân: được mã hóa khi lưu",
    )


class AssessmentPublic(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    risk_level: str
    summary: str | None = Field(description="Chỉ hiện với vai trò được xem thông tin cá nhân")
    assessed_at: datetime
    assessed_by: str


class PlanItemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: SupportKind
    amount: Money
    funding_source: FundingSource


class PlanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[PlanItemCreate] = Field(min_length=1, max_length=MAX_ITEMS)


class PlanItemPublic(BaseModel):
    id: uuid.UUID
    kind: str
    amount: int
    funding_source: str


class PlanPublic(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    version: int
    status: str
    items: list[PlanItemPublic]
    total_amount: int
    created_at: datetime
    created_by: str
    decided_at: datetime | None


class ApprovalPublic(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    kind: str
    status: str
    plan_id: uuid.UUID | None
    reason_code: str | None
    request_comment: str | None
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_comment: str | None


class ClosureRequestCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason_code: ClosureReason
    comment: str | None = Field(default=None, max_length=MAX_COMMENT)


class DecisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str | None = Field(
        default=None, max_length=MAX_COMMENT, description="Bắt buộc khi từ chối"
    )


class DeliveryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: SupportKind
    amount: Money
    delivered_on: date
    plan_item_id: uuid.UUID | None = None


class DeliveryPublic(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    kind: str
    amount: int
    delivered_on: date
    plan_item_id: uuid.UUID | None
    recorded_by: str
    recorded_at: datetime


class TransferCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to_commune_code: str = Field(min_length=1, max_length=10, examples=["16522"])


class CaseDetailPublic(CasePublic):
    updated_at: datetime | None
    closed_at: datetime | None
    latest_risk_level: str | None
    current_plan: PlanPublic | None = Field(description="Phiên bản kế hoạch đã duyệt đang áp dụng")
    latest_plan: PlanPublic | None = Field(description="Phiên bản kế hoạch mới nhất")
    pending_approvals: list[ApprovalPublic]
    approvals: list[ApprovalPublic]
    delivered_total: int = Field(description="Tổng số tiền hỗ trợ đã trao (đồng)")
