"""Tables of disbursements (placeholder, filled in by its owner)."""

from __future__ import annotations

from baotro_donations.adapters.base import Base

__all__ = ["Base"]
