"""Event payload contracts, one module per owning service."""

from baotro_shared.events.contracts import registry

__all__ = ["registry"]
