"""Events the registry consumes: money raised per appeal from the donations service."""

from __future__ import annotations

from collections.abc import Mapping

from baotro_registry.service_layer.donation_projections import (
    on_donation_received,
    on_donation_reversed,
)
from baotro_registry.service_layer.unit_of_work import RegistryUnitOfWork
from baotro_shared.messaging.consumer import Handler

HANDLERS: Mapping[str, Handler[RegistryUnitOfWork]] = {
    "donation.received": on_donation_received,
    "donation.reversed": on_donation_reversed,
}
