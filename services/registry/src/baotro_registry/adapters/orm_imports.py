"""Tables of imports (filled in by its feature)."""

from __future__ import annotations

from baotro_registry.adapters.base import Base

__all__ = ["Base"]
