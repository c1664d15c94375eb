"""Appeals: scoped staff queries, the public list, and the encrypted review comment."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_registry.adapters.orm_appeals import AppealRecord
from baotro_registry.adapters.orm_cases import CaseRecord
from baotro_registry.domain.appeal import ACTIVE_STATUSES, Appeal, AppealStatus, NeedKind
from baotro_shared.crypto import FieldCipher

_ACTIVE = [s.value for s in ACTIVE_STATUSES]


def _context(appeal_id: uuid.UUID) -> str:
    return f"appeals:{appeal_id}:review_comment"


class AppealRepository:
    def __init__(self, session: AsyncSession, cipher: FieldCipher) -> None:
        self._session = session
        self._cipher = cipher

    def _to_domain(self, r: AppealRecord) -> Appeal:
        return Appeal(
            id=r.id,
            case_id=r.case_id,
            child_id=r.child_id,
            commune_code=r.commune_code,
            alias=r.alias,
            age_band=r.age_band,  # type: ignore[arg-type]  # written from AgeBand only
            province_code=r.province_code,
            province_name=r.province_name,
            need_kind=NeedKind(r.need_kind),
            amount_sought=r.amount_sought,
            amount_raised=r.amount_raised,
            story=r.story,
            status=AppealStatus(r.status),
            created_by=r.created_by,
            created_at=r.created_at,
            reviewed_by=r.reviewed_by,
            reviewed_at=r.reviewed_at,
            review_comment=self._cipher.decrypt(r.review_comment_enc, context=_context(r.id)),
            published_at=r.published_at,
            withdrawn_at=r.withdrawn_at,
            withdrawn_by=r.withdrawn_by,
            withdraw_reason=r.withdraw_reason,
        )

    def _write(self, r: AppealRecord, a: Appeal) -> None:
        r.status = a.status.value
        r.amount_raised = a.amount_raised
        r.story = a.story
        r.reviewed_by = a.reviewed_by
        r.reviewed_at = a.reviewed_at
        r.review_comment_enc = self._cipher.encrypt(a.review_comment, context=_context(a.id))
        r.key_id = self._cipher.active_key_id if a.review_comment is not None else None
        r.published_at = a.published_at
        r.withdrawn_at = a.withdrawn_at
        r.withdrawn_by = a.withdrawn_by
        r.withdraw_reason = a.withdraw_reason

    async def add_raised(self, appeal_id: uuid.UUID, amount: int) -> bool:
        """Add `amount` đồng (negative for a reversal) to what an appeal raised; False if unknown.

        One UPDATE, so concurrent consumers cannot lose an increment."""
        result = await self._session.execute(
            update(AppealRecord)
            .where(AppealRecord.id == appeal_id)
            .values(amount_raised=AppealRecord.amount_raised + amount)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def lock_case(self, case_id: uuid.UUID) -> None:
        """Serialise drafts of one case (one live appeal per case, even under concurrency)."""
        await self._session.execute(
            select(CaseRecord.id).where(CaseRecord.id == case_id).with_for_update()
        )

    async def add(self, appeal: Appeal) -> None:
        record = AppealRecord(
            id=appeal.id,
            case_id=appeal.case_id,
            child_id=appeal.child_id,
            commune_code=appeal.commune_code,
            alias=appeal.alias,
            age_band=appeal.age_band,
            province_code=appeal.province_code,
            province_name=appeal.province_name,
            need_kind=appeal.need_kind.value,
            amount_sought=appeal.amount_sought,
            created_by=appeal.created_by,
            created_at=appeal.created_at,
        )
        self._write(record, appeal)
        self._session.add(record)
        await self._session.flush()

    async def save(self, appeal: Appeal) -> None:
        record = await self._session.get(AppealRecord, appeal.id)
        if record is None:
            raise LookupError(appeal.id)
        self._write(record, appeal)
        await self._session.flush()

    async def get(
        self, appeal_id: uuid.UUID, *, communes: Collection[str] | None, for_update: bool = False
    ) -> Appeal | None:
        stmt = select(AppealRecord).where(AppealRecord.id == appeal_id)
        if communes is not None:
            stmt = stmt.where(AppealRecord.commune_code.in_(communes))
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self._session.execute(stmt)).scalar_one_or_none()
        return self._to_domain(row) if row else None

    async def active_of(
        self, *, child_id: uuid.UUID | None = None, case_id: uuid.UUID | None = None
    ) -> list[Appeal]:
        """Pending or published appeals of a child or a case, locked for the transaction."""
        stmt = select(AppealRecord).where(AppealRecord.status.in_(_ACTIVE))
        if child_id is not None:
            stmt = stmt.where(AppealRecord.child_id == child_id)
        if case_id is not None:
            stmt = stmt.where(AppealRecord.case_id == case_id)
        rows = (
            await self._session.execute(stmt.order_by(AppealRecord.created_at).with_for_update())
        ).scalars()
        return [self._to_domain(r) for r in rows]

    async def find(
        self,
        *,
        communes: Collection[str] | None,
        status: AppealStatus | None = None,
        case_id: uuid.UUID | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[Appeal], int]:
        stmt = select(AppealRecord)
        if communes is not None:
            stmt = stmt.where(AppealRecord.commune_code.in_(communes))
        if status is not None:
            stmt = stmt.where(AppealRecord.status == status.value)
        if case_id is not None:
            stmt = stmt.where(AppealRecord.case_id == case_id)
        total = (
            await self._session.execute(select(func.count()).select_from(stmt.subquery()))
        ).scalar_one()
        rows = (
            await self._session.execute(
                stmt.order_by(AppealRecord.created_at.desc(), AppealRecord.id)
                .limit(limit)
                .offset(offset)
            )
        ).scalars()
        return [self._to_domain(r) for r in rows], int(total)

    async def published(
        self, *, need_kind: NeedKind | None = None, limit: int = 50, offset: int = 0
    ) -> tuple[list[Appeal], int]:
        """What the portal shows: published appeals, newest first."""
        stmt = select(AppealRecord).where(AppealRecord.status == AppealStatus.PUBLISHED.value)
        if need_kind is not None:
            stmt = stmt.where(AppealRecord.need_kind == need_kind.value)
        total = (
            await self._session.execute(select(func.count()).select_from(stmt.subquery()))
        ).scalar_one()
        rows = (
            await self._session.execute(
                stmt.order_by(AppealRecord.published_at.desc(), AppealRecord.id)
                .limit(limit)
                .offset(offset)
            )
        ).scalars()
        return [self._to_domain(r) for r in rows], int(total)
