"""The `baotro` command: tokens the services accept, replay of a service's outbox, migrations."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Table, select
from typer.testing import CliRunner

from baotro_shared.cli import app
from baotro_shared.db import create_engine, session_factory
from baotro_shared.messaging.tables import messaging_tables
from baotro_shared.settings import DEVELOPMENT_SIGNING_KEY
from baotro_shared.web.auth import Role, TokenConfig, decode_token

runner = CliRunner()


def test_token_carries_role_communes_and_subject() -> None:
    result = runner.invoke(
        app, ["token", "--role", "case_worker", "--communes", "14797, 16522", "--sub", "lan"]
    )
    assert result.exit_code == 0, result.output
    principal = decode_token(
        TokenConfig(DEVELOPMENT_SIGNING_KEY, "baotro", "baotro"), result.output.strip()
    )
    assert principal.role is Role.CASE_WORKER
    assert principal.communes == frozenset({"14797", "16522"})
    assert principal.sub == "lan"


def test_token_refuses_an_unknown_role() -> None:
    result = runner.invoke(app, ["token", "--role", "mayor"])
    assert result.exit_code != 0


def test_token_refuses_the_development_key_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAOTRO_ENV", "production")
    result = runner.invoke(app, ["token", "--role", "fund_admin"])
    assert result.exit_code != 0


def test_migrate_then_replay_marks_published_events_of_the_window_pending(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}"
    monkeypatch.setenv("REGISTRY_DATABASE_URL", url)
    migrated = runner.invoke(app, ["migrate", "registry"])
    assert migrated.exit_code == 0, migrated.output
    now = datetime.now(UTC)
    asyncio.run(_insert_published(url, now))

    since = (now - timedelta(days=6)).date().isoformat()
    result = runner.invoke(app, ["replay", "registry", "--since", since])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("2 events of registry")
    assert asyncio.run(_pending_ids(url)) == {"e1", "e2"}

    unknown = runner.invoke(app, ["replay", "payroll"])
    assert unknown.exit_code != 0


def _outbox() -> Table:
    from baotro_registry.adapters.orm import Base

    return messaging_tables(Base.metadata).outbox


async def _insert_published(url: str, now: datetime) -> None:
    engine = create_engine(url)
    outbox = _outbox()
    async with session_factory(engine)() as session, session.begin():
        for n, age in enumerate((10, 5, 1)):
            created = now - timedelta(days=age)
            await session.execute(
                outbox.insert().values(
                    event_id=f"e{n}",
                    topic="case.opened",
                    event_type="case.opened",
                    key=f"k{n}",
                    payload=b"{}",
                    headers={},
                    created_at=created,
                    published_at=created,
                    publish_count=1,
                )
            )
    await engine.dispose()


async def _pending_ids(url: str) -> set[str]:
    engine = create_engine(url)
    outbox = _outbox()
    async with session_factory(engine)() as session:
        rows = (await session.execute(select(outbox.c.event_id, outbox.c.published_at))).all()
    await engine.dispose()
    return {r.event_id for r in rows if r.published_at is None}
