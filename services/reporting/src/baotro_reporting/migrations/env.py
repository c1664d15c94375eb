"""Alembic environment of the reporting service."""

from alembic import context

from baotro_reporting.adapters.orm import Base
from baotro_shared.migrations import run_env

run_env(context, Base.metadata)
