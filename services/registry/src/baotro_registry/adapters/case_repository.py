"""Case queries; area scope is applied here, in the queries themselves."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_registry.adapters.orm_cases import CaseRecord
from baotro_registry.domain.case import Case, CaseStage, CaseStatus


def _to_domain(row: CaseRecord) -> Case:
    return Case(
        id=row.id,
        commune_code=row.commune_code,
        groups=tuple(row.groups),
        opened_at=row.opened_at,
        opened_by=row.opened_by,
        child_id=row.child_id,
        status=CaseStatus(row.status),
        stage=CaseStage(row.stage),
    )


class CaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, case: Case) -> None:
        self._session.add(
            CaseRecord(
                id=case.id,
                child_id=case.child_id,
                commune_code=case.commune_code,
                groups=list(case.groups),
                status=case.status.value,
                stage=case.stage.value,
                opened_at=case.opened_at,
                opened_by=case.opened_by,
            )
        )
        await self._session.flush()

    async def get(self, case_id: uuid.UUID, *, communes: Collection[str] | None) -> Case | None:
        stmt = select(CaseRecord).where(CaseRecord.id == case_id)
        if communes is not None:
            stmt = stmt.where(CaseRecord.commune_code.in_(communes))
        row = (await self._session.execute(stmt)).scalar_one_or_none()
        return _to_domain(row) if row else None

    async def list(
        self,
        *,
        communes: Collection[str] | None,
        commune_code: str | None = None,
        status: CaseStatus | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[Case], int]:
        stmt = select(CaseRecord)
        if communes is not None:
            stmt = stmt.where(CaseRecord.commune_code.in_(communes))
        if commune_code is not None:
            stmt = stmt.where(CaseRecord.commune_code == commune_code)
        if status is not None:
            stmt = stmt.where(CaseRecord.status == status.value)
        total = (
            await self._session.execute(select(func.count()).select_from(stmt.subquery()))
        ).scalar_one()
        rows = (
            await self._session.execute(
                stmt.order_by(CaseRecord.opened_at.desc(), CaseRecord.id)
                .limit(limit)
                .offset(offset)
            )
        ).scalars()
        return [_to_domain(r) for r in rows], int(total)
