"""What happens inside a case: assessments (risk level) and support delivered."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from baotro_registry.domain.case import Case, CaseRejectedError
from baotro_registry.domain.case_plan import MAX_ITEM_AMOUNT, SupportItem, SupportKind

MAX_SUMMARY = 10_000


class RiskLevel(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


@dataclass(frozen=True)
class Assessment:
    """The summary may name people and places: it is encrypted at rest and reads are audited."""

    id: uuid.UUID
    case_id: uuid.UUID
    risk_level: RiskLevel
    summary: str
    assessed_at: datetime
    assessed_by: str


@dataclass(frozen=True)
class Delivery:
    id: uuid.UUID
    case_id: uuid.UUID
    kind: SupportKind
    amount: int
    delivered_on: date
    recorded_by: str
    recorded_at: datetime
    plan_item_id: uuid.UUID | None = None


def new_assessment(
    case: Case, *, risk_level: str, summary: str, assessed_by: str, now: datetime
) -> Assessment:
    try:
        level = RiskLevel(risk_level)
    except ValueError:
        allowed = ", ".join(r.value for r in RiskLevel)
        raise CaseRejectedError(
            "risk_level", f"Mức độ nguy cơ không hợp lệ (cho phép: {allowed})."
        ) from None
    text = summary.strip()
    if not text:
        raise CaseRejectedError("summary", "Cần tóm tắt kết quả đánh giá.")
    if len(text) > MAX_SUMMARY:
        raise CaseRejectedError("summary", f"Tóm tắt dài tối đa {MAX_SUMMARY} ký tự.")
    return Assessment(
        id=uuid.uuid4(),
        case_id=case.id,
        risk_level=level,
        summary=text,
        assessed_at=now,
        assessed_by=assessed_by,
    )


def record_delivery(
    case: Case,
    *,
    kind: str,
    amount: int,
    delivered_on: date,
    today: date,
    plan_item: SupportItem | None,
    recorded_by: str,
    now: datetime,
) -> Delivery:
    """Support given on an open case in stage `services`; dated no later than today."""
    case.ensure_can_deliver()
    try:
        support_kind = SupportKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in SupportKind)
        raise CaseRejectedError(
            "kind", f"Loại hỗ trợ '{kind}' không hợp lệ (cho phép: {allowed})."
        ) from None
    if not 0 <= amount <= MAX_ITEM_AMOUNT:
        raise CaseRejectedError("amount", "Số tiền phải là số nguyên đồng, không âm.")
    if delivered_on > today:
        raise CaseRejectedError("delivered_on", "Ngày trao hỗ trợ không được ở tương lai.")
    if plan_item is not None and plan_item.kind is not support_kind:
        raise CaseRejectedError(
            "kind",
            f"Khoản trong kế hoạch là '{plan_item.kind.value}', khác loại hỗ trợ đã ghi "
            f"'{support_kind.value}'.",
        )
    return Delivery(
        id=uuid.uuid4(),
        case_id=case.id,
        kind=support_kind,
        amount=amount,
        delivered_on=delivered_on,
        recorded_by=recorded_by,
        recorded_at=now,
        plan_item_id=plan_item.id if plan_item else None,
    )
