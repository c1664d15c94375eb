"""Sponsorship (đỡ đầu), after Compassion: a hold while a sponsor decides, a commitment, letters
through the fund, and a replacement offered when the child departs."""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from baotro_registry.domain.children import Child, ChildStatus, age_band
from baotro_registry.domain.pii_guard import LETTER_KINDS, PersonalMarkers, describe
from baotro_registry.domain.pii_guard import find_personal_data as _find
from baotro_shared.events.contracts.registry import AgeBand

HOLD_HOURS = 48
"""How long a child is held for a sponsor who is deciding (Compassion holds for days)."""
LETTER_MAX_LENGTH = 5000
AMOUNT_MAX = 100_000_000
"""đồng per period."""
_DONOR_REF = re.compile(
    r"^donor:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE
)
AGE_BANDS: tuple[AgeBand, ...] = ("0-2", "3-5", "6-10", "11-15", "16-17", "18+")


class SponsorshipRefusedError(Exception):
    """`status` is the HTTP status; `message` Vietnamese, without personal data."""

    def __init__(self, status: int, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


class Period(enum.StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


class SponsorshipStatus(enum.StrEnum):
    ACTIVE = "active"
    ENDED = "ended"
    CHILD_DEPARTED = "child_departed"


class EndReason(enum.StrEnum):
    SPONSOR_STOPPED = "sponsor_stopped"
    PAYMENT_LAPSED = "payment_lapsed"
    CHILD_DEPARTED = "child_departed"
    OTHER = "other"


class HoldStatus(enum.StrEnum):
    ACTIVE = "active"
    RELEASED = "released"
    CONVERTED = "converted"


class LetterDirection(enum.StrEnum):
    TO_CHILD = "to_child"
    FROM_CHILD = "from_child"


def normalise_donor_ref(raw: str, *, field: str) -> str:
    """`donor:<uuid>` from the donations service: never a name, phone or e-mail."""
    ref = raw.strip().lower()
    if not _DONOR_REF.match(ref):
        raise SponsorshipRefusedError(
            422,
            "Mã nhà tài trợ phải có dạng donor:<UUID> (mã của dịch vụ tiếp nhận tài trợ), "
            "không ghi tên, số điện thoại hay email.",
            field=field,
        )
    return ref


@dataclass(frozen=True)
class Hold:
    id: uuid.UUID
    child_id: uuid.UUID
    commune_code: str
    sponsor_ref: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    status: HoldStatus = HoldStatus.ACTIVE
    closed_at: datetime | None = None

    def is_active(self, now: datetime) -> bool:
        """Active until released, converted to a sponsorship, or past its expiry."""
        return self.status is HoldStatus.ACTIVE and now < self.expires_at


@dataclass(frozen=True)
class Sponsorship:
    id: uuid.UUID
    child_id: uuid.UUID
    commune_code: str
    sponsor_ref: str
    payer_ref: str
    amount: int
    period: Period
    started_on: date
    created_by: str
    created_at: datetime
    status: SponsorshipStatus = SponsorshipStatus.ACTIVE
    hold_id: uuid.UUID | None = None
    ended_on: date | None = None
    end_reason: EndReason | None = None

    @property
    def active(self) -> bool:
        return self.status is SponsorshipStatus.ACTIVE


@dataclass(frozen=True)
class Letter:
    id: uuid.UUID
    sponsorship_id: uuid.UUID
    child_id: uuid.UUID
    direction: LetterDirection
    content: str
    recorded_by: str
    recorded_at: datetime


def ensure_child_available(
    child: Child,
    *,
    holds: Sequence[Hold],
    sponsorships: Sequence[Sponsorship],
    now: datetime,
    sponsor_ref: str | None = None,
) -> Hold | None:
    """Refuse a child already sponsored, departed, or held for *another* sponsor; returns the
    caller's own active hold, if any (a sponsorship then converts it)."""
    if child.status is not ChildStatus.ACTIVE:
        raise SponsorshipRefusedError(409, "Trẻ không còn được quỹ theo dõi (đã rời chương trình).")
    if any(s.active for s in sponsorships):
        raise SponsorshipRefusedError(409, "Trẻ đã có người đỡ đầu.")
    active_holds = [h for h in holds if h.is_active(now)]
    own = next((h for h in active_holds if sponsor_ref and h.sponsor_ref == sponsor_ref), None)
    if any(h is not own for h in active_holds):
        raise SponsorshipRefusedError(
            409,
            "Trẻ đang được giữ chỗ cho một nhà tài trợ khác đang cân nhắc; vui lòng chọn trẻ khác "
            "hoặc chờ hết hạn giữ chỗ.",
        )
    return own


def place_hold(
    child: Child,
    *,
    sponsor_ref: str,
    holds: Sequence[Hold],
    sponsorships: Sequence[Sponsorship],
    created_by: str,
    now: datetime,
    hours: int = HOLD_HOURS,
) -> Hold:
    """Hold `child` for `sponsor_ref` for `hours`; 409 when sponsored or held (even by them)."""
    own = ensure_child_available(
        child, holds=holds, sponsorships=sponsorships, now=now, sponsor_ref=sponsor_ref
    )
    if own is not None:
        raise SponsorshipRefusedError(409, "Nhà tài trợ này đang giữ chỗ trẻ này rồi.")
    return Hold(
        id=uuid.uuid4(),
        child_id=child.id,
        commune_code=child.commune_code,
        sponsor_ref=sponsor_ref,
        created_by=created_by,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )


def release_hold(hold: Hold, *, now: datetime, converted: bool = False) -> Hold:
    if not hold.is_active(now):
        raise SponsorshipRefusedError(409, "Giữ chỗ này đã hết hạn hoặc đã kết thúc.")
    status = HoldStatus.CONVERTED if converted else HoldStatus.RELEASED
    return replace(hold, status=status, closed_at=now)


def start_sponsorship(
    child: Child,
    *,
    sponsor_ref: str,
    payer_ref: str | None,
    amount: int,
    period: Period,
    started_on: date,
    holds: Sequence[Hold],
    sponsorships: Sequence[Sponsorship],
    created_by: str,
    now: datetime,
) -> tuple[Sponsorship, Hold | None]:
    """The sponsorship, and the sponsor's own hold converted (if they held the child)."""
    if not 0 < amount <= AMOUNT_MAX:
        raise SponsorshipRefusedError(
            422,
            f"Số tiền cam kết phải lớn hơn 0 và không quá {AMOUNT_MAX:,} đồng mỗi kỳ.".replace(
                ",", "."
            ),
            field="amount",
        )
    if started_on < now.date() - timedelta(days=366):
        raise SponsorshipRefusedError(
            422, "Ngày bắt đầu không được sớm hơn một năm trước.", field="started_on"
        )
    own = ensure_child_available(
        child, holds=holds, sponsorships=sponsorships, now=now, sponsor_ref=sponsor_ref
    )
    sponsorship = Sponsorship(
        id=uuid.uuid4(),
        child_id=child.id,
        commune_code=child.commune_code,
        sponsor_ref=sponsor_ref,
        payer_ref=payer_ref or sponsor_ref,
        amount=amount,
        period=period,
        started_on=started_on,
        created_by=created_by,
        created_at=now,
        hold_id=own.id if own else None,
    )
    converted = release_hold(own, now=now, converted=True) if own else None
    return sponsorship, converted


def end_sponsorship(sponsorship: Sponsorship, *, reason: EndReason, ended_on: date) -> Sponsorship:
    if not sponsorship.active:
        raise SponsorshipRefusedError(409, "Việc đỡ đầu này đã kết thúc trước đó.")
    if ended_on < sponsorship.started_on:
        raise SponsorshipRefusedError(
            422, "Ngày kết thúc không thể trước ngày bắt đầu.", field="ended_on"
        )
    status = (
        SponsorshipStatus.CHILD_DEPARTED
        if reason is EndReason.CHILD_DEPARTED
        else SponsorshipStatus.ENDED
    )
    return replace(sponsorship, status=status, ended_on=ended_on, end_reason=reason)


def band_distance(a: AgeBand, b: AgeBand) -> int:
    return abs(AGE_BANDS.index(a) - AGE_BANDS.index(b))


def choose_replacement(
    departed: Child, candidates: Sequence[Child], *, today: date
) -> Child | None:
    """The child to offer the sponsor instead: an active child of the closest age band, the
    same commune first, then the one waiting longest (registered first)."""
    target = age_band(departed.age_on(today))
    eligible = [c for c in candidates if c.id != departed.id and c.status is ChildStatus.ACTIVE]
    if not eligible:
        return None
    return min(
        eligible,
        key=lambda c: (
            band_distance(age_band(c.age_on(today)), target),
            c.commune_code != departed.commune_code,
            c.created_at,
            str(c.id),
        ),
    )


def check_letter(content: str, markers: PersonalMarkers) -> str:
    """The letter, trimmed; refused when it carries a contact detail or a place (either way)."""
    text = content.strip()
    if not text:
        raise SponsorshipRefusedError(422, "Thư không có nội dung.", field="content")
    if len(text) > LETTER_MAX_LENGTH:
        raise SponsorshipRefusedError(
            422, f"Thư dài tối đa {LETTER_MAX_LENGTH} ký tự.", field="content"
        )
    found = _find(text, markers, kinds=LETTER_KINDS)
    if found:
        raise SponsorshipRefusedError(
            422,
            f"Thư có thông tin liên lạc hoặc địa chỉ: {describe(found)}. Mọi thư từ đều đi qua "
            "quỹ; không ghi số điện thoại, email, mạng xã hội, địa chỉ, trường học hay số giấy "
            "tờ. Hãy bỏ các thông tin này rồi gửi lại.",
            field="content",
        )
    return text
