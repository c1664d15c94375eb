"""Sub-groups of the legal groups (Nghị định 56/2017): reference data the fund maintains."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_registry.adapters.orm_children import LegalSubgroupRecord


class SubgroupRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def all(self, *, include_inactive: bool) -> list[LegalSubgroupRecord]:
        stmt = select(LegalSubgroupRecord).order_by(
            LegalSubgroupRecord.group_code, LegalSubgroupRecord.code
        )
        if not include_inactive:
            stmt = stmt.where(LegalSubgroupRecord.active.is_(True))
        return list((await self._session.execute(stmt)).scalars())

    async def save(self, code: str, *, group_code: str, name_vi: str, active: bool) -> bool:
        """Add or change a sub-group; returns True when it was created."""
        record = await self._session.get(LegalSubgroupRecord, code)
        if record is None:
            self._session.add(
                LegalSubgroupRecord(
                    code=code, group_code=group_code, name_vi=name_vi, active=active
                )
            )
            await self._session.flush()
            return True
        record.group_code, record.name_vi, record.active = group_code, name_vi, active
        await self._session.flush()
        return False
