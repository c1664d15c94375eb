"""Events the donations service consumes (added with the issues that need them)."""

from __future__ import annotations

from collections.abc import Mapping

from baotro_donations.service_layer.unit_of_work import DonationsUnitOfWork
from baotro_shared.messaging.consumer import Handler

HANDLERS: Mapping[str, Handler[DonationsUnitOfWork]] = {}
