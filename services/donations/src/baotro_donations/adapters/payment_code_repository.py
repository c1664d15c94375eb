"""Payment codes: one per (fund, target); a code is unique across funds and kinds.

`add_unless_exists` inserts with ON CONFLICT DO NOTHING, so a body collision or a concurrent
issue for the same target never aborts the surrounding transaction (a consumer's inbox row
lives in it too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_donations.adapters.orm_payment_codes import PaymentCodeRecord
from baotro_donations.domain.payment_code import TargetKind


@dataclass(frozen=True)
class StoredPaymentCode:
    """A payment code as kept by the fund."""

    code: str
    fund_code: str
    target_kind: TargetKind
    target_id: str
    amount: int | None
    memo: str
    vietqr_payload: str
    created_at: datetime
    created_by: str


class Insert(Enum):
    """What `add_unless_exists` did."""

    ADDED = "added"
    TARGET_HAS_CODE = "target_has_code"
    CODE_TAKEN = "code_taken"


def _stored(r: PaymentCodeRecord) -> StoredPaymentCode:
    return StoredPaymentCode(
        code=r.code,
        fund_code=r.fund_code,
        target_kind=TargetKind(r.target_kind),
        target_id=r.target_id,
        amount=r.amount,
        memo=r.memo,
        vietqr_payload=r.vietqr_payload,
        created_at=r.created_at,
        created_by=r.created_by,
    )


class PaymentCodeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, code: str) -> StoredPaymentCode | None:
        row = await self._session.get(PaymentCodeRecord, code)
        return _stored(row) if row else None

    async def for_target(
        self, fund_code: str, target_kind: TargetKind, target_id: str
    ) -> StoredPaymentCode | None:
        row = (
            await self._session.execute(
                select(PaymentCodeRecord).where(
                    PaymentCodeRecord.fund_code == fund_code,
                    PaymentCodeRecord.target_kind == target_kind.value,
                    PaymentCodeRecord.target_id == target_id,
                )
            )
        ).scalar_one_or_none()
        return _stored(row) if row else None

    async def add_unless_exists(self, code: StoredPaymentCode) -> Insert:
        """Insert `code`; on a conflict, tell whether the target or the code was taken."""
        bind = self._session.bind
        insert = postgresql.insert if bind.dialect.name == "postgresql" else sqlite.insert
        stmt = (
            insert(PaymentCodeRecord)
            .values(
                code=code.code,
                fund_code=code.fund_code,
                target_kind=code.target_kind.value,
                target_id=code.target_id,
                amount=code.amount,
                memo=code.memo,
                vietqr_payload=code.vietqr_payload,
                created_at=code.created_at,
                created_by=code.created_by,
            )
            .on_conflict_do_nothing()
            .returning(PaymentCodeRecord.code)
        )
        inserted = (await self._session.execute(stmt)).scalar_one_or_none()
        if inserted is not None:
            return Insert.ADDED
        if await self.for_target(code.fund_code, code.target_kind, code.target_id) is not None:
            return Insert.TARGET_HAS_CODE
        return Insert.CODE_TAKEN


__all__ = ["Insert", "PaymentCodeRepository", "StoredPaymentCode"]
