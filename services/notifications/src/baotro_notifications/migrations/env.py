"""Alembic environment of the notifications service."""

from alembic import context

from baotro_notifications.adapters.orm import Base
from baotro_shared.migrations import run_env

run_env(context, Base.metadata)
