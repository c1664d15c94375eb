"""The donations unit of work."""

from __future__ import annotations

from typing import Self

from baotro_shared.uow import UnitOfWork


class DonationsUnitOfWork(UnitOfWork):
    async def __aenter__(self) -> Self:
        await super().__aenter__()
        return self
