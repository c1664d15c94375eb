"""Every notifications table, registered on one metadata (migrations and bootstrap import this)."""

from baotro_notifications.adapters import (
    orm_commendations,
    orm_deliveries,
    orm_read_models,
    orm_zalo,
)
from baotro_notifications.adapters.base import MESSAGING, Base

__all__ = [
    "MESSAGING",
    "Base",
    "orm_commendations",
    "orm_deliveries",
    "orm_read_models",
    "orm_zalo",
]
