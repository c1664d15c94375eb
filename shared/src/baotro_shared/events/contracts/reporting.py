"""Events published by the reporting service."""

from __future__ import annotations
