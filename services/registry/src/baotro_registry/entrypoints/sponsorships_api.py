"""HTTP API of sponsorships: holds, start and end (replacement offered), letters via the fund."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status

from baotro_registry.domain.children import age_band
from baotro_registry.domain.sponsorship import (
    Hold,
    Sponsorship,
    SponsorshipRefusedError,
    SponsorshipStatus,
)
from baotro_registry.entrypoints.dependencies import Directory, Uow
from baotro_registry.entrypoints.sponsorship_schemas import (
    HoldCreate,
    HoldPublic,
    LetterCreate,
    LetterPublic,
    LetterReceipt,
    ReplacementOffer,
    SponsorshipCreate,
    SponsorshipEnd,
    SponsorshipEndResult,
    SponsorshipPage,
    SponsorshipPublic,
)
from baotro_registry.service_layer.sponsorship_handlers import (
    StartSponsorship,
    handle_end_sponsorship,
    handle_list_sponsorships,
    handle_place_hold,
    handle_read_letters,
    handle_read_sponsorship,
    handle_record_letter,
    handle_release_hold,
    handle_start_sponsorship,
)
from baotro_shared.timeutil import VIETNAM, today_in_vietnam
from baotro_shared.web.auth import Principal, Role, require_roles
from baotro_shared.web.paging import Offset
from baotro_shared.web.problems import ProblemError

router = APIRouter(prefix="/v1", tags=["sponsorships"])

Writer = Annotated[
    Principal, Depends(require_roles(Role.CASE_WORKER, Role.SUPERVISOR, Role.FUND_ADMIN))
]
Reader = Annotated[
    Principal,
    Depends(require_roles(Role.CASE_WORKER, Role.SUPERVISOR, Role.FUND_ADMIN, Role.AUDITOR)),
]
LetterReader = Annotated[
    Principal, Depends(require_roles(Role.CASE_WORKER, Role.SUPERVISOR, Role.AUDITOR))
]
"""Letters are personal: the roles that see children's personal data (every read audited)."""


def _problem(exc: SponsorshipRefusedError) -> ProblemError:
    errors = [{"field": exc.field, "message": exc.message}] if exc.field else None
    return ProblemError(exc.status, exc.message, errors=errors)


def _hold(h: Hold) -> HoldPublic:
    return HoldPublic(
        id=h.id,
        child_id=h.child_id,
        sponsor_ref=h.sponsor_ref,
        status=h.status,
        active=h.is_active(datetime.now(UTC)),
        created_at=h.created_at,
        expires_at=h.expires_at,
    )


def _public(s: Sponsorship) -> SponsorshipPublic:
    return SponsorshipPublic(
        id=s.id,
        child_id=s.child_id,
        commune_code=s.commune_code,
        sponsor_ref=s.sponsor_ref,
        payer_ref=s.payer_ref,
        amount=s.amount,
        period=s.period,
        started_on=s.started_on,
        status=s.status,
        ended_on=s.ended_on,
        end_reason=s.end_reason,
        created_at=s.created_at,
    )


@router.post(
    "/children/{child_id}/holds", status_code=status.HTTP_201_CREATED, response_model=HoldPublic
)
async def place_hold(
    child_id: uuid.UUID, body: HoldCreate, uow: Uow, principal: Writer
) -> HoldPublic:
    """Giữ chỗ trẻ cho một nhà tài trợ đang cân nhắc (hết hạn sau 48 giờ)."""
    try:
        hold = await handle_place_hold(
            uow, child_id, sponsor_ref=body.sponsor_ref, principal=principal
        )
    except SponsorshipRefusedError as exc:
        raise _problem(exc) from exc
    return _hold(hold)


@router.post("/holds/{hold_id}/release", response_model=HoldPublic)
async def release_hold(hold_id: uuid.UUID, uow: Uow, principal: Writer) -> HoldPublic:
    """Bỏ giữ chỗ (nhà tài trợ không nhận đỡ đầu)."""
    try:
        return _hold(await handle_release_hold(uow, hold_id, principal=principal))
    except SponsorshipRefusedError as exc:
        raise _problem(exc) from exc


