"""Every donations table, registered on one metadata (migrations and bootstrap import this)."""

from baotro_donations.adapters import (
    orm_bank_feeds,
    orm_disbursements,
    orm_ledger,
    orm_ledger_totals,
    orm_parties,
    orm_payment_codes,
)
from baotro_donations.adapters.base import MESSAGING, Base

__all__ = [
    "MESSAGING",
    "Base",
    "orm_bank_feeds",
    "orm_disbursements",
    "orm_ledger",
    "orm_ledger_totals",
    "orm_parties",
    "orm_payment_codes",
]
