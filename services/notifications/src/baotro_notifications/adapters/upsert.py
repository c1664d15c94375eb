"""INSERT … ON CONFLICT DO NOTHING on PostgreSQL and SQLite: a duplicate never aborts the
surrounding transaction (a consumer's inbox row lives in it too)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Executable, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


@lru_cache(maxsize=64)
def _insert_ignoring_conflicts(table: Table, dialect: str, columns: frozenset[str]) -> Executable:
    """One statement object per table and column set: SQLAlchemy compiles it once and reuses
    the compiled form (building `.values(**row)` anew costs a compilation per row)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing()


async def insert_unless_exists(session: AsyncSession, table: Table, values: dict[str, Any]) -> bool:
    """Insert one row; False when a unique key already held it."""
    statement = _insert_ignoring_conflicts(table, session.bind.dialect.name, frozenset(values))
    result = await session.execute(statement, values)
    return bool(result.rowcount)  # type: ignore[attr-defined]
