"""The notifications service's declarative base and the messaging tables beside its own."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from baotro_shared.messaging.tables import messaging_tables


class Base(DeclarativeBase):
    pass


MESSAGING = messaging_tables(Base.metadata)
