"""The Zalo OA's tokens: one row, renewed in place (`zalo_tokens`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from baotro_notifications.adapters.base import Base
from baotro_shared.db import UtcDateTime


class ZaloTokenRecord(Base):
    __tablename__ = "zalo_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    """Always 1: the OA has one token chain."""
    access_token: Mapped[str | None] = mapped_column(Text, nullable=True)
    refresh_token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    """None: not known (an access token given in the settings)."""
    renewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    seed_sha256: Mapped[str] = mapped_column(String(64))
    """Of the settings' refresh token the chain started from: another one there means the OA
    was authorised anew, and the chain starts again from it."""
