"""Tables of ledger (filled in by its feature)."""

from __future__ import annotations

from baotro_donations.adapters.base import Base

__all__ = ["Base"]
