"""The notifications unit of work."""

from __future__ import annotations

from baotro_shared.uow import UnitOfWork


class NotificationsUnitOfWork(UnitOfWork):
    async def __aenter__(self) -> NotificationsUnitOfWork:
        await super().__aenter__()
        return self
