"""Public appeals: the anonymised public form, and who drafted, reviewed and withdrew it.

`commune_code`, `case_id` and `child_id` are for staff scope only; the public never sees them.
The supervisor's review comment may name the child: it is encrypted like personal fields.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from baotro_registry.adapters.base import Base
from baotro_shared.db import UtcDateTime


class AppealRecord(Base):
    __tablename__ = "appeals"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id"))
    child_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("children.id"))
    commune_code: Mapped[str] = mapped_column(String(10))
    alias: Mapped[str] = mapped_column(String(40))
    age_band: Mapped[str] = mapped_column(String(8))
    province_code: Mapped[str] = mapped_column(String(4))
    province_name: Mapped[str] = mapped_column(String(100))
    need_kind: Mapped[str] = mapped_column(String(40))
    amount_sought: Mapped[int] = mapped_column(BigInteger)
    amount_raised: Mapped[int] = mapped_column(BigInteger, default=0)
    story: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    reviewed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    key_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    review_comment_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    withdrawn_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    withdraw_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)

    __table_args__ = (
        Index("ix_appeals_status_published_at", "status", "published_at"),
        Index("ix_appeals_child_status", "child_id", "status"),
        Index("ix_appeals_case", "case_id"),
        Index("ix_appeals_commune_status", "commune_code", "status"),
    )


__all__ = ["AppealRecord", "Base"]
