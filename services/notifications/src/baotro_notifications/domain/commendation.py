"""Commendation rules (per year, configuration) and who meets them (pure rules).

A rule names the donor kinds it applies to and one or more thresholds; a donor meets it when
every threshold given is reached — exactly the threshold counts, one đồng below does not.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date

DONOR_KINDS = frozenset({"person", "household", "enterprise", "agency", "unit"})


class CommendationStatus(enum.StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"


class RuleError(ValueError):
    """A rule that cannot be applied; the message is Vietnamese."""


@dataclass(frozen=True)
class CommendationRule:
    id: uuid.UUID
    year: int
    name: str
    award: str
    period_start: date
    period_end: date
    donor_kinds: frozenset[str] = frozenset()
    """Empty: any donor kind."""
    min_total: int | None = None
    """đồng given in the period (reversals deducted)."""
    min_sponsorships: int | None = None
    """Sponsorships of children held during the period."""
    min_campaigns_mobilised: int | None = None
    """Campaign pledges the unit brought to their target."""
    signer_title: str | None = None
    signer_name: str | None = None


def check_rule(rule: CommendationRule) -> None:
    """Raise `RuleError` unless the rule can be applied."""
    if not rule.name.strip() or not rule.award.strip():
        raise RuleError("Quy tắc khen thưởng cần tên và hình thức khen thưởng.")
    if rule.period_start > rule.period_end:
        raise RuleError("Ngày bắt đầu kỳ xét phải trước hoặc bằng ngày kết thúc.")
    if (
        rule.min_total is None
        and rule.min_sponsorships is None
        and (rule.min_campaigns_mobilised is None)
    ):
        raise RuleError(
            "Quy tắc khen thưởng cần ít nhất một tiêu chí: tổng số tiền ủng hộ, số trẻ đỡ đầu "
            "hoặc số chương trình vận động đạt chỉ tiêu."
        )
    unknown = rule.donor_kinds - DONOR_KINDS
    if unknown:
        raise RuleError(f"Loại nhà hảo tâm không hợp lệ: {', '.join(sorted(unknown))}.")


@dataclass(frozen=True)
class DonorStanding:
    """What one donor did during a rule's period (from this service's own read model)."""

    donor_id: uuid.UUID
    kind: str | None
    total_given: int = 0
    donation_count: int = 0
    donation_ids: tuple[uuid.UUID, ...] = ()
    sponsorships_held: int = 0
    campaigns_mobilised: int = 0
    anonymous: bool = False


def meets(rule: CommendationRule, standing: DonorStanding) -> bool:
    """Does the donor reach every threshold of the rule (and is of a kind it covers)?"""
    if rule.donor_kinds and standing.kind not in rule.donor_kinds:
        return False
    checks = [
        (rule.min_total, standing.total_given),
        (rule.min_sponsorships, standing.sponsorships_held),
        (rule.min_campaigns_mobilised, standing.campaigns_mobilised),
    ]
    applied = [(threshold, value) for threshold, value in checks if threshold is not None]
    return bool(applied) and all(value >= threshold for threshold, value in applied)


def award_reason(rule: CommendationRule, standing: DonorStanding) -> str:
    """The line of the certificate saying what the donor is commended for."""
    year = rule.period_end.year
    if rule.min_campaigns_mobilised is not None and standing.campaigns_mobilised:
        return (
            "Đã có thành tích xuất sắc trong công tác vận động ủng hộ Quỹ Bảo trợ trẻ em "
            f"tỉnh Thanh Hóa năm {year}"
        )
    if rule.min_sponsorships is not None and standing.sponsorships_held:
        return (
            "Đã có thành tích tích cực nhận đỡ đầu trẻ em có hoàn cảnh đặc biệt "
            f"tỉnh Thanh Hóa năm {year}"
        )
    return (
        "Đã có thành tích tích cực ủng hộ Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa, chung tay chăm "
        f"lo cho trẻ em có hoàn cảnh đặc biệt năm {year}"
    )
