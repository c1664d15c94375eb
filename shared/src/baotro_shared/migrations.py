"""Alembic, run programmatically on the service's own async engine (PostgreSQL or SQLite)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, MetaData
from sqlalchemy.ext.asyncio import AsyncEngine

from baotro_shared.messaging.tables import messaging_tables


def alembic_config(script_location: Path) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    return config


async def upgrade_to_head(engine: AsyncEngine, script_location: Path) -> None:
    """Apply every migration of one service."""
    config = alembic_config(script_location)

    def _upgrade(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


def run_env(context: Any, target_metadata: MetaData) -> None:
    """Body of each service's `env.py`: migrate on the connection handed over by the caller.

    `context` is `alembic.context`, the module proxy of an `EnvironmentContext`.
    """
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "migrations run through `baotro migrate SERVICE` or at service start, "
            "which hand over a connection"
        )
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def create_messaging_tables(connection: Connection) -> None:
    """Migration helper: create the outbox, inbox and dead-letter tables."""
    metadata = MetaData()
    tables = messaging_tables(metadata)
    for table in (tables.outbox, tables.inbox, tables.dead_letters):
        table.create(connection)


def drop_messaging_tables(connection: Connection) -> None:
    metadata = MetaData()
    tables = messaging_tables(metadata)
    for table in (tables.dead_letters, tables.inbox, tables.outbox):
        table.drop(connection)
