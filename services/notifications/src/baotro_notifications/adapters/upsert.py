"""INSERT … ON CONFLICT DO NOTHING on PostgreSQL and SQLite: a duplicate never aborts the
surrounding transaction (a consumer's inbox row lives in it too)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


async def insert_unless_exists(session: AsyncSession, table: Table, values: dict[str, Any]) -> bool:
    """Insert one row; False when a unique key already held it."""
    dialect = session.bind.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    result = await session.execute(insert(table).values(**values).on_conflict_do_nothing())
    return bool(result.rowcount)  # type: ignore[attr-defined]
