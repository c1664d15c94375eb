"""Event contracts: the CloudEvents envelope, the typed payloads and their catalogue."""

from baotro_shared.events.base import EventData
from baotro_shared.events.catalogue import CATALOGUE, EventCatalogue, EventSpec
from baotro_shared.events.envelope import Envelope

__all__ = ["CATALOGUE", "Envelope", "EventCatalogue", "EventData", "EventSpec"]
