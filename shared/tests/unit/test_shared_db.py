"""UtcDateTime: the same aware UTC timestamps from SQLite as from PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import Column, Integer, MetaData, Table, select

from baotro_shared.db import UtcDateTime, create_engine

ICT = timezone(timedelta(hours=7))


async def test_timestamps_come_back_aware_in_utc_and_naive_input_is_vietnam_time() -> None:
    engine = create_engine("sqlite+aiosqlite:///:memory:")
    metadata = MetaData()
    table = Table(
        "t", metadata, Column("id", Integer, primary_key=True), Column("at", UtcDateTime())
    )
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await conn.execute(
            table.insert(),
            [
                {"id": 1, "at": datetime(2026, 11, 26, 8, 0, tzinfo=ICT)},
                {"id": 2, "at": datetime(2026, 11, 26, 8, 0)},  # what a person typed
                {"id": 3, "at": datetime(2026, 11, 26, 1, 0, tzinfo=UTC)},
            ],
        )
        rows = (await conn.execute(select(table.c.at).order_by(table.c.id))).scalars().all()
        later = (
            (
                await conn.execute(
                    select(table.c.id).where(table.c.at >= datetime(2026, 11, 26, 8, 0))
                )
            )
            .scalars()
            .all()
        )
    await engine.dispose()
    assert rows == [datetime(2026, 11, 26, 1, 0, tzinfo=UTC)] * 3
    assert all(r.tzinfo is UTC for r in rows)
    assert sorted(later) == [1, 2, 3]
