"""Every registry table, registered on one metadata (migrations and bootstrap import this)."""

from baotro_registry.adapters import (
    orm_appeals,
    orm_cases,
    orm_children,
    orm_imports,
    orm_sponsorships,
)
from baotro_registry.adapters.base import MESSAGING, Base
from baotro_registry.adapters.orm_cases import CaseRecord

__all__ = [
    "MESSAGING",
    "Base",
    "CaseRecord",
    "orm_appeals",
    "orm_cases",
    "orm_children",
    "orm_imports",
    "orm_sponsorships",
]
