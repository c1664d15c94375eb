"""Every service's migrations run to head on PostgreSQL, and match the service's tables."""

from __future__ import annotations

import importlib
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from baotro_shared.db import create_engine
from baotro_shared.migrations import upgrade_to_head
from baotro_shared.services import SERVICES
from baotro_shared.testing.postgres import PostgresDatabases


@pytest.mark.parametrize("service", sorted(SERVICES))
async def test_migrations_reach_head_on_postgres_and_match_the_models(
    service: str, postgres: PostgresDatabases
) -> None:
    name = f"baotro_t_mig_{service}_{uuid.uuid4().hex[:6]}"
    engine = create_engine(await postgres.create(name))
    module = SERVICES[service].module
    bootstrap = importlib.import_module(f"{module}.bootstrap")
    metadata = importlib.import_module(f"{module}.adapters.orm").Base.metadata
    try:
        await upgrade_to_head(engine, bootstrap.MIGRATIONS)
        await upgrade_to_head(engine, bootstrap.MIGRATIONS)  # idempotent

        def _diff(connection: Connection) -> list[object]:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))

        async with engine.connect() as connection:
            diff = await connection.run_sync(_diff)
        assert diff == [], f"{service}: migrations and models differ: {diff}"
    finally:
        await engine.dispose()
        await postgres.drop(name)
