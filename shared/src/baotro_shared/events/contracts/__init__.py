"""Event payload contracts, one module per owning service."""

from baotro_shared.events.contracts import donations, registry

__all__ = ["donations", "registry"]
