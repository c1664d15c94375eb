"""Alembic environment of the donations service."""

from alembic import context

from baotro_donations.adapters.orm import Base
from baotro_shared.migrations import run_env

run_env(context, Base.metadata)
