"""Events the registry consumes (none yet: donations and disbursements arrive in later issues)."""

from __future__ import annotations

from collections.abc import Mapping

from baotro_registry.service_layer.unit_of_work import RegistryUnitOfWork
from baotro_shared.messaging.consumer import Handler

HANDLERS: Mapping[str, Handler[RegistryUnitOfWork]] = {}
