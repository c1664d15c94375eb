"""A case: the fund's work with one child, in one commune, for one or more legal groups.

The lifecycle follows Primero (UNICEF): a record `status` (open / closed / transferred) and a
workflow `stage` (new → assessment → case_plan → services → closed, and reopened). The rules
below are pure: the service layer loads a case, asks it to change, and stores what it returns.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime

from baotro_registry.domain.commune_hints import unknown_commune_message
from baotro_registry.domain.communes import CommuneDirectory
from baotro_registry.domain.legal_groups import UnknownGroupError, parse_group_codes


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    TRANSFERRED = "transferred"


class CaseStage(enum.StrEnum):
    NEW = "new"
    ASSESSMENT = "assessment"
    CASE_PLAN = "case_plan"
    SERVICES = "services"
    CLOSED = "closed"
    REOPENED = "reopened"


STAGE_NAMES_VI = {
    CaseStage.NEW: "mới mở",
    CaseStage.ASSESSMENT: "đánh giá",
    CaseStage.CASE_PLAN: "lập kế hoạch",
    CaseStage.SERVICES: "cung cấp dịch vụ",
    CaseStage.CLOSED: "đã đóng",
    CaseStage.REOPENED: "mở lại",
}


class CaseRejectedError(ValueError):
    """Input that cannot be accepted (422); `field` names the offending input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class CaseConflictError(Exception):
    """The case is not in a state that allows this step (409); the message is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CaseForbiddenError(Exception):
    """A rule about who may do this, beyond role and area (403), e.g. no self-approval."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class StageChange:
    """What `case.stage_changed` announces; a transfer keeps the stage and changes the commune."""

    case_id: uuid.UUID
    commune_code: str
    from_stage: CaseStage
    to_stage: CaseStage
    status: CaseStatus
    at: datetime


