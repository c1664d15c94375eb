"""Campaigns and pledges: dates and targets, the one-day-salary default target, units only,
progress percentages."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from baotro_donations.domain.campaigns import (
    Campaign,
    CampaignKind,
    Raised,
    new_campaign,
    new_pledge,
    percent,
    pledge_target,
)
from baotro_donations.domain.donors import Donor, DonorKind, PartyRefusedError

NOW = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)


def _campaign(kind: CampaignKind = CampaignKind.ONE_DAY_SALARY, **changes: Any) -> Campaign:
    values: dict[str, Any] = {
        "fund_code": "TH",
        "name": "Ủng hộ một ngày lương vì trẻ em 2026",
        "kind": kind,
        "starts_on": date(2026, 5, 1),
        "ends_on": date(2026, 6, 30),
        "target_amount": None,
        "restricted": False,
        "created_at": NOW,
        "created_by": "admin@quy",
        **changes,
    }
    return new_campaign(**values)


def _unit(headcount: int | None = 120, wage: int | None = 250_000, **changes: Any) -> Donor:
    return Donor(
        id=uuid.uuid4(),
        kind=changes.pop("kind", DonorKind.UNIT),
        display_name="Sở Y tế tỉnh Thanh Hóa",
        created_at=NOW,
        updated_at=NOW,
        created_by="ke-toan@quy",
        headcount=headcount,
        average_daily_wage=wage,
        **changes,
    )


def test_a_campaign_keeps_its_dates_target_and_restriction() -> None:
    campaign = _campaign(
        CampaignKind.ACTION_MONTH,
        name="  Tháng hành động vì trẻ em   2026 ",
        target_amount=500_000_000,
        restricted=True,
    )
    assert campaign.name == "Tháng hành động vì trẻ em 2026"
    assert campaign.target_amount == 500_000_000
    assert campaign.restricted is True


def test_a_one_day_campaign_may_start_and_end_on_the_same_day() -> None:
    day = date(2026, 6, 1)
    assert _campaign(starts_on=day, ends_on=day).ends_on == day


def test_a_campaign_cannot_end_before_it_starts() -> None:
    with pytest.raises(PartyRefusedError, match="Ngày kết thúc") as refused:
        _campaign(starts_on=date(2026, 6, 1), ends_on=date(2026, 5, 31))
    assert refused.value.field == "ends_on"


@pytest.mark.parametrize("target", [0, -1])
def test_a_campaign_target_is_positive(target: int) -> None:
    with pytest.raises(PartyRefusedError, match="Chỉ tiêu"):
        _campaign(target_amount=target)


def test_a_campaign_needs_a_name() -> None:
    with pytest.raises(PartyRefusedError, match="tên đợt vận động"):
        _campaign(name=" ")


def test_the_one_day_salary_pledge_defaults_to_headcount_times_daily_wage() -> None:
    pledge = new_pledge(
        _campaign(), _unit(120, 250_000), requested=None, created_at=NOW, created_by="k"
    )
    assert pledge.target_amount == 30_000_000
    assert (pledge.headcount, pledge.average_daily_wage) == (120, 250_000)


def test_a_named_amount_wins_over_the_default() -> None:
    assert pledge_target(_campaign(), _unit(), 45_000_000) == 45_000_000


@pytest.mark.parametrize(("headcount", "wage"), [(None, 250_000), (120, None), (0, 250_000)])
def test_the_default_needs_the_units_headcount_and_wage(
    headcount: int | None, wage: int | None
) -> None:
    with pytest.raises(PartyRefusedError) as refused:
        pledge_target(_campaign(), _unit(headcount, wage), None)
    assert "Sở Y tế tỉnh Thanh Hóa" in refused.value.message
    assert "số người lao động" in refused.value.message
    assert refused.value.field == "target_amount"


@pytest.mark.parametrize("kind", [k for k in CampaignKind if k is not CampaignKind.ONE_DAY_SALARY])
def test_other_campaigns_need_a_named_amount(kind: CampaignKind) -> None:
    with pytest.raises(PartyRefusedError, match="Phải ghi số tiền cam kết"):
        pledge_target(_campaign(kind), _unit(), None)


def test_a_pledged_amount_is_positive() -> None:
    with pytest.raises(PartyRefusedError, match="lớn hơn 0"):
        pledge_target(_campaign(), _unit(), 0)


@pytest.mark.parametrize("kind", [k for k in DonorKind if k is not DonorKind.UNIT])
def test_only_organisational_units_pledge(kind: DonorKind) -> None:
    with pytest.raises(PartyRefusedError, match="Chỉ đơn vị") as refused:
        new_pledge(
            _campaign(),
            _unit(None, None, kind=kind),
            requested=1_000_000,
            created_at=NOW,
            created_by="k",
        )
    assert refused.value.field == "unit_id"


def test_progress_is_net_of_reversals_with_one_decimal_percent() -> None:
    raised = Raised(gross=12_000_000, reversed=2_000_000)
    assert raised.net == 10_000_000
    assert percent(raised.net, 30_000_000) == 33.3
    assert percent(45_000_000, 30_000_000) == 150.0
    assert percent(10, None) is None
    assert percent(0, 30_000_000) == 0.0
