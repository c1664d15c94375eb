"""The donations unit of work."""

from __future__ import annotations

from baotro_shared.uow import UnitOfWork


class DonationsUnitOfWork(UnitOfWork):
    async def __aenter__(self) -> DonationsUnitOfWork:
        await super().__aenter__()
        return self
