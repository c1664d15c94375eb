"""Totals of every pot: SUM(debit), SUM(credit) per fund, account and restriction, in all
(`pot_totals`) and per day (`pot_day_totals`).

Kept by `LedgerRepository.add_entry` in the transaction that writes the postings, so they
always equal the postings summed (the migration fills them from the postings already there).
Balances (today's from `pot_totals`, as of a date from the day totals) and the day-by-day
running balance a disbursement is checked against read them instead of every posting.

The restriction is part of the primary key, so an unrestricted pot is stored with
`restriction_kind = restriction_id = ''` (NULL cannot be in a key, nor be matched by
ON CONFLICT).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from baotro_donations.adapters.base import Base
from baotro_donations.adapters.orm_ledger import JournalEntryRecord

UNRESTRICTED = ""
"""`restriction_kind` and `restriction_id` of an unrestricted pot."""


class PotDayTotalRecord(Base):
    __tablename__ = "pot_day_totals"

    fund_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    account_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    restriction_kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    restriction_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    debit: Mapped[int] = mapped_column(BigInteger)
    credit: Mapped[int] = mapped_column(BigInteger)


class PotTotalRecord(Base):
    __tablename__ = "pot_totals"

    fund_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    account_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    restriction_kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    restriction_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    debit: Mapped[int] = mapped_column(BigInteger)
    credit: Mapped[int] = mapped_column(BigInteger)


JOURNAL_IN_POSTING_ORDER = Index(
    "ix_journal_entries_fund_created",
    JournalEntryRecord.fund_code,
    JournalEntryRecord.created_at,
    JournalEntryRecord.id,
)
"""The journal page by page (`GET /v1/ledger/entries`) without sorting a million entries;
declared here with the other scale structures of revision 0006."""


__all__ = ["JOURNAL_IN_POSTING_ORDER", "UNRESTRICTED", "PotDayTotalRecord", "PotTotalRecord"]
