"""Every registry table, registered on one metadata (migrations and bootstrap import this)."""

from baotro_registry.adapters import orm_cases, orm_children
from baotro_registry.adapters.base import MESSAGING, Base
from baotro_registry.adapters.orm_cases import CaseRecord

__all__ = ["MESSAGING", "Base", "CaseRecord", "orm_cases", "orm_children"]
