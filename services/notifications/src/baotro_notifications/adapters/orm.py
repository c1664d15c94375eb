"""Notifications tables. The domain tables arrive with their issues; the messaging tables are here now."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from baotro_shared.messaging.tables import messaging_tables


class Base(DeclarativeBase):
    pass


MESSAGING = messaging_tables(Base.metadata)
