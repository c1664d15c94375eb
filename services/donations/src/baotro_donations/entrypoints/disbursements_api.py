"""HTTP API of disbursements (placeholder)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
