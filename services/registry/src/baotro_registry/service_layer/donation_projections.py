"""Money raised per appeal, from the donations service's events (inside the consumer's
transaction; the inbox makes each event count once)."""

from __future__ import annotations

import uuid

import structlog

from baotro_registry.service_layer.unit_of_work import RegistryUnitOfWork
from baotro_shared.events.contracts.donations import DonationReceived, DonationReversed
from baotro_shared.events.envelope import Envelope

log = structlog.get_logger(__name__)


def _appeal_id(target_kind: str, target_id: str | None) -> uuid.UUID | None:
    if target_kind != "appeal" or not target_id:
        return None
    try:
        return uuid.UUID(target_id)
    except ValueError:
        return None


async def on_donation_received(
    uow: RegistryUnitOfWork, event: DonationReceived, _envelope: Envelope
) -> None:
    appeal_id = _appeal_id(event.target_kind, event.target_id)
    if appeal_id is None:
        return
    if not await uow.appeals.add_raised(appeal_id, event.amount):
        log.warning("registry.donation.unknown_appeal", appeal_id=str(appeal_id))


async def on_donation_reversed(
    uow: RegistryUnitOfWork, event: DonationReversed, _envelope: Envelope
) -> None:
    appeal_id = _appeal_id(event.target_kind, event.target_id)
    if appeal_id is None:
        return
    if not await uow.appeals.add_raised(appeal_id, -event.amount):
        log.warning("registry.donation.unknown_appeal", appeal_id=str(appeal_id))
