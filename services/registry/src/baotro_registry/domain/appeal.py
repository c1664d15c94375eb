"""A public appeal (bài kêu gọi): generated from a case, anonymised, approved by a supervisor.

Only the anonymised public form is ever shown: a neutral alias, an age band, the province, the
kind of need, the amount sought and a story checked for personal data. Children of the
sensitive groups (đ, e, g, l, m) never appear, even anonymised.
"""

from __future__ import annotations

import enum
import hashlib
import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from baotro_registry.domain.children import Child
from baotro_registry.domain.consent import Consent, ConsentPurpose, missing_givers
from baotro_registry.domain.legal_groups import LEGAL_GROUPS
from baotro_registry.domain.pii_guard import PersonalMarkers, describe, find_personal_data
from baotro_shared.events.contracts.registry import AgeBand
from baotro_shared.text import fold

STORY_MAX_LENGTH = 1000
AMOUNT_MAX = 2_000_000_000
"""đồng: an appeal for one child above this is a campaign, not an appeal."""


class NeedKind(enum.StrEnum):
    TUITION = "tuition"
    SCHOOL_SUPPLIES = "school_supplies"
    SURGERY = "surgery"
    MEDICAL_TREATMENT = "medical_treatment"
    NUTRITION = "nutrition"
    HOUSING = "housing"
    LIVING_COSTS = "living_costs"
    ASSISTIVE_DEVICE = "assistive_device"
    VOCATIONAL_TRAINING = "vocational_training"


NEED_NAMES_VI: dict[NeedKind, str] = {
    NeedKind.TUITION: "Học phí",
    NeedKind.SCHOOL_SUPPLIES: "Sách vở, đồ dùng học tập",
    NeedKind.SURGERY: "Phẫu thuật",
    NeedKind.MEDICAL_TREATMENT: "Điều trị bệnh",
    NeedKind.NUTRITION: "Dinh dưỡng",
    NeedKind.HOUSING: "Nhà ở, sửa nhà",
    NeedKind.LIVING_COSTS: "Chi phí sinh hoạt",
    NeedKind.ASSISTIVE_DEVICE: "Dụng cụ hỗ trợ (xe lăn, máy trợ thính …)",
    NeedKind.VOCATIONAL_TRAINING: "Học nghề",
}


class AppealStatus(enum.StrEnum):
    PENDING_APPROVAL = "pending_approval"
    PUBLISHED = "published"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


ACTIVE_STATUSES = frozenset({AppealStatus.PENDING_APPROVAL, AppealStatus.PUBLISHED})
"""An appeal in these states is (or may soon be) on the portal."""


class WithdrawReason(enum.StrEnum):
    CONSENT_WITHDRAWN = "consent_withdrawn"
    CASE_CLOSED = "case_closed"
    SUPERVISOR = "supervisor"
    CHILD_DEPARTED = "child_departed"


