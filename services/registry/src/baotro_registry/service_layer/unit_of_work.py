"""The registry's unit of work: one transaction, its repositories and the outbox."""

from __future__ import annotations

from typing import Self

from baotro_registry.adapters.case_repository import CaseRepository
from baotro_shared.uow import UnitOfWork


class RegistryUnitOfWork(UnitOfWork):
    cases: CaseRepository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.cases = CaseRepository(self.session)
        return self
