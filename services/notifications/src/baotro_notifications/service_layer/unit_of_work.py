"""The notifications unit of work: one transaction, its repositories and the outbox."""

from __future__ import annotations

from typing import Self

from baotro_notifications.adapters.commendation_repository import CommendationRepository
from baotro_notifications.adapters.delivery_repository import DeliveryRepository
from baotro_notifications.adapters.read_model_repository import ReadModelRepository
from baotro_shared.uow import UnitOfWork


class NotificationsUnitOfWork(UnitOfWork):
    deliveries: DeliveryRepository
    read_models: ReadModelRepository
    commendations: CommendationRepository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.deliveries = DeliveryRepository(self.session)
        self.read_models = ReadModelRepository(self.session)
        self.commendations = CommendationRepository(self.session)
        return self
