"""Events published by the notifications service (thank-yous and commendations)."""

from __future__ import annotations
