"""Every donations table, registered on one metadata (migrations and bootstrap import this)."""

from baotro_donations.adapters import orm_ledger, orm_payment_codes
from baotro_donations.adapters.base import MESSAGING, Base

__all__ = ["MESSAGING", "Base", "orm_ledger", "orm_payment_codes"]
