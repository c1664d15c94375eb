"""API contracts of children, duplicates, consents and the access audit."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from baotro_registry.domain.children import Sex
from baotro_registry.domain.consent import ConsentGiver, ConsentPurpose


class PersonalFields(BaseModel):
    full_name: str = Field(min_length=2, max_length=200, examples=["Nguyễn Văn An"])
    date_of_birth: date | None = None
    national_id: str | None = Field(None, description="Mã định danh cá nhân, 12 chữ số")
    address: str | None = Field(None, max_length=500)
    guardian_name: str | None = Field(None, max_length=200)
    guardian_phone: str | None = Field(None, max_length=20)
    photo_ref: str | None = Field(None, max_length=500)
    health_notes: str | None = Field(None, max_length=4000)
    school: str | None = Field(None, max_length=300)


class ChildCreate(PersonalFields):
    model_config = ConfigDict(extra="forbid")

    commune_code: str = Field(min_length=1, max_length=10, examples=["14797"])
    birth_year: int | None = Field(None, ge=1990, le=2100)
    sex: Sex | None = None
    groups: list[str] = Field(default_factory=list, examples=[["a"]])
    subgroups: list[str] = Field(
        default_factory=list, description="Nhóm con theo Nghị định 56/2017, ví dụ a3"
    )
    at_risk: list[str] = Field(default_factory=list)
    confirm_not_duplicate: bool = Field(
        False, description="Đã xem các hồ sơ có thể trùng và xác nhận đây là trẻ khác"
    )


class ChildUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    full_name: str | None = Field(None, min_length=2, max_length=200)
    date_of_birth: date | None = None
    national_id: str | None = None
    address: str | None = Field(None, max_length=500)
    guardian_name: str | None = Field(None, max_length=200)
    guardian_phone: str | None = Field(None, max_length=20)
    photo_ref: str | None = Field(None, max_length=500)
    health_notes: str | None = Field(None, max_length=4000)
    school: str | None = Field(None, max_length=300)
    commune_code: str | None = None
    birth_year: int | None = Field(None, ge=1990, le=2100)
    sex: Sex | None = None
    groups: list[str] | None = None
    subgroups: list[str] | None = None
    at_risk: list[str] | None = None


class ChildPersonalPublic(BaseModel):
    full_name: str
    date_of_birth: date | None = None
    national_id: str | None = None
    address: str | None = None
    guardian_name: str | None = None
    guardian_phone: str | None = None
    photo_ref: str | None = None
    health_notes: str | None = None
    school: str | None = None


class DuplicatePublic(BaseModel):
    child_id: uuid.UUID
    level: Literal["likely", "possible"]
    score: float
    reasons: list[str]
    commune_code: str
    birth_year: int
    initials: str | None = Field(
        None, description="Chữ cái đầu của họ tên; chỉ khi hồ sơ thuộc địa bàn của bạn"
    )


class ChildPublic(BaseModel):
    id: uuid.UUID
    commune_code: str
    commune_name: str | None
    birth_year: int
    sex: Sex | None
    groups: list[str]
    subgroups: list[str]
    at_risk: list[str]
    status: str
    created_at: datetime
    updated_at: datetime
    personal: ChildPersonalPublic | None = Field(
        None,
        description="Chỉ trả về cho vai trò cần thông tin cá nhân; mỗi lần đọc được ghi nhật ký",
    )
    possible_duplicates: list[DuplicatePublic] = Field(default_factory=list)


class ChildPage(BaseModel):
    items: list[ChildPublic]
    total: int
    limit: int
    offset: int


class LinkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    other_child_id: uuid.UUID
    decision: Literal["same_person", "different"]


class LinkPublic(BaseModel):
    child_id: uuid.UUID
    other_child_id: uuid.UUID
    decision: str
    decided_by: str
    decided_at: datetime


class ConsentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: ConsentPurpose
    given_by: ConsentGiver
    given_on: date


class ConsentPublic(BaseModel):
    id: uuid.UUID
    child_id: uuid.UUID
    purpose: ConsentPurpose
    given_by: ConsentGiver
    given_on: date
    recorded_by: str
    recorded_at: datetime
    withdrawn_at: datetime | None
    active: bool


class AuditEntryPublic(BaseModel):
    id: int
    at: datetime
    actor_sub: str
    actor_role: str
    child_id: uuid.UUID
    fields: list[str]
    action: str
    path: str


class AuditPage(BaseModel):
    items: list[AuditEntryPublic]
    total: int
    limit: int
    offset: int
