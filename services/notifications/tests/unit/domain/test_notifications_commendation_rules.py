"""Commendation rules: thresholds met at exactly the threshold, not one đồng below; kinds;
every threshold of a rule must be met; rules without a threshold are refused."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from baotro_notifications.domain.commendation import (
    CommendationRule,
    DonorStanding,
    RuleError,
    award_reason,
    check_rule,
    meets,
)
from baotro_notifications.domain.letters import award_title

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def rule(**fields: object) -> CommendationRule:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "year": 2026,
        "name": "Doanh nghiệp từ 200 triệu",
        "award": "Giấy khen của Giám đốc Quỹ",
        "period_start": YEAR[0],
        "period_end": YEAR[1],
    }
    return CommendationRule(**{**values, **fields})  # type: ignore[arg-type]


def standing(**fields: object) -> DonorStanding:
    values: dict[str, object] = {"donor_id": uuid.uuid4(), "kind": "enterprise"}
    return DonorStanding(**{**values, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("total", "expected"), [(200_000_000, True), (199_999_999, False), (350_000_000, True)]
)
def test_the_total_threshold_counts_exactly_the_threshold(total: int, expected: bool) -> None:
    assert meets(rule(min_total=200_000_000), standing(total_given=total)) is expected


def test_a_rule_applies_only_to_its_donor_kinds() -> None:
    enterprises = rule(min_total=1, donor_kinds=frozenset({"enterprise"}))

    assert meets(enterprises, standing(total_given=5))
    assert not meets(enterprises, standing(kind="person", total_given=5))
    assert not meets(enterprises, standing(kind=None, total_given=5))
    assert meets(rule(min_total=1), standing(kind=None, total_given=5))


def test_every_threshold_of_a_rule_must_be_met() -> None:
    both = rule(min_total=10_000_000, min_sponsorships=2)

    assert meets(both, standing(total_given=10_000_000, sponsorships_held=2))
    assert not meets(both, standing(total_given=10_000_000, sponsorships_held=1))
    assert not meets(both, standing(total_given=9_999_999, sponsorships_held=3))


def test_units_are_commended_for_pledges_brought_to_target() -> None:
    mobilisers = rule(min_campaigns_mobilised=1, donor_kinds=frozenset({"unit"}))

    assert meets(mobilisers, standing(kind="unit", campaigns_mobilised=1))
    assert not meets(mobilisers, standing(kind="unit", campaigns_mobilised=0))
    assert "vận động" in award_reason(mobilisers, standing(kind="unit", campaigns_mobilised=1))


def test_a_rule_without_threshold_or_with_a_reversed_period_is_refused() -> None:
    with pytest.raises(RuleError, match="ít nhất một tiêu chí"):
        check_rule(rule())
    with pytest.raises(RuleError, match="Ngày bắt đầu"):
        check_rule(rule(min_total=1, period_start=date(2026, 12, 31), period_end=date(2026, 1, 1)))
    with pytest.raises(RuleError, match="không hợp lệ"):
        check_rule(rule(min_total=1, donor_kinds=frozenset({"company"})))
    check_rule(rule(min_total=1))


def test_the_certificate_title_follows_the_award() -> None:
    assert award_title("Bằng khen của Chủ tịch UBND tỉnh") == "BẰNG KHEN"
    assert award_title("Giấy khen của Giám đốc Quỹ") == "GIẤY KHEN"
    assert award_title("Thư khen") == "GIẤY CHỨNG NHẬN"
