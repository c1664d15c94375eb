"""Holds, sponsorships and letters; letters are encrypted, a child row is locked per decision."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_registry.adapters.orm_children import ChildRecord
from baotro_registry.adapters.orm_sponsorships import (
    SponsorshipHoldRecord,
    SponsorshipLetterRecord,
    SponsorshipRecord,
)
from baotro_registry.domain.children import Child, ChildStatus, PersonalData
from baotro_registry.domain.sponsorship import (
    EndReason,
    Hold,
    HoldStatus,
    Letter,
    LetterDirection,
    Period,
    Sponsorship,
    SponsorshipStatus,
)
from baotro_shared.crypto import FieldCipher


def _letter_context(letter_id: uuid.UUID) -> str:
    return f"sponsorship_letters:{letter_id}:content"


def _hold(r: SponsorshipHoldRecord) -> Hold:
    return Hold(
        id=r.id,
        child_id=r.child_id,
        commune_code=r.commune_code,
        sponsor_ref=r.sponsor_ref,
        created_by=r.created_by,
        created_at=r.created_at,
        expires_at=r.expires_at,
        status=HoldStatus(r.status),
        closed_at=r.closed_at,
    )


def _sponsorship(r: SponsorshipRecord) -> Sponsorship:
    return Sponsorship(
        id=r.id,
        child_id=r.child_id,
        commune_code=r.commune_code,
        sponsor_ref=r.sponsor_ref,
        payer_ref=r.payer_ref,
        amount=r.amount,
        period=Period(r.period),
        started_on=r.started_on,
        created_by=r.created_by,
        created_at=r.created_at,
        status=SponsorshipStatus(r.status),
        hold_id=r.hold_id,
        ended_on=r.ended_on,
        end_reason=EndReason(r.end_reason) if r.end_reason else None,
    )


class SponsorshipRepository:
    def __init__(self, session: AsyncSession, cipher: FieldCipher) -> None:
        self._session = session
        self._cipher = cipher

    async def lock_child(self, child_id: uuid.UUID) -> None:
        """Serialise holds and sponsorships of one child (two sponsors cannot both take it)."""
        await self._session.execute(
            select(ChildRecord.id).where(ChildRecord.id == child_id).with_for_update()
        )

    # -- holds --------------------------------------------------------------------------
    async def add_hold(self, hold: Hold) -> None:
        self._session.add(
            SponsorshipHoldRecord(
                id=hold.id,
                child_id=hold.child_id,
                commune_code=hold.commune_code,
                sponsor_ref=hold.sponsor_ref,
                status=hold.status.value,
                created_by=hold.created_by,
                created_at=hold.created_at,
                expires_at=hold.expires_at,
                closed_at=hold.closed_at,
            )
        )
        await self._session.flush()

    async def save_hold(self, hold: Hold) -> None:
        record = await self._session.get(SponsorshipHoldRecord, hold.id)
        if record is None:
            raise LookupError(hold.id)
        record.status = hold.status.value
        record.closed_at = hold.closed_at
        await self._session.flush()

    async def get_hold(
        self, hold_id: uuid.UUID, *, communes: Collection[str] | None
    ) -> Hold | None:
        stmt = select(SponsorshipHoldRecord).where(SponsorshipHoldRecord.id == hold_id)
        if communes is not None:
            stmt = stmt.where(SponsorshipHoldRecord.commune_code.in_(communes))
        row = (await self._session.execute(stmt)).scalar_one_or_none()
        return _hold(row) if row else None

    async def open_holds(self, child_id: uuid.UUID) -> list[Hold]:
        """Holds not released nor converted (some may have expired: see `Hold.is_active`)."""
        rows = (
            await self._session.execute(
                select(SponsorshipHoldRecord).where(
                    SponsorshipHoldRecord.child_id == child_id,
                    SponsorshipHoldRecord.status == HoldStatus.ACTIVE.value,
                )
            )
        ).scalars()
        return [_hold(r) for r in rows]

    # -- sponsorships -------------------------------------------------------------------
    async def add(self, s: Sponsorship) -> None:
        self._session.add(
            SponsorshipRecord(
                id=s.id,
                child_id=s.child_id,
                commune_code=s.commune_code,
                sponsor_ref=s.sponsor_ref,
                payer_ref=s.payer_ref,
                amount=s.amount,
                period=s.period.value,
                started_on=s.started_on,
                status=s.status.value,
                hold_id=s.hold_id,
                created_by=s.created_by,
                created_at=s.created_at,
            )
        )
        await self._session.flush()

    async def save(self, s: Sponsorship) -> None:
        record = await self._session.get(SponsorshipRecord, s.id)
        if record is None:
            raise LookupError(s.id)
        record.status = s.status.value
        record.ended_on = s.ended_on
        record.end_reason = s.end_reason.value if s.end_reason else None
        await self._session.flush()

    async def get(
        self, sponsorship_id: uuid.UUID, *, communes: Collection[str] | None
    ) -> Sponsorship | None:
        stmt = select(SponsorshipRecord).where(SponsorshipRecord.id == sponsorship_id)
        if communes is not None:
            stmt = stmt.where(SponsorshipRecord.commune_code.in_(communes))
        row = (await self._session.execute(stmt)).scalar_one_or_none()
        return _sponsorship(row) if row else None

    async def active_of_child(self, child_id: uuid.UUID) -> list[Sponsorship]:
        rows = (
            await self._session.execute(
                select(SponsorshipRecord).where(
                    SponsorshipRecord.child_id == child_id,
                    SponsorshipRecord.status == SponsorshipStatus.ACTIVE.value,
                )
            )
        ).scalars()
        return [_sponsorship(r) for r in rows]

    async def find(
        self,
        *,
        communes: Collection[str] | None,
        status: SponsorshipStatus | None = None,
        child_id: uuid.UUID | None = None,
        sponsor_ref: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[Sponsorship], int]:
        stmt = select(SponsorshipRecord)
        if communes is not None:
            stmt = stmt.where(SponsorshipRecord.commune_code.in_(communes))
        if status is not None:
            stmt = stmt.where(SponsorshipRecord.status == status.value)
        if child_id is not None:
            stmt = stmt.where(SponsorshipRecord.child_id == child_id)
        if sponsor_ref is not None:
            stmt = stmt.where(SponsorshipRecord.sponsor_ref == sponsor_ref)
        total = (
            await self._session.execute(select(func.count()).select_from(stmt.subquery()))
        ).scalar_one()
        rows = (
            await self._session.execute(
                stmt.order_by(SponsorshipRecord.created_at.desc(), SponsorshipRecord.id)
                .limit(limit)
                .offset(offset)
            )
        ).scalars()
        return [_sponsorship(r) for r in rows], int(total)

    async def available_children(
        self,
        *,
        communes: Collection[str] | None,
        birth_years: tuple[int, int],
        now: datetime,
        limit: int = 200,
    ) -> list[Child]:
        """Active children born in `birth_years` (inclusive) with neither an active
        sponsorship nor an unexpired hold; without personal data."""
        sponsored = select(SponsorshipRecord.child_id).where(
            SponsorshipRecord.status == SponsorshipStatus.ACTIVE.value
        )
        held = select(SponsorshipHoldRecord.child_id).where(
            SponsorshipHoldRecord.status == HoldStatus.ACTIVE.value,
            SponsorshipHoldRecord.expires_at > now,
        )
        stmt = select(ChildRecord).where(
            ChildRecord.status == ChildStatus.ACTIVE.value,
            ChildRecord.birth_year.between(*birth_years),
            ChildRecord.id.not_in(sponsored),
            ChildRecord.id.not_in(held),
        )
        if communes is not None:
            stmt = stmt.where(ChildRecord.commune_code.in_(communes))
        rows = (
            await self._session.execute(
                stmt.order_by(ChildRecord.created_at, ChildRecord.id).limit(limit)
            )
        ).scalars()
        return [
            Child(
                id=r.id,
                commune_code=r.commune_code,
                birth_year=r.birth_year,
                personal=PersonalData(full_name=""),
                created_at=r.created_at,
                created_by=r.created_by,
                updated_at=r.updated_at,
                groups=tuple(r.groups),
                status=ChildStatus(r.status),
            )
            for r in rows
        ]

    # -- letters ------------------------------------------------------------------------
    async def add_letter(self, letter: Letter) -> None:
        content = self._cipher.encrypt(letter.content, context=_letter_context(letter.id))
        assert content is not None
        self._session.add(
            SponsorshipLetterRecord(
                id=letter.id,
                sponsorship_id=letter.sponsorship_id,
                child_id=letter.child_id,
                direction=letter.direction.value,
                key_id=self._cipher.active_key_id,
                content_enc=content,
                recorded_by=letter.recorded_by,
                recorded_at=letter.recorded_at,
            )
        )
        await self._session.flush()

    async def letters(self, sponsorship_id: uuid.UUID) -> list[Letter]:
        rows = (
            await self._session.execute(
                select(SponsorshipLetterRecord)
                .where(SponsorshipLetterRecord.sponsorship_id == sponsorship_id)
                .order_by(SponsorshipLetterRecord.recorded_at, SponsorshipLetterRecord.id)
            )
        ).scalars()
        return [
            Letter(
                id=r.id,
                sponsorship_id=r.sponsorship_id,
                child_id=r.child_id,
                direction=LetterDirection(r.direction),
                content=self._cipher.decrypt(r.content_enc, context=_letter_context(r.id)) or "",
                recorded_by=r.recorded_by,
                recorded_at=r.recorded_at,
            )
            for r in rows
        ]


__all__ = ["SponsorshipRepository"]
