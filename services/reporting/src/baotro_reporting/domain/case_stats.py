"""The case statistics the province asks for: open cases by commune and by legal group."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CaseStats:
    open_total: int
    by_commune: dict[str, int]
    by_group: dict[str, int]
