"""Sponsorship use cases: hold, start, end (with a replacement offered), letters through the fund.

One transaction each; the child's row is locked while a hold or a sponsorship is decided, so
two sponsors cannot take one child.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import structlog

from baotro_registry.domain.children import Child, ChildStatus
from baotro_registry.domain.communes import CommuneDirectory
from baotro_registry.domain.pii_guard import markers_of
from baotro_registry.domain.sponsorship import (
    EndReason,
    Hold,
    Letter,
    LetterDirection,
    Period,
    Sponsorship,
    SponsorshipRefusedError,
    SponsorshipStatus,
    check_letter,
    choose_replacement,
    end_sponsorship,
    normalise_donor_ref,
    place_hold,
    release_hold,
    start_sponsorship,
)
from baotro_registry.service_layer.unit_of_work import RegistryUnitOfWork
from baotro_shared.events.contracts.registry import SponsorshipEnded, SponsorshipStarted
from baotro_shared.timeutil import today_in_vietnam
from baotro_shared.web.auth import Principal

log = structlog.get_logger(__name__)

CHILD_NOT_FOUND = "Không tìm thấy trẻ này trong địa bàn của bạn."
NOT_FOUND = "Không tìm thấy việc đỡ đầu này trong địa bàn của bạn."
REPLACEMENT_YEARS = 5
"""How far (in birth years) to look for a replacement child of a similar age."""


async def _locked_child(
    uow: RegistryUnitOfWork, child_id: uuid.UUID, principal: Principal
) -> Child:
    child = await uow.children.get(child_id, communes=principal.scope_filter(), personal=False)
    if child is None:
        raise SponsorshipRefusedError(404, CHILD_NOT_FOUND)
    await uow.sponsorships.lock_child(child_id)
    return child


async def handle_place_hold(
    uow: RegistryUnitOfWork, child_id: uuid.UUID, *, sponsor_ref: str, principal: Principal
) -> Hold:
    """Hold a child for a sponsor who is deciding; 409 if sponsored or held already."""
    sponsor = normalise_donor_ref(sponsor_ref, field="sponsor_ref")
    async with uow:
        child = await _locked_child(uow, child_id, principal)
        hold = place_hold(
            child,
            sponsor_ref=sponsor,
            holds=await uow.sponsorships.open_holds(child_id),
            sponsorships=await uow.sponsorships.active_of_child(child_id),
            created_by=principal.sub,
            now=datetime.now(UTC),
        )
        await uow.sponsorships.add_hold(hold)
        await uow.commit()
    log.info("registry.sponsorship.hold_placed", hold_id=str(hold.id), child_id=str(child_id))
    return hold


async def handle_release_hold(
    uow: RegistryUnitOfWork, hold_id: uuid.UUID, *, principal: Principal
) -> Hold:
    async with uow:
        hold = await uow.sponsorships.get_hold(hold_id, communes=principal.scope_filter())
        if hold is None:
            raise SponsorshipRefusedError(404, "Không tìm thấy giữ chỗ này trong địa bàn của bạn.")
        released = release_hold(hold, now=datetime.now(UTC))
        await uow.sponsorships.save_hold(released)
        await uow.commit()
    return released


@dataclass(frozen=True)
class StartSponsorship:
    child_id: uuid.UUID
    sponsor_ref: str
    payer_ref: str | None
    amount: int
    period: Period
    started_on: date


async def handle_start_sponsorship(
    uow: RegistryUnitOfWork, command: StartSponsorship, *, principal: Principal
) -> Sponsorship:
    """Start; the sponsor's own hold (if any) is converted; `sponsorship.started` announced."""
    sponsor = normalise_donor_ref(command.sponsor_ref, field="sponsor_ref")
    payer = normalise_donor_ref(command.payer_ref, field="payer_ref") if command.payer_ref else None
    async with uow:
        child = await _locked_child(uow, command.child_id, principal)
        sponsorship, converted = start_sponsorship(
            child,
            sponsor_ref=sponsor,
            payer_ref=payer,
            amount=command.amount,
            period=command.period,
            started_on=command.started_on,
            holds=await uow.sponsorships.open_holds(child.id),
            sponsorships=await uow.sponsorships.active_of_child(child.id),
            created_by=principal.sub,
            now=datetime.now(UTC),
        )
        if converted is not None:
            await uow.sponsorships.save_hold(converted)
        await uow.sponsorships.add(sponsorship)
        await uow.publish(
            SponsorshipStarted(
                sponsorship_id=sponsorship.id,
                child_id=sponsorship.child_id,
                commune_code=sponsorship.commune_code,
                sponsor_ref=sponsorship.sponsor_ref,
                payer_ref=sponsorship.payer_ref,
                amount=sponsorship.amount,
                period=sponsorship.period.value,
                started_on=sponsorship.started_on,
            )
        )
        await uow.commit()
    log.info("registry.sponsorship.started", sponsorship_id=str(sponsorship.id))
    return sponsorship


@dataclass(frozen=True)
class Ended:
    sponsorship: Sponsorship
    replacement: Child | None
    """When the child departed: a child to offer the sponsor, held for them."""
    replacement_hold: Hold | None


