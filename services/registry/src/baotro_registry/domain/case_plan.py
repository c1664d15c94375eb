"""Versioned support plans of a case: each revision is a new version, older ones are kept."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from baotro_registry.domain.case import CaseConflictError, CaseRejectedError

MAX_ITEMS = 50
MAX_ITEM_AMOUNT = 10_000_000_000
"""Ten billion đồng: far above any single support item, catches typing extra zeros."""


class SupportKind(enum.StrEnum):
    TUITION = "tuition"
    HEALTH_INSURANCE = "health_insurance"
    NUTRITION = "nutrition"
    SURGERY = "surgery"
    TET_GIFT = "tet_gift"
    SCHOLARSHIP = "scholarship"
    SCHOOL_SUPPLIES = "school_supplies"
    CASH_SUPPORT = "cash_support"
    OTHER = "other"


class FundingSource(enum.StrEnum):
    FUND = "fund"
    APPEAL = "appeal"
    SPONSORSHIP = "sponsorship"
    STATE_BUDGET = "state_budget"
    OTHER = "other"


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"
    """An approved version replaced by a newer approved version."""


@dataclass(frozen=True)
class SupportItem:
    id: uuid.UUID
    kind: SupportKind
    amount: int
    funding_source: FundingSource


@dataclass(frozen=True)
class ItemDraft:
    """A plan item as asked for, before validation."""

    kind: str
    amount: int
    funding_source: str


@dataclass
class SupportPlan:
    id: uuid.UUID
    case_id: uuid.UUID
    version: int
    items: tuple[SupportItem, ...]
    created_at: datetime
    created_by: str
    status: PlanStatus = PlanStatus.DRAFT
    decided_at: datetime | None = None

    @property
    def total_amount(self) -> int:
        return sum(i.amount for i in self.items)

    def submit(self, latest_version: int) -> None:
        """Only the newest draft goes to the supervisor."""
        if self.version != latest_version:
            raise CaseConflictError(
                f"Phiên bản {self.version} không phải phiên bản mới nhất ({latest_version}) "
                "của kế hoạch; hãy trình duyệt phiên bản mới nhất."
            )
        if self.status is not PlanStatus.DRAFT:
            raise CaseConflictError(
                f"Phiên bản {self.version} của kế hoạch đang ở trạng thái "
                f"'{self.status.value}', chỉ bản nháp mới trình duyệt được. "
                "Muốn sửa, hãy lập phiên bản mới."
            )
        self.status = PlanStatus.SUBMITTED

    def approve(self, now: datetime) -> None:
        self._ensure_submitted()
        self.status, self.decided_at = PlanStatus.APPROVED, now

    def reject(self, now: datetime) -> None:
        self._ensure_submitted()
        self.status, self.decided_at = PlanStatus.REJECTED, now

    def supersede(self) -> SupportPlan:
        return replace(self, status=PlanStatus.SUPERSEDED)

    def _ensure_submitted(self) -> None:
        if self.status is not PlanStatus.SUBMITTED:
            raise CaseConflictError(
                f"Phiên bản {self.version} của kế hoạch không ở trạng thái chờ duyệt."
            )


def _item(index: int, draft: ItemDraft) -> SupportItem:
    field = f"items.{index}"
    try:
        kind = SupportKind(draft.kind)
    except ValueError:
        allowed = ", ".join(k.value for k in SupportKind)
        raise CaseRejectedError(
            f"{field}.kind", f"Loại hỗ trợ '{draft.kind}' không hợp lệ (cho phép: {allowed})."
        ) from None
    try:
        source = FundingSource(draft.funding_source)
    except ValueError:
        allowed = ", ".join(s.value for s in FundingSource)
        raise CaseRejectedError(
            f"{field}.funding_source",
            f"Nguồn kinh phí '{draft.funding_source}' không hợp lệ (cho phép: {allowed}).",
        ) from None
    if not 0 <= draft.amount <= MAX_ITEM_AMOUNT:
        raise CaseRejectedError(
            f"{field}.amount",
            f"Số tiền phải là số nguyên đồng từ 0 đến {MAX_ITEM_AMOUNT:,} đồng.".replace(",", "."),
        )
    return SupportItem(id=uuid.uuid4(), kind=kind, amount=draft.amount, funding_source=source)


def new_plan_version(
    *,
    case_id: uuid.UUID,
    latest: SupportPlan | None,
    items: list[ItemDraft],
    created_by: str,
    now: datetime,
) -> SupportPlan:
    """The next version of the case's plan, as a draft; never edits an older version."""
    if not items:
        raise CaseRejectedError("items", "Kế hoạch hỗ trợ cần ít nhất một khoản hỗ trợ.")
    if len(items) > MAX_ITEMS:
        raise CaseRejectedError("items", f"Kế hoạch có tối đa {MAX_ITEMS} khoản hỗ trợ.")
    if latest is not None and latest.status is PlanStatus.SUBMITTED:
        raise CaseConflictError(
            f"Phiên bản {latest.version} của kế hoạch đang chờ giám sát duyệt; "
            "chờ quyết định trước khi lập phiên bản mới."
        )
    return SupportPlan(
        id=uuid.uuid4(),
        case_id=case_id,
        version=(latest.version + 1) if latest else 1,
        items=tuple(_item(i, d) for i, d in enumerate(items)),
        created_at=now,
        created_by=created_by,
    )
