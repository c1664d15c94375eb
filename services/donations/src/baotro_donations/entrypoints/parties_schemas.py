"""API contracts of donors, campaigns and pledges (see /tmp interfaces: donors API).

Input models only check shapes; the domain checks meaning and answers in Vietnamese.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from baotro_donations.entrypoints.money import MAX_DONG

DonorKindName = Literal["person", "household", "enterprise", "agency", "unit"]
ChannelName = Literal["email", "sms", "zalo", "post"]
CampaignKindName = Literal["one_day_salary", "action_month", "tet", "appeal_drive", "general"]


class BankAccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: str = Field(min_length=1, max_length=40, examples=["0011001932418"])
    bank_bin: str | None = Field(None, max_length=10, examples=["970436"])
    bank_name: str | None = Field(None, max_length=200, examples=["Vietcombank"])


class BankAccountOut(BaseModel):
    bank_bin: str | None
    bank_name: str | None
    number: str


class DonorCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: DonorKindName
    display_name: str = Field(max_length=400, examples=["Nguyễn Văn An"])
    salutation: str | None = Field(None, max_length=100, examples=["Ông"])
    anonymous: bool = Field(False, description="Không nêu tên trong bất cứ nội dung công khai")
    email: str | None = Field(None, max_length=300)
    phone: str | None = Field(None, max_length=40, examples=["0912345678"])
    address: str | None = Field(None, max_length=1000)
    preferred_channel: ChannelName | None = None
    opted_out: bool = Field(False, description="Không gửi thư cảm ơn")
    headcount: StrictInt | None = Field(
        None, le=10_000_000, description="Đơn vị: số người lao động"
    )
    average_daily_wage: StrictInt | None = Field(
        None, le=100_000_000, description="Đơn vị: tiền lương bình quân một ngày (đồng)"
    )
    commune_code: str | None = Field(None, max_length=10, examples=["16015"])
    bank_accounts: list[BankAccountIn] = Field(default_factory=list, max_length=20)


class DonorUpdate(BaseModel):
    """Only the fields sent change; null clears an optional field."""

    model_config = ConfigDict(extra="forbid")

    kind: DonorKindName | None = None
    display_name: str | None = Field(None, max_length=400)
    salutation: str | None = Field(None, max_length=100)
    anonymous: bool | None = None
    email: str | None = Field(None, max_length=300)
    phone: str | None = Field(None, max_length=40)
    address: str | None = Field(None, max_length=1000)
    preferred_channel: ChannelName | None = None
    opted_out: bool | None = None
    headcount: StrictInt | None = None
    average_daily_wage: StrictInt | None = None
    commune_code: str | None = Field(None, max_length=10)
    bank_accounts: list[BankAccountIn] | None = Field(None, max_length=20)


class DonorPublic(BaseModel):
    id: uuid.UUID
    kind: DonorKindName
    display_name: str
    salutation: str | None
    anonymous: bool
    public_name: str | None = Field(description="Tên được phép công khai; null khi ẩn danh")
    email: str | None
    phone: str | None
    address: str | None
    preferred_channel: ChannelName | None
    opted_out: bool
    headcount: int | None
    average_daily_wage: int | None
    commune_code: str | None
    bank_accounts: list[BankAccountOut]
    created_at: datetime
    updated_at: datetime


class DonorListItem(BaseModel):
    id: uuid.UUID
    kind: DonorKindName
    display_name: str
    anonymous: bool


class DonorsLookup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[uuid.UUID] = Field(min_length=1, max_length=200)


class DonorsFound(BaseModel):
    items: list[DonorPublic]
    missing: list[uuid.UUID]
    """Asked for, but unknown here."""


class DonorPage(BaseModel):
    items: list[DonorListItem]
    total: int
    limit: int
    offset: int


class CampaignCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fund_code: str | None = Field(None, max_length=16, description="Mặc định: quỹ đầu tiên")
    name: str = Field(max_length=400, examples=["Tháng hành động vì trẻ em 2026"])
    kind: CampaignKindName
    starts_on: date
    ends_on: date
    target_amount: StrictInt | None = Field(None, le=MAX_DONG, description="Chỉ tiêu (đồng)")
    restricted: bool = Field(False, description="Tiền ủng hộ đợt này chỉ dùng cho đợt này")


class CampaignPublic(BaseModel):
    id: uuid.UUID
    fund_code: str
    name: str
    kind: CampaignKindName
    starts_on: date
    ends_on: date
    target_amount: int | None
    restricted: bool
    created_at: datetime
    created_by: str


class CampaignPage(BaseModel):
    items: list[CampaignPublic]
    total: int
    limit: int
    offset: int


class PledgeProgressOut(BaseModel):
    pledge_id: uuid.UUID
    unit_id: uuid.UUID
    unit_name: str
    target: int
    raised: int = Field(description="Đã ủng hộ, trừ các khoản đã hoàn trả/đảo bút toán")
    raised_gross: int = Field(description="Tổng các khoản ủng hộ trước khi trừ phần đảo")
    reversed: int
    percent: float | None


class ProgressOut(BaseModel):
    raised: int = Field(description="Đã ủng hộ, trừ các khoản đã hoàn trả/đảo bút toán")
    raised_gross: int
    reversed: int
    target: int | None = Field(
        description="Chỉ tiêu của đợt; nếu không có, tổng mức cam kết của các đơn vị"
    )
    percent: float | None
    pledges: list[PledgeProgressOut]


class CampaignDetail(CampaignPublic):
    progress: ProgressOut


class PledgeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: uuid.UUID
    target_amount: StrictInt | None = Field(
        None,
        le=MAX_DONG,
        description="Mặc định (đợt một ngày lương): số người lao động × lương một ngày",
    )


class PledgeOut(BaseModel):
    id: uuid.UUID
    campaign_id: uuid.UUID
    unit_id: uuid.UUID
    unit_name: str
    target_amount: int
    headcount: int | None
    average_daily_wage: int | None
    raised: int
    raised_gross: int
    reversed: int
    percent: float | None
    created_at: datetime
    created_by: str