async def handle_end_sponsorship(
    uow: RegistryUnitOfWork,
    sponsorship_id: uuid.UUID,
    *,
    reason: EndReason,
    ended_on: date | None,
    principal: Principal,
) -> Ended:
    """End; when the child departed, offer the sponsor an unsponsored child of a similar age
    (same province, the caller's area) and hold that child for them."""
    now = datetime.now(UTC)
    today = today_in_vietnam()
    async with uow:
        current = await uow.sponsorships.get(sponsorship_id, communes=principal.scope_filter())
        if current is None:
            raise SponsorshipRefusedError(404, NOT_FOUND)
        await uow.sponsorships.lock_child(current.child_id)
        ended = end_sponsorship(current, reason=reason, ended_on=ended_on or today)
        await uow.sponsorships.save(ended)
        await uow.publish(
            SponsorshipEnded(
                sponsorship_id=ended.id,
                child_id=ended.child_id,
                status=ended.status.value,
                ended_on=ended.ended_on or today,
            )
        )
        replacement, hold = None, None
        if ended.status is SponsorshipStatus.CHILD_DEPARTED:
            await uow.children.set_status(ended.child_id, ChildStatus.DEPARTED, at=now)
            departed = await uow.children.get(ended.child_id, communes=None, personal=False)
            if departed is not None:
                replacement, hold = await _offer_replacement(
                    uow, departed, ended.sponsor_ref, principal=principal, now=now
                )
        await uow.commit()
    log.info(
        "registry.sponsorship.ended",
        sponsorship_id=str(sponsorship_id),
        status=ended.status.value,
        replacement_offered=replacement is not None,
    )
    return Ended(ended, replacement, hold)


async def _offer_replacement(
    uow: RegistryUnitOfWork,
    departed: Child,
    sponsor_ref: str,
    *,
    principal: Principal,
    now: datetime,
) -> tuple[Child | None, Hold | None]:
    candidates = await uow.sponsorships.available_children(
        communes=principal.scope_filter(),
        birth_years=(
            departed.birth_year - REPLACEMENT_YEARS,
            departed.birth_year + REPLACEMENT_YEARS,
        ),
        now=now,
    )
    chosen = choose_replacement(departed, candidates, today=today_in_vietnam())
    if chosen is None:
        return None, None
    await uow.sponsorships.lock_child(chosen.id)
    hold = place_hold(
        chosen,
        sponsor_ref=sponsor_ref,
        holds=await uow.sponsorships.open_holds(chosen.id),
        sponsorships=await uow.sponsorships.active_of_child(chosen.id),
        created_by=principal.sub,
        now=now,
    )
    await uow.sponsorships.add_hold(hold)
    return chosen, hold


async def handle_read_sponsorship(
    uow: RegistryUnitOfWork, sponsorship_id: uuid.UUID, *, principal: Principal
) -> Sponsorship:
    async with uow:
        found = await uow.sponsorships.get(sponsorship_id, communes=principal.scope_filter())
    if found is None:
        raise SponsorshipRefusedError(404, NOT_FOUND)
    return found


async def handle_list_sponsorships(
    uow: RegistryUnitOfWork,
    *,
    principal: Principal,
    status: SponsorshipStatus | None,
    child_id: uuid.UUID | None,
    sponsor_ref: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Sponsorship], int]:
    async with uow:
        return await uow.sponsorships.find(
            communes=principal.scope_filter(),
            status=status,
            child_id=child_id,
            sponsor_ref=sponsor_ref.strip().lower() if sponsor_ref else None,
            limit=limit,
            offset=offset,
        )


async def handle_record_letter(
    uow: RegistryUnitOfWork,
    sponsorship_id: uuid.UUID,
    *,
    direction: LetterDirection,
    content: str,
    principal: Principal,
    directory: CommuneDirectory,
) -> Letter:
    """Record a letter passed through the fund; no contact detail or place either way. The
    child's data is decrypted only to check the letter (not shown: not an audited read)."""
    async with uow:
        sponsorship = await uow.sponsorships.get(sponsorship_id, communes=principal.scope_filter())
        if sponsorship is None:
            raise SponsorshipRefusedError(404, NOT_FOUND)
        if not sponsorship.active:
            raise SponsorshipRefusedError(409, "Việc đỡ đầu đã kết thúc; không ghi thư mới.")
        child = await uow.children.get(sponsorship.child_id, communes=None, personal=True)
        if child is None:
            raise SponsorshipRefusedError(404, CHILD_NOT_FOUND)
        commune = directory.get(child.commune_code)
        markers = markers_of(
            child,
            place_names=(commune.name,) if commune else (),
            province_name=directory.province_name,
        )
        letter = Letter(
            id=uuid.uuid4(),
            sponsorship_id=sponsorship.id,
            child_id=sponsorship.child_id,
            direction=direction,
            content=check_letter(content, markers),
            recorded_by=principal.sub,
            recorded_at=datetime.now(UTC),
        )
        await uow.sponsorships.add_letter(letter)
        await uow.commit()
    log.info("registry.sponsorship.letter_recorded", sponsorship_id=str(sponsorship_id))
    return letter


async def handle_read_letters(
    uow: RegistryUnitOfWork, sponsorship_id: uuid.UUID, *, principal: Principal, path: str
) -> list[Letter]:
    """The letters of a sponsorship; every read is in the access audit."""
    async with uow:
        sponsorship = await uow.sponsorships.get(sponsorship_id, communes=principal.scope_filter())
        if sponsorship is None:
            raise SponsorshipRefusedError(404, NOT_FOUND)
        letters = await uow.sponsorships.letters(sponsorship_id)
        await uow.audit.record_reads(
            actor_sub=principal.sub,
            actor_role=principal.role.value,
            child_ids=[sponsorship.child_id],
            fields=["sponsorship_letters"],
            action="read_letters",
            path=path,
        )
        await uow.commit()
    return letters
