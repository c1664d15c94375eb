"""HTTP API of parties (placeholder)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
