"""Throw-away PostgreSQL databases for tests."""

from __future__ import annotations

import asyncpg  # type: ignore[import-untyped]


class PostgresDatabases:
    def __init__(self, admin_dsn: str) -> None:
        self._admin_dsn = admin_dsn
        self._created: list[str] = []

    async def check(self) -> None:
        conn = await asyncpg.connect(self._admin_dsn, timeout=5)
        await conn.close()

    async def create(self, name: str) -> str:
        """Create database `name` (dropping a leftover) and return its SQLAlchemy async URL."""
        conn = await asyncpg.connect(self._admin_dsn)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        self._created.append(name)
        base = self._admin_dsn.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        return f"{base}/{name}"

    async def drop(self, name: str) -> None:
        conn = await asyncpg.connect(self._admin_dsn)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    async def drop_all(self) -> None:
        for name in self._created:
            await self.drop(name)
        self._created.clear()
