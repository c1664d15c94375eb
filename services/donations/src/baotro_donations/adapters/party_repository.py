"""Donors, organisational units, campaigns and pledges (placeholder)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class PartyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
