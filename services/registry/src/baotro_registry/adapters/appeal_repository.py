"""AppealRepository (filled in by its feature)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from baotro_shared.crypto import FieldCipher


class AppealRepository:
    def __init__(self, session: AsyncSession, cipher: FieldCipher) -> None:
        self._session = session
        self._cipher = cipher