class AppealRefusedError(Exception):
    """An appeal that may not be created or published; `status` is the HTTP status to use,
    `message` Vietnamese, and never contains the child's data."""

    def __init__(self, status: int, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


ALIAS_WORDS = (
    "Mây",
    "Sao",
    "Nắng",
    "Gió",
    "Trăng",
    "Suối",
    "Lúa",
    "Mầm",
    "Sóc",
    "Sương",
    "Cỏ",
    "Bướm",
    "Biển",
    "Rừng",
    "Chồi",
    "Hạt Dẻ",
)
"""Neutral words, none a common Vietnamese given name's first letter on purpose."""


def alias_for(appeal_id: uuid.UUID, band: AgeBand, full_name: str) -> str:
    """A neutral alias (`Em Mây`, `Bé Sao`), deterministic per appeal, that shares neither a
    word nor the initial of any word of the child's name (so it cannot hint at it)."""
    name_words = {fold(w) for w in full_name.split()}
    initials = {w[0] for w in name_words if w}
    start = int.from_bytes(hashlib.sha256(appeal_id.bytes).digest()[:4], "big")
    prefix = "Bé" if band in ("0-2", "3-5") else "Em"
    for k in range(len(ALIAS_WORDS)):
        word = ALIAS_WORDS[(start + k) % len(ALIAS_WORDS)]
        folded = fold(word)
        if folded[0] not in initials and not set(folded.split()) & name_words:
            return f"{prefix} {word}"
    return f"{prefix} Nhỏ"  # every alias clashed: a name with sixteen distinct initials


def sensitive_groups(groups: tuple[str, ...] | list[str]) -> list[str]:
    return [g for g in groups if g in LEGAL_GROUPS and LEGAL_GROUPS[g].sensitive]


def ensure_may_appear_publicly(groups: tuple[str, ...] | list[str]) -> None:
    """UNICEF reporting guidelines: groups đ, e, g, l, m never appear, even anonymised."""
    if sensitive_groups(groups):
        raise AppealRefusedError(
            422,
            "Trẻ thuộc nhóm cần bảo vệ đặc biệt (nhiễm HIV/AIDS, vi phạm pháp luật, nghiện ma "
            "túy, bị xâm hại tình dục, bị mua bán) không được đưa lên bài kêu gọi công khai, "
            "kể cả khi đã ẩn danh.",
            field="groups",
        )


def ensure_public_consent(consents: list[Consent], child_age: int) -> None:
    missing = missing_givers(consents, ConsentPurpose.PUBLIC_APPEAL, child_age)
    if missing:
        raise AppealRefusedError(
            422,
            "Chưa có sự đồng ý cho bài kêu gọi công khai (mục đích public_appeal) của: "
            f"{', '.join(missing)}.",
            field="consent",
        )


def check_story(story: str | None, markers: PersonalMarkers) -> str | None:
    """The story, trimmed, or None; refused when it carries personal data (kinds named only)."""
    if story is None or not story.strip():
        return None
    story = " ".join(story.split())
    if len(story) > STORY_MAX_LENGTH:
        raise AppealRefusedError(
            422, f"Câu chuyện dài tối đa {STORY_MAX_LENGTH} ký tự.", field="story"
        )
    found = find_personal_data(story, markers)
    if found:
        raise AppealRefusedError(
            422,
            f"Câu chuyện có thông tin có thể nhận ra trẻ: {describe(found)}. Hãy bỏ các thông tin "
            "này (chỉ nêu hoàn cảnh và nhu cầu, không nêu tên, trường, thôn xóm, số giấy tờ, số "
            "điện thoại) rồi gửi lại.",
            field="story",
        )
    return story


@dataclass(frozen=True)
class Appeal:
    id: uuid.UUID
    case_id: uuid.UUID
    child_id: uuid.UUID
    commune_code: str
    alias: str
    age_band: AgeBand
    province_code: str
    province_name: str
    need_kind: NeedKind
    amount_sought: int
    story: str | None
    status: AppealStatus
    created_by: str
    created_at: datetime
    amount_raised: int = 0
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    review_comment: str | None = None
    published_at: datetime | None = None
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None
    withdraw_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES


def draft_appeal(
    *,
    appeal_id: uuid.UUID,
    case_id: uuid.UUID,
    child: Child,
    band: AgeBand,
    province_code: str,
    province_name: str,
    need_kind: NeedKind,
    amount_sought: int,
    story: str | None,
    created_by: str,
    now: datetime,
) -> Appeal:
    """A new appeal awaiting a supervisor; the caller has checked groups, consent and story."""
    if not 0 < amount_sought <= AMOUNT_MAX:
        raise AppealRefusedError(
            422,
            f"Số tiền kêu gọi phải lớn hơn 0 và không quá {AMOUNT_MAX:,} đồng.".replace(",", "."),
            field="amount_sought",
        )
    return Appeal(
        id=appeal_id,
        case_id=case_id,
        child_id=child.id,
        commune_code=child.commune_code,
        alias=alias_for(appeal_id, band, child.personal.full_name),
        age_band=band,
        province_code=province_code,
        province_name=province_name,
        need_kind=need_kind,
        amount_sought=amount_sought,
        story=story,
        status=AppealStatus.PENDING_APPROVAL,
        created_by=created_by,
        created_at=now,
    )


def approve(appeal: Appeal, *, by: str, now: datetime, comment: str | None) -> Appeal:
    """Publish; the author may not approve their own appeal (four eyes)."""
    if appeal.status is not AppealStatus.PENDING_APPROVAL:
        raise AppealRefusedError(409, "Chỉ duyệt được bài kêu gọi đang chờ duyệt.")
    if appeal.created_by == by:
        raise AppealRefusedError(
            403, "Không thể tự duyệt bài kêu gọi do chính mình lập; cần một giám sát khác duyệt."
        )
    return replace(
        appeal,
        status=AppealStatus.PUBLISHED,
        reviewed_by=by,
        reviewed_at=now,
        review_comment=comment,
        published_at=now,
    )


def reject(appeal: Appeal, *, by: str, now: datetime, comment: str) -> Appeal:
    if appeal.status is not AppealStatus.PENDING_APPROVAL:
        raise AppealRefusedError(409, "Chỉ từ chối được bài kêu gọi đang chờ duyệt.")
    if appeal.created_by == by:
        raise AppealRefusedError(403, "Không thể tự xét duyệt bài kêu gọi do chính mình lập.")
    if not comment.strip():
        raise AppealRefusedError(422, "Cần ghi lý do từ chối.", field="comment")
    return replace(
        appeal,
        status=AppealStatus.REJECTED,
        reviewed_by=by,
        reviewed_at=now,
        review_comment=comment.strip(),
    )


def withdraw(appeal: Appeal, *, by: str, now: datetime, reason: WithdrawReason) -> Appeal:
    """Off the portal at once; only a pending or published appeal can be withdrawn."""
    if not appeal.active:
        raise AppealRefusedError(409, "Bài kêu gọi này không còn hiệu lực để gỡ.")
    return replace(
        appeal,
        status=AppealStatus.WITHDRAWN,
        withdrawn_at=now,
        withdrawn_by=by,
        withdraw_reason=reason.value,
    )
