"""Read models (projections). They can be dropped and rebuilt from the event log."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from baotro_shared.db import UtcDateTime
from baotro_shared.messaging.tables import messaging_tables


class Base(DeclarativeBase):
    pass


class CaseView(Base):
    """One row per case, as the registry announced it."""

    __tablename__ = "case_view"

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    commune_code: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))
    stage: Mapped[str] = mapped_column(String(20))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_case_view_status_commune", "status", "commune_code"),)


class CaseGroupView(Base):
    """The legal groups of each case, one row per (case, group), for counting by group."""

    __tablename__ = "case_group_view"

    case_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("case_view.case_id", ondelete="CASCADE"), primary_key=True
    )
    group_code: Mapped[str] = mapped_column(String(4), primary_key=True)


READ_MODELS = (CaseGroupView, CaseView)
"""Every projection table, children first (the order to empty them in)."""

MESSAGING = messaging_tables(Base.metadata)