@dataclass
class Case:
    id: uuid.UUID
    commune_code: str
    groups: tuple[str, ...]
    opened_at: datetime
    opened_by: str
    child_id: uuid.UUID | None = None
    status: CaseStatus = CaseStatus.OPEN
    stage: CaseStage = CaseStage.NEW
    updated_at: datetime | None = None
    closed_at: datetime | None = None

    # -- guards -----------------------------------------------------------------------
    def ensure_open(self, doing: str) -> None:
        """409 unless the case is open; `doing` completes "Không thể …"."""
        if self.status is not CaseStatus.OPEN:
            raise CaseConflictError(
                f"Không thể {doing}: hồ sơ đã đóng. Hãy mở lại hồ sơ trước nếu cần tiếp tục."
            )

    def ensure_can_deliver(self) -> None:
        self.ensure_open("ghi nhận hỗ trợ đã trao")
        if self.stage is not CaseStage.SERVICES:
            raise CaseConflictError(
                "Không thể ghi nhận hỗ trợ đã trao: hồ sơ đang ở giai đoạn "
                f"'{STAGE_NAMES_VI[self.stage]}', chỉ ghi nhận khi kế hoạch hỗ trợ đã được "
                "duyệt (giai đoạn cung cấp dịch vụ)."
            )

    # -- transitions ------------------------------------------------------------------
    def _move(
        self, to: CaseStage, now: datetime, *, status: CaseStatus | None = None
    ) -> StageChange:
        change = StageChange(
            case_id=self.id,
            commune_code=self.commune_code,
            from_stage=self.stage,
            to_stage=to,
            status=status or self.status,
            at=now,
        )
        self.stage = to
        self.status = change.status
        self.updated_at = now
        return change

    def record_assessment(self, now: datetime) -> StageChange | None:
        """An assessment moves a new (or reopened) case to `assessment`; later ones add up."""
        self.ensure_open("ghi đánh giá")
        if self.stage in (CaseStage.NEW, CaseStage.REOPENED):
            return self._move(CaseStage.ASSESSMENT, now)
        self.updated_at = now
        return None

    def start_plan_version(self, now: datetime) -> StageChange | None:
        """A plan needs an assessment first; the first version moves the case to `case_plan`."""
        self.ensure_open("lập kế hoạch hỗ trợ")
        if self.stage in (CaseStage.NEW, CaseStage.REOPENED):
            raise CaseConflictError(
                "Không thể lập kế hoạch hỗ trợ: hồ sơ chưa được đánh giá. "
                "Hãy ghi đánh giá (mức độ nguy cơ) trước."
            )
        if self.stage is CaseStage.ASSESSMENT:
            return self._move(CaseStage.CASE_PLAN, now)
        self.updated_at = now
        return None

    def approve_plan(self, now: datetime) -> StageChange | None:
        """An approved plan moves the case to `services` (a revision approved later keeps it)."""
        self.ensure_open("duyệt kế hoạch hỗ trợ")
        if self.stage is CaseStage.CASE_PLAN:
            return self._move(CaseStage.SERVICES, now)
        if self.stage is CaseStage.SERVICES:
            self.updated_at = now
            return None
        raise CaseConflictError(
            "Không thể duyệt kế hoạch: hồ sơ đang ở giai đoạn "
            f"'{STAGE_NAMES_VI[self.stage]}'. Hãy lập một phiên bản kế hoạch mới."
        )

    def close(self, now: datetime) -> StageChange:
        """Closure approved by a supervisor: status and stage `closed`."""
        self.ensure_open("đóng hồ sơ")
        change = self._move(CaseStage.CLOSED, now, status=CaseStatus.CLOSED)
        self.closed_at = now
        return change

    def reopen(self, now: datetime) -> StageChange:
        """A closed case is opened again at stage `reopened` (assessment comes next)."""
        if self.status is not CaseStatus.CLOSED:
            raise CaseConflictError("Không thể mở lại: hồ sơ đang mở, chưa đóng.")
        change = self._move(CaseStage.REOPENED, now, status=CaseStatus.OPEN)
        self.closed_at = None
        return change

    def transfer(
        self, commune_code: str, directory: CommuneDirectory, now: datetime
    ) -> StageChange:
        """Move the case to another commune of the province: still open, same stage."""
        self.ensure_open("chuyển hồ sơ")
        commune = directory.get(commune_code)
        if commune is None:
            raise CaseRejectedError(
                "to_commune_code", unknown_commune_message(commune_code, directory)
            )
        if commune.code == self.commune_code:
            raise CaseRejectedError(
                "to_commune_code", "Hồ sơ đã thuộc xã/phường này; hãy chọn xã/phường nhận khác."
            )
        self.commune_code = commune.code
        return self._move(self.stage, now)


@dataclass(frozen=True)
class CaseTransfer:
    """One move of a case between communes, kept as history."""

    id: uuid.UUID
    case_id: uuid.UUID
    from_commune_code: str
    to_commune_code: str
    transferred_by: str
    transferred_at: datetime


def validate_groups(raw_groups: list[str]) -> tuple[str, ...]:
    """Canonical, de-duplicated, ordered as in the law; rejects unknown codes by name."""
    if not raw_groups:
        raise CaseRejectedError(
            "groups", "Cần ít nhất một nhóm trẻ em có hoàn cảnh đặc biệt (mã a … o)."
        )
    try:
        return parse_group_codes(raw_groups)
    except UnknownGroupError as exc:
        raise CaseRejectedError("groups", str(exc)) from exc


def open_case(
    *,
    commune_code: str,
    groups: list[str],
    directory: CommuneDirectory,
    opened_by: str,
    now: datetime,
    child_id: uuid.UUID | None = None,
) -> Case:
    """A new open case at stage `new`; refuses communes outside the province and unknown groups."""
    commune = directory.get(commune_code)
    if commune is None:
        raise CaseRejectedError("commune_code", unknown_commune_message(commune_code, directory))
    return Case(
        id=uuid.uuid4(),
        commune_code=commune.code,
        groups=validate_groups(groups),
        opened_at=now,
        opened_by=opened_by,
        child_id=child_id,
        updated_at=now,
    )


def ensure_child_commune(case_commune: str, child_commune: str) -> None:
    """A case is opened where the child is registered."""
    if case_commune != child_commune:
        raise CaseRejectedError(
            "commune_code",
            f"Xã/phường của hồ sơ ({case_commune}) phải trùng với xã/phường nơi trẻ được đăng ký "
            f"({child_commune}).",
        )
