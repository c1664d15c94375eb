"""Event payload contracts, one module per owning service."""

from baotro_shared.events.contracts import donations, notifications, registry, reporting

__all__ = ["donations", "notifications", "registry", "reporting"]
