"""Campaigns (đợt vận động), units' pledges (cam kết) and their progress.

The yearly "one day's salary" campaign (ủng hộ một ngày lương) asks every organisational unit
for headcount × average daily wage: that is a pledge's default target there. Elsewhere a
pledge names its amount.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from baotro_donations.domain.donors import (
    NAME_MAX,
    Donor,
    DonorKind,
    clean_text,
    refuse,
)


class CampaignKind(enum.StrEnum):
    ONE_DAY_SALARY = "one_day_salary"
    ACTION_MONTH = "action_month"
    TET = "tet"
    APPEAL_DRIVE = "appeal_drive"
    GENERAL = "general"


@dataclass(frozen=True)
class Campaign:
    id: uuid.UUID
    fund_code: str
    name: str
    kind: CampaignKind
    starts_on: date
    ends_on: date
    target_amount: int | None
    restricted: bool
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class Pledge:
    id: uuid.UUID
    campaign_id: uuid.UUID
    unit_id: uuid.UUID
    target_amount: int
    headcount: int | None
    """The unit's headcount when it pledged (the unit's record may change later)."""
    average_daily_wage: int | None
    created_at: datetime
    created_by: str


def new_campaign(
    *,
    fund_code: str,
    name: str,
    kind: CampaignKind,
    starts_on: date,
    ends_on: date,
    target_amount: int | None,
    restricted: bool,
    created_at: datetime,
    created_by: str,
) -> Campaign:
    """A validated campaign: a name, an end not before its start, a positive target if any."""
    clean_name = clean_text(name, limit=NAME_MAX, field="name", label="Tên đợt vận động")
    if clean_name is None:
        raise refuse("Phải ghi tên đợt vận động.", field="name")
    if ends_on < starts_on:
        raise refuse("Ngày kết thúc không được trước ngày bắt đầu.", field="ends_on")
    if target_amount is not None and target_amount <= 0:
        raise refuse("Chỉ tiêu phải lớn hơn 0 đồng.", field="target_amount")
    return Campaign(
        id=uuid.uuid4(),
        fund_code=fund_code,
        name=clean_name,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        target_amount=target_amount,
        restricted=restricted,
        created_at=created_at,
        created_by=created_by,
    )


def pledge_target(campaign: Campaign, unit: Donor, requested: int | None) -> int:
    """The amount asked, or headcount × average daily wage for the one-day-salary campaign."""
    if requested is not None:
        if requested <= 0:
            raise refuse("Số tiền cam kết phải lớn hơn 0 đồng.", field="target_amount")
        return requested
    if campaign.kind is not CampaignKind.ONE_DAY_SALARY:
        raise refuse(
            "Phải ghi số tiền cam kết: chỉ đợt ủng hộ một ngày lương mới tự tính "
            "theo số người lao động × tiền lương bình quân một ngày.",
            field="target_amount",
        )
    if not unit.headcount or not unit.average_daily_wage:
        raise refuse(
            f"Chưa tính được mức ủng hộ một ngày lương của đơn vị «{unit.display_name}»: "
            "đơn vị chưa có số người lao động hoặc tiền lương bình quân một ngày. "
            "Hãy cập nhật thông tin đơn vị hoặc ghi số tiền cam kết.",
            field="target_amount",
        )
    return unit.headcount * unit.average_daily_wage


def new_pledge(
    campaign: Campaign,
    unit: Donor,
    *,
    requested: int | None,
    created_at: datetime,
    created_by: str,
) -> Pledge:
    """A unit's pledge to a campaign (only organisational units pledge)."""
    if unit.kind is not DonorKind.UNIT:
        raise refuse(
            "Chỉ đơn vị (cơ quan, xã/phường, trường học, chi nhánh doanh nghiệp) mới đăng ký "
            "cam kết ủng hộ.",
            field="unit_id",
        )
    return Pledge(
        id=uuid.uuid4(),
        campaign_id=campaign.id,
        unit_id=unit.id,
        target_amount=pledge_target(campaign, unit, requested),
        headcount=unit.headcount,
        average_daily_wage=unit.average_daily_wage,
        created_at=created_at,
        created_by=created_by,
    )


@dataclass(frozen=True)
class Raised:
    """Money given towards a campaign or a pledge: gross gifts less what was reversed."""

    gross: int = 0
    reversed: int = 0

    @property
    def net(self) -> int:
        return self.gross - self.reversed


def percent(raised: int, target: int | None) -> float | None:
    """Share of the target reached, one decimal (may exceed 100); None without a target."""
    if not target:
        return None
    return round(raised * 100 / target, 1)
