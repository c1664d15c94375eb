"""Payment codes issued by the fund, one per target (donor, pledge, campaign, appeal,
sponsorship), with the VietQR payload that carries the code as the transfer memo."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from baotro_donations.adapters.base import Base
from baotro_shared.db import UtcDateTime


class PaymentCodeRecord(Base):
    __tablename__ = "payment_codes"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    fund_code: Mapped[str] = mapped_column(String(10))
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[str] = mapped_column(String(80))
    amount: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    memo: Mapped[str] = mapped_column(String(25))
    vietqr_payload: Mapped[str] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))

    __table_args__ = (
        UniqueConstraint(
            "fund_code", "target_kind", "target_id", name="uq_payment_codes_fund_target"
        ),
        Index("ix_payment_codes_created_at", "created_at"),
    )


__all__ = ["Base", "PaymentCodeRecord"]
