"""Supervisor approval of a case plan or of a closure: requested, then approved or rejected."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from baotro_registry.domain.case import CaseConflictError, CaseForbiddenError, CaseRejectedError

MAX_COMMENT = 2000


class ApprovalKind(enum.StrEnum):
    CASE_PLAN = "case_plan"
    CLOSURE = "closure"


class ApprovalStatus(enum.StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"


class ClosureReason(enum.StrEnum):
    """Why a case closes; the code travels in `case.closed`, never free text."""

    GOALS_MET = "goals_met"
    REACHED_ADULTHOOD = "reached_adulthood"
    MOVED_OUT_OF_PROVINCE = "moved_out_of_province"
    FAMILY_SITUATION_IMPROVED = "family_situation_improved"
    REFERRED_ELSEWHERE = "referred_elsewhere"
    DECEASED = "deceased"
    OTHER = "other"


CLOSURE_REASONS_VI = {
    ClosureReason.GOALS_MET: "Đã đạt mục tiêu của kế hoạch hỗ trợ",
    ClosureReason.REACHED_ADULTHOOD: "Trẻ đã đủ tuổi trưởng thành",
    ClosureReason.MOVED_OUT_OF_PROVINCE: "Gia đình chuyển khỏi tỉnh",
    ClosureReason.FAMILY_SITUATION_IMPROVED: "Hoàn cảnh gia đình đã ổn định",
    ClosureReason.REFERRED_ELSEWHERE: "Chuyển cho cơ quan, tổ chức khác",
    ClosureReason.DECEASED: "Trẻ đã mất",
    ClosureReason.OTHER: "Lý do khác",
}

_KIND_VI = {ApprovalKind.CASE_PLAN: "kế hoạch hỗ trợ", ApprovalKind.CLOSURE: "đóng hồ sơ"}


@dataclass
class Approval:
    id: uuid.UUID
    case_id: uuid.UUID
    kind: ApprovalKind
    requested_by: str
    requested_at: datetime
    status: ApprovalStatus = ApprovalStatus.REQUESTED
    plan_id: uuid.UUID | None = None
    reason_code: ClosureReason | None = None
    request_comment: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_comment: str | None = None

    def decide(
        self,
        *,
        approve: bool,
        by: str,
        now: datetime,
        comment: str | None,
        authors: Collection[str] = (),
    ) -> None:
        """A supervisor decides once; neither the requester nor an author of what is decided
        (e.g. whoever wrote the plan version) may decide it."""
        if self.status is not ApprovalStatus.REQUESTED:
            raise CaseConflictError(
                f"Yêu cầu duyệt {_KIND_VI[self.kind]} này đã được quyết định "
                f"({self.status.value}); không thể quyết định lại."
            )
        if by == self.requested_by or by in authors:
            raise CaseForbiddenError(
                f"Không được tự duyệt yêu cầu {_KIND_VI[self.kind]} do chính mình trình; "
                "cần một giám sát khác quyết định."
            )
        text = _comment(comment)
        if not approve and text is None:
            raise CaseRejectedError("comment", "Khi từ chối, cần ghi rõ lý do để cán bộ sửa lại.")
        self.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
        self.decided_by, self.decided_at, self.decision_comment = by, now, text


def _comment(comment: str | None) -> str | None:
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT:
        raise CaseRejectedError("comment", f"Ghi chú dài tối đa {MAX_COMMENT} ký tự.")
    return text or None


def ensure_none_pending(pending: list[Approval], kind: ApprovalKind) -> None:
    """One open request of a kind per case at a time."""
    if any(a.kind is kind and a.status is ApprovalStatus.REQUESTED for a in pending):
        raise CaseConflictError(
            f"Hồ sơ đã có một yêu cầu duyệt {_KIND_VI[kind]} đang chờ giám sát quyết định."
        )


def request_approval(
    *,
    case_id: uuid.UUID,
    kind: ApprovalKind,
    requested_by: str,
    now: datetime,
    plan_id: uuid.UUID | None = None,
    reason_code: str | None = None,
    comment: str | None = None,
) -> Approval:
    """A new request; a closure needs a reason code from `ClosureReason`."""
    reason: ClosureReason | None = None
    if kind is ApprovalKind.CLOSURE:
        try:
            reason = ClosureReason(reason_code or "")
        except ValueError:
            allowed = ", ".join(r.value for r in ClosureReason)
            raise CaseRejectedError(
                "reason_code", f"Lý do đóng hồ sơ không hợp lệ (cho phép: {allowed})."
            ) from None
    return Approval(
        id=uuid.uuid4(),
        case_id=case_id,
        kind=kind,
        requested_by=requested_by,
        requested_at=now,
        plan_id=plan_id,
        reason_code=reason,
        request_comment=_comment(comment),
    )
