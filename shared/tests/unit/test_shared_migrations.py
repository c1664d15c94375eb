"""Every service's Alembic migrations run to head on SQLite, the laptop database."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from baotro_shared.db import create_engine
from baotro_shared.migrations import alembic_config, upgrade_to_head
from baotro_shared.services import SERVICES

MESSAGING_TABLES = {"outbox", "inbox", "dead_letters"}


def _bootstrap(name: str) -> Any:
    return importlib.import_module(f"{SERVICES[name].module}.bootstrap")


def _head(service: str) -> str:
    """The newest revision id: migration files are named `<revision>_<slug>.py`."""
    versions = (_bootstrap(service).MIGRATIONS / "versions").glob("0*.py")
    return sorted(p.name for p in versions)[-1].split("_", 1)[0]


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'nested' / 'x.db'}")
    yield engine
    await engine.dispose()


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        names: list[str] = await connection.run_sync(lambda c: inspect(c).get_table_names())
    return set(names)


async def _revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        row = (await connection.execute(text("SELECT version_num FROM alembic_version"))).first()
    return None if row is None else str(row[0])


@pytest.mark.parametrize("service", sorted(SERVICES))
async def test_migrations_upgrade_to_head_on_a_sqlite_file(
    service: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    await upgrade_to_head(engine, _bootstrap(service).MIGRATIONS)

    assert (tmp_path / "nested" / "x.db").exists()
    tables = await _tables(engine)
    assert tables >= MESSAGING_TABLES
    metadata = importlib.import_module(f"{SERVICES[service].module}.adapters.orm").Base.metadata
    assert tables == set(metadata.tables) | {"alembic_version"}
    assert await _revision(engine) == _head(service)


@pytest.mark.parametrize("service", sorted(SERVICES))
async def test_upgrading_again_changes_nothing(service: str, engine: AsyncEngine) -> None:
    migrations = _bootstrap(service).MIGRATIONS
    await upgrade_to_head(engine, migrations)

    await upgrade_to_head(engine, migrations)

    assert await _revision(engine) == _head(service)


@pytest.mark.parametrize("service", sorted(SERVICES))
async def test_migrated_schema_matches_the_service_models(
    service: str, engine: AsyncEngine
) -> None:
    bootstrap = _bootstrap(service)
    metadata = bootstrap.definition().metadata
    await upgrade_to_head(engine, bootstrap.MIGRATIONS)

    def _diff(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    async with engine.connect() as connection:
        differences = await connection.run_sync(_diff)

    assert differences == []


@pytest.mark.parametrize("service", sorted(SERVICES))
async def test_migrations_downgrade_to_an_empty_database(service: str, engine: AsyncEngine) -> None:
    config = alembic_config(_bootstrap(service).MIGRATIONS)
    await upgrade_to_head(engine, _bootstrap(service).MIGRATIONS)

    def _downgrade(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")

    async with engine.begin() as connection:
        await connection.run_sync(_downgrade)

    assert await _tables(engine) == {"alembic_version"}
    assert await _revision(engine) is None


def test_env_refuses_to_run_without_a_connection_handed_over() -> None:
    config = alembic_config(_bootstrap("registry").MIGRATIONS)

    with pytest.raises(RuntimeError, match="hand over a connection"):
        command.upgrade(config, "head")
