"""Bulk imports of children: the uploaded file (encrypted, it is full of personal data) and
the row-by-row report (no personal data)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from baotro_registry.adapters.base import Base
from baotro_shared.db import UtcDateTime


class ChildImportRecord(Base):
    __tablename__ = "child_imports"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))
    created_by_role: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str | None] = mapped_column(String(255), nullable=True)
    content_type: Mapped[str | None] = mapped_column(String(200), nullable=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(40))
    raw_enc: Mapped[str] = mapped_column(Text)
    """The uploaded bytes, base64 then AES-GCM like the children's personal fields."""
    mode: Mapped[str] = mapped_column(String(20))
    dry_run: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(20))
    rows: Mapped[int] = mapped_column(Integer)
    processed: Mapped[int] = mapped_column(Integer)
    valid: Mapped[int] = mapped_column(Integer)
    imported: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    __table_args__ = (
        Index("ix_child_imports_created_by_at", "created_by", "created_at"),
        Index("ix_child_imports_sha256", "sha256"),
    )


__all__ = ["Base", "ChildImportRecord"]
