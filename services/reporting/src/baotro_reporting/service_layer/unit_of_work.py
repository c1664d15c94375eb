"""The reporting unit of work."""

from __future__ import annotations

from typing import Self

from baotro_reporting.adapters.repository import CaseViewRepository
from baotro_shared.uow import UnitOfWork


class ReportingUnitOfWork(UnitOfWork):
    case_views: CaseViewRepository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.case_views = CaseViewRepository(self.session)
        return self
