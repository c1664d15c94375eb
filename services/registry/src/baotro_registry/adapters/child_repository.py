"""Children: encryption of personal fields on the way in and out, scoped queries."""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlalchemy import Select, Text, and_, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_registry.adapters.orm_children import (
    AtRiskCategoryRecord,
    ChildLinkRecord,
    ChildRecord,
    LegalSubgroupRecord,
)
from baotro_registry.domain.children import (
    PERSONAL_FIELDS,
    Child,
    ChildStatus,
    PersonalData,
    Sex,
)
from baotro_shared.crypto import FieldCipher
from baotro_shared.text import fold

_REDACTED = PersonalData(full_name="")


def _context(child_id: uuid.UUID, field: str) -> str:
    return f"children:{child_id}:{field}"


class ChildRepository:
    def __init__(self, session: AsyncSession, cipher: FieldCipher) -> None:
        self._session = session
        self._cipher = cipher

    # -- encryption -------------------------------------------------------------------
    def _seal(self, record: ChildRecord, child: Child) -> None:
        p = child.personal
        values: dict[str, str | None] = {
            "full_name": p.full_name,
            "date_of_birth": p.date_of_birth.isoformat() if p.date_of_birth else None,
            "national_id": p.national_id,
            "address": p.address,
            "guardian_name": p.guardian_name,
            "guardian_phone": p.guardian_phone,
            "photo_ref": p.photo_ref,
            "health_notes": p.health_notes,
            "school": p.school,
        }
        for name, value in values.items():
            setattr(
                record, f"{name}_enc", self._cipher.encrypt(value, context=_context(child.id, name))
            )
        record.key_id = self._cipher.active_key_id
        record.name_bidx = self._cipher.blind_index(fold(p.full_name), purpose="child.name")
        record.national_id_bidx = (
            self._cipher.blind_index(p.national_id, purpose="child.national_id")
            if p.national_id
            else None
        )
        record.guardian_bidx = (
            self._cipher.blind_index(fold(p.guardian_name), purpose="child.guardian")
            if p.guardian_name
            else None
        )

    def _open(self, record: ChildRecord, only: Collection[str] | None = None) -> PersonalData:
        """Decrypt the personal fields (only those named in `only`, when given)."""

        def get(name: str) -> str | None:
            if only is not None and name not in only:
                return None
            return self._cipher.decrypt(
                getattr(record, f"{name}_enc"), context=_context(record.id, name)
            )

        dob = get("date_of_birth")
        return PersonalData(
            full_name=get("full_name") or "",
            date_of_birth=date.fromisoformat(dob) if dob else None,
            national_id=get("national_id"),
            address=get("address"),
            guardian_name=get("guardian_name"),
            guardian_phone=get("guardian_phone"),
            photo_ref=get("photo_ref"),
            health_notes=get("health_notes"),
            school=get("school"),
        )

    def _to_domain(
        self, record: ChildRecord, *, personal: bool, only: Collection[str] | None = None
    ) -> Child:
        return Child(
            id=record.id,
            commune_code=record.commune_code,
            birth_year=record.birth_year,
            personal=self._open(record, only) if personal else _REDACTED,
            created_at=record.created_at,
            created_by=record.created_by,
            updated_at=record.updated_at,
            sex=Sex(record.sex) if record.sex else None,
            groups=tuple(record.groups),
            at_risk=tuple(record.at_risk),
            status=ChildStatus(record.status),
            subgroups=tuple(record.subgroups or ()),
        )

    # -- writes -----------------------------------------------------------------------
    async def add(self, child: Child) -> None:
        record = ChildRecord(
            id=child.id,
            commune_code=child.commune_code,
            sex=child.sex.value if child.sex else None,
            birth_year=child.birth_year,
            groups=list(child.groups),
            subgroups=list(child.subgroups),
            at_risk=list(child.at_risk),
            status=child.status.value,
            created_at=child.created_at,
            created_by=child.created_by,
            updated_at=child.updated_at,
        )
        self._seal(record, child)
        self._session.add(record)
        await self._session.flush()

    async def save(self, child: Child) -> None:
        record = await self._session.get(ChildRecord, child.id)
        if record is None:
            raise LookupError(child.id)
        record.commune_code = child.commune_code
        record.sex = child.sex.value if child.sex else None
        record.birth_year = child.birth_year
        record.groups = list(child.groups)
        record.at_risk = list(child.at_risk)
        record.subgroups = list(child.subgroups)
        record.status = child.status.value
        record.updated_at = child.updated_at
        self._seal(record, child)
        await self._session.flush()

    async def set_status(self, child_id: uuid.UUID, status: ChildStatus, *, at: datetime) -> None:
        record = await self._session.get(ChildRecord, child_id)
        if record is None:
            raise LookupError(child_id)
        record.status, record.updated_at = status.value, at
        await self._session.flush()

    async def move_to_commune(
        self, child_id: uuid.UUID, commune_code: str, *, at: datetime
    ) -> None:
        record = await self._session.get(ChildRecord, child_id)
        if record is None:
            raise LookupError(child_id)
        record.commune_code, record.updated_at = commune_code, at
        await self._session.flush()

    # -- reads ------------------------------------------------------------------------
    async def get(
        self, child_id: uuid.UUID, *, communes: Collection[str] | None, personal: bool
    ) -> Child | None:
        stmt = select(ChildRecord).where(ChildRecord.id == child_id)
        if communes is not None:
            stmt = stmt.where(ChildRecord.commune_code.in_(communes))
        record = (await self._session.execute(stmt)).scalar_one_or_none()
        return self._to_domain(record, personal=personal) if record else None

    async def find(
        self,
        *,
        communes: Collection[str] | None,
        personal: bool,
        only: Collection[str] | None = None,
        commune_code: str | None = None,
        group: str | None = None,
        status: ChildStatus | None = None,
        birth_year_from: int | None = None,
        birth_year_to: int | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[Child], int]:
        stmt: Select[tuple[ChildRecord]] = select(ChildRecord)
        if communes is not None:
            stmt = stmt.where(ChildRecord.commune_code.in_(communes))
        if commune_code is not None:
            stmt = stmt.where(ChildRecord.commune_code == commune_code)
        if status is not None:
            stmt = stmt.where(ChildRecord.status == status.value)
        if birth_year_from is not None:
            stmt = stmt.where(ChildRecord.birth_year >= birth_year_from)
        if birth_year_to is not None:
            stmt = stmt.where(ChildRecord.birth_year <= birth_year_to)
        if group is not None:
            # portable across PostgreSQL and SQLite: the code as JSON inside the array's text
            stmt = stmt.where(cast(ChildRecord.groups, Text).contains(json.dumps(group)))
        total = (
            await self._session.execute(select(func.count()).select_from(stmt.subquery()))
        ).scalar_one()
        records = (
            await self._session.execute(
                stmt.order_by(ChildRecord.created_at.desc(), ChildRecord.id)
                .limit(limit)
                .offset(offset)
            )
        ).scalars()
        return [self._to_domain(r, personal=personal, only=only) for r in records], int(total)

    async def known_at_risk(self) -> set[str]:
        rows = await self._session.execute(
            select(AtRiskCategoryRecord.code).where(AtRiskCategoryRecord.active.is_(True))
        )
        return set(rows.scalars())

    async def known_subgroups(self) -> dict[str, str]:
        """Active sub-group code → its legal group."""
        rows = await self._session.execute(
            select(LegalSubgroupRecord.code, LegalSubgroupRecord.group_code).where(
                LegalSubgroupRecord.active.is_(True)
            )
        )
        return {code: group for code, group in rows.all()}

    async def add_link(
        self,
        *,
        child_id: uuid.UUID,
        other_child_id: uuid.UUID,
        decision: str,
        by: str,
        at: datetime,
    ) -> None:
        """Record a person's decision; a pair is stored once, the latest decision wins."""
        first, second = sorted((child_id, other_child_id), key=str)
        existing = (
            await self._session.execute(
                select(ChildLinkRecord).where(
                    ChildLinkRecord.child_id == first, ChildLinkRecord.other_child_id == second
                )
            )
        ).scalar_one_or_none()
        if existing is None:
            self._session.add(
                ChildLinkRecord(
                    child_id=first,
                    other_child_id=second,
                    decision=decision,
                    decided_by=by,
                    decided_at=at,
                )
            )
        else:
            existing.decision, existing.decided_by, existing.decided_at = decision, by, at
        await self._session.flush()

    async def links(self, child_id: uuid.UUID) -> list[ChildLinkRecord]:
        rows = await self._session.execute(
            select(ChildLinkRecord).where(
                or_(
                    ChildLinkRecord.child_id == child_id, ChildLinkRecord.other_child_id == child_id
                )
            )
        )
        return list(rows.scalars())

    async def candidates(self, child: Child, *, limit: int = 500) -> Sequence[Child]:
        """Records that could be the same child, decrypted (the compared fields only).

        The same national ID anywhere; otherwise birth year ±1 (a real duplicate never differs
        more, see `duplicates.compare`) with the same folded name or guardian anywhere in the
        province, or any name in the same commune. Exact matches are read first, so a common
        name cannot push the commune's near matches past the limit unnoticed.
        """
        p = child.personal
        years = ChildRecord.birth_year.between(child.birth_year - 1, child.birth_year + 1)
        exact = [
            and_(
                ChildRecord.name_bidx
                == self._cipher.blind_index(fold(p.full_name), purpose="child.name"),
                years,
            )
        ]
        if p.national_id:
            exact.append(
                ChildRecord.national_id_bidx
                == self._cipher.blind_index(p.national_id, purpose="child.national_id")
            )
        if p.guardian_name:
            exact.append(
                and_(
                    ChildRecord.guardian_bidx
                    == self._cipher.blind_index(fold(p.guardian_name), purpose="child.guardian"),
                    years,
                )
            )
        nearby = and_(ChildRecord.commune_code == child.commune_code, years)
        found: dict[uuid.UUID, ChildRecord] = {}
        for condition in (or_(*exact), nearby):
            rows = await self._session.execute(
                select(ChildRecord)
                .where(condition, ChildRecord.id != child.id)
                .order_by(ChildRecord.created_at)
                .limit(limit)
            )
            for record in rows.scalars():
                found.setdefault(record.id, record)
        return [self._to_domain(r, personal=True, only=DUPLICATE_FIELDS) for r in found.values()]


DUPLICATE_FIELDS = ("full_name", "date_of_birth", "national_id", "guardian_name")
"""The personal fields `duplicates.compare` reads."""


__all__ = ["PERSONAL_FIELDS", "ChildRepository"]