@router.post("/sponsorships", status_code=status.HTTP_201_CREATED, response_model=SponsorshipPublic)
async def start_sponsorship(
    body: SponsorshipCreate, uow: Uow, principal: Writer
) -> SponsorshipPublic:
    """Bắt đầu đỡ đầu: người đỡ đầu, người trả tiền (có thể khác), số tiền, kỳ, ngày bắt đầu."""
    try:
        sponsorship = await handle_start_sponsorship(
            uow,
            StartSponsorship(
                child_id=body.child_id,
                sponsor_ref=body.sponsor_ref,
                payer_ref=body.payer_ref,
                amount=body.amount,
                period=body.period,
                started_on=body.started_on,
            ),
            principal=principal,
        )
    except SponsorshipRefusedError as exc:
        raise _problem(exc) from exc
    return _public(sponsorship)


@router.get("/sponsorships", response_model=SponsorshipPage)
async def list_sponsorships(
    uow: Uow,
    principal: Reader,
    sponsorship_status: Annotated[SponsorshipStatus | None, Query(alias="status")] = None,
    child_id: uuid.UUID | None = None,
    sponsor_ref: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> SponsorshipPage:
    items, total = await handle_list_sponsorships(
        uow,
        principal=principal,
        status=sponsorship_status,
        child_id=child_id,
        sponsor_ref=sponsor_ref,
        limit=limit,
        offset=offset,
    )
    return SponsorshipPage(
        items=[_public(s) for s in items], total=total, limit=limit, offset=offset
    )


@router.get("/sponsorships/{sponsorship_id}", response_model=SponsorshipPublic)
async def read_sponsorship(
    sponsorship_id: uuid.UUID, uow: Uow, principal: Reader
) -> SponsorshipPublic:
    try:
        return _public(await handle_read_sponsorship(uow, sponsorship_id, principal=principal))
    except SponsorshipRefusedError as exc:
        raise _problem(exc) from exc


@router.post("/sponsorships/{sponsorship_id}/end", response_model=SponsorshipEndResult)
async def end_sponsorship(
    sponsorship_id: uuid.UUID, body: SponsorshipEnd, uow: Uow, principal: Writer
) -> SponsorshipEndResult:
    """Kết thúc đỡ đầu; nếu trẻ rời chương trình, đề xuất (và giữ chỗ) một trẻ khác."""
    try:
        ended = await handle_end_sponsorship(
            uow, sponsorship_id, reason=body.reason, ended_on=body.ended_on, principal=principal
        )
    except SponsorshipRefusedError as exc:
        raise _problem(exc) from exc
    offer = None
    if ended.replacement is not None and ended.replacement_hold is not None:
        offer = ReplacementOffer(
            child_id=ended.replacement.id,
            age_band=age_band(ended.replacement.age_on(today_in_vietnam())),
            hold_id=ended.replacement_hold.id,
            hold_expires_at=ended.replacement_hold.expires_at.astimezone(VIETNAM),
        )
    return SponsorshipEndResult(sponsorship=_public(ended.sponsorship), replacement=offer)


@router.post(
    "/sponsorships/{sponsorship_id}/letters",
    status_code=status.HTTP_201_CREATED,
    response_model=LetterReceipt,
)
async def record_letter(
    sponsorship_id: uuid.UUID, body: LetterCreate, uow: Uow, principal: Writer, directory: Directory
) -> LetterReceipt:
    """Ghi nhận thư gửi trẻ hoặc thư trẻ gửi (qua quỹ); không có thông tin liên lạc."""
    try:
        letter = await handle_record_letter(
            uow,
            sponsorship_id,
            direction=body.direction,
            content=body.content,
            principal=principal,
            directory=directory,
        )
    except SponsorshipRefusedError as exc:
        raise _problem(exc) from exc
    return LetterReceipt(
        id=letter.id,
        sponsorship_id=letter.sponsorship_id,
        direction=letter.direction,
        recorded_at=letter.recorded_at,
    )


@router.get("/sponsorships/{sponsorship_id}/letters", response_model=list[LetterPublic])
async def read_letters(
    sponsorship_id: uuid.UUID, request: Request, uow: Uow, principal: LetterReader
) -> list[LetterPublic]:
    """Thư của một việc đỡ đầu; mỗi lần đọc được ghi nhật ký."""
    try:
        letters = await handle_read_letters(
            uow, sponsorship_id, principal=principal, path=request.url.path
        )
    except SponsorshipRefusedError as exc:
        raise _problem(exc) from exc
    return [
        LetterPublic(
            id=x.id,
            sponsorship_id=x.sponsorship_id,
            direction=x.direction,
            content=x.content,
            recorded_by=x.recorded_by,
            recorded_at=x.recorded_at,
        )
        for x in letters
    ]
