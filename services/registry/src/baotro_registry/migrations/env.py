"""Alembic environment of the registry."""

from alembic import context

from baotro_registry.adapters.orm import Base
from baotro_shared.migrations import run_env

run_env(context, Base.metadata)
