"""API contracts of appeals: the staff view, and the public view (anonymised form only)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from baotro_registry.domain.appeal import AMOUNT_MAX, STORY_MAX_LENGTH, AppealStatus, NeedKind


class AppealCreate(BaseModel):
    """Only what cannot be derived from the case: alias, age band and place are generated."""

    model_config = ConfigDict(extra="forbid")

    need_kind: NeedKind = Field(description="Loại nhu cầu", examples=["tuition"])
    amount_sought: int = Field(
        gt=0, le=AMOUNT_MAX, description="Số tiền kêu gọi (đồng)", examples=[5_000_000]
    )
    story: str | None = Field(
        None,
        max_length=STORY_MAX_LENGTH * 2,
        description=(
            "Câu chuyện ngắn; không được có tên, trường, thôn xóm, địa chỉ, số giấy tờ, số "
            "điện thoại (được kiểm tra tự động)"
        ),
    )


class AppealReview(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str | None = Field(None, max_length=2000)


class AppealRejection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str = Field(min_length=1, max_length=2000, description="Lý do từ chối")


class AppealStaff(BaseModel):
    """What staff see: the public form, and its case, commune and review trail."""

    id: uuid.UUID
    case_id: uuid.UUID
    child_id: uuid.UUID
    commune_code: str
    alias: str
    age_band: str
    province_code: str
    province_name: str
    need_kind: NeedKind
    need_name: str
    amount_sought: int
    amount_raised: int
    story: str | None
    status: AppealStatus
    created_by: str
    created_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_comment: str | None = Field(
        None, description="Chỉ trả về cho vai trò được xem thông tin cá nhân của trẻ"
    )
    published_at: datetime | None
    withdrawn_at: datetime | None
    withdraw_reason: str | None


class AppealStaffPage(BaseModel):
    items: list[AppealStaff]
    total: int
    limit: int
    offset: int


class AppealPortal(BaseModel):
    """The public form: never the child, the case, the commune, the school or the village."""

    id: uuid.UUID = Field(description="Mã bài kêu gọi (để ủng hộ)")
    alias: str = Field(examples=["Em Mây"])
    age_band: str = Field(examples=["6-10"])
    province_name: str = Field(examples=["Thanh Hóa"])
    need_kind: NeedKind
    need_name: str = Field(examples=["Học phí"])
    amount_sought: int = Field(description="đồng")
    amount_raised: int = Field(description="đồng")
    story: str | None
    published_at: datetime


class AppealPortalPage(BaseModel):
    items: list[AppealPortal]
    total: int
    limit: int
    offset: int
