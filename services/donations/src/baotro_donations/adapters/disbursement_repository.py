"""Disbursements and their approvals (placeholder)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class DisbursementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
