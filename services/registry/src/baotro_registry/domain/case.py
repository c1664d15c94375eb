"""A case: the fund's work with one child, in one commune, for one or more legal groups."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime

from baotro_registry.domain.communes import CommuneDirectory
from baotro_registry.domain.legal_groups import LEGAL_GROUPS, normalise_group_code


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


class CaseRejectedError(ValueError):
    """A case that cannot be opened as asked; `field` names the offending input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


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


def validate_groups(raw_groups: list[str]) -> tuple[str, ...]:
    """Canonical, de-duplicated, ordered as in the law; rejects unknown codes by name."""
    if not raw_groups:
        raise CaseRejectedError(
            "groups", "Cần ít nhất một nhóm trẻ em có hoàn cảnh đặc biệt (mã a … o)."
        )
    codes = [normalise_group_code(g) for g in raw_groups]
    unknown = [raw for raw, code in zip(raw_groups, codes, strict=True) if code not in LEGAL_GROUPS]
    if unknown:
        valid = ", ".join(LEGAL_GROUPS)
        raise CaseRejectedError(
            "groups",
            f"Mã nhóm không hợp lệ: {', '.join(repr(u) for u in unknown)}. Các mã theo Điều 10 "
            f"Luật Trẻ em 2016 là: {valid}.",
        )
    order = list(LEGAL_GROUPS)
    return tuple(sorted(set(codes), key=order.index))


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
        raise CaseRejectedError(
            "commune_code",
            f"Mã xã/phường '{commune_code}' không thuộc {directory.province_name} "
            f"(dùng mã đơn vị hành chính mới từ 01/7/2025, {len(directory.communes)} xã, phường).",
        )
    return Case(
        id=uuid.uuid4(),
        commune_code=commune.code,
        groups=validate_groups(groups),
        opened_at=now,
        opened_by=opened_by,
        child_id=child_id,
    )
