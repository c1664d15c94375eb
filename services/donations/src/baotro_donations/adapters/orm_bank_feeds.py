"""Bank feeds: statement imports, the one table of bank transactions (each with its raw line),
their deduplication keys, reconciliation rules, and inputs refused for inspection."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    Time,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from baotro_donations.adapters.base import Base
from baotro_shared.db import UtcDateTime


class StatementImportRecord(Base):
    __tablename__ = "statement_imports"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    fund_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    bank_account: Mapped[str | None] = mapped_column(String(40), nullable=True)
    filename: Mapped[str | None] = mapped_column(String(255), nullable=True)
    format: Mapped[str | None] = mapped_column(String(16), nullable=True)
    profile: Mapped[str | None] = mapped_column(String(40), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    lines: Mapped[int] = mapped_column(Integer, default=0)
    done_lines: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    matched: Mapped[int] = mapped_column(Integer, default=0)
    suggested: Mapped[int] = mapped_column(Integer, default=0)
    unmatched: Mapped[int] = mapped_column(Integer, default=0)
    ignored: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    """The file as uploaded; empty when an earlier import with the same `content_sha256`
    keeps it (the same file imported again is stored once)."""
    content_sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class BankTransactionRecord(Base):
    __tablename__ = "bank_transactions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    fund_code: Mapped[str] = mapped_column(String(16))
    bank_account: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    import_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    line_no: Mapped[int | None] = mapped_column(Integer, nullable=True)
    booked_on: Mapped[date] = mapped_column(Date)
    booked_at: Mapped[time | None] = mapped_column(Time, nullable=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    direction: Mapped[str] = mapped_column(String(8))
    memo: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
    bank_reference: Mapped[str | None] = mapped_column(String(80), nullable=True)
    document_number: Mapped[str | None] = mapped_column(String(80), nullable=True)
    balance: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    counterparty: Mapped[str | None] = mapped_column(String(255), nullable=True)
    counter_account: Mapped[str | None] = mapped_column(String(40), nullable=True)
    payer_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    sender_account: Mapped[str | None] = mapped_column(String(40), nullable=True)
    codes: Mapped[str | None] = mapped_column(String(255), nullable=True)
    cited_references: Mapped[str | None] = mapped_column(Text, nullable=True)
    """Every bank reference the line carries, space-separated with a space at both ends (a
    refund names one of them)."""
    status: Mapped[str] = mapped_column(String(16))
    match_kind: Mapped[str] = mapped_column(String(20))
    match_confidence: Mapped[float] = mapped_column(Float)
    match_reason: Mapped[str] = mapped_column(Text)
    match_target_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    match_target_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    match_donor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    match_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    refund_of: Mapped[str | None] = mapped_column(String(80), nullable=True)
    donation_ids: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    """The donations this credit became (several when split); the refunded one for a refund."""
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        Index("ix_bank_transactions_status_booked", "status", "booked_on"),
        Index("ix_bank_transactions_import", "import_id"),
        Index("ix_bank_transactions_account_booked", "fund_code", "bank_account", "booked_on"),
        Index("ix_bank_transactions_reference", "bank_reference"),
    )


class BankTransactionKeyRecord(Base):
    """Every key a copy of a transfer was seen under: (source, provider id), the bank's
    reference with account and amount, a fingerprint of the line. A line whose key is known is
    a duplicate of that transaction."""

    __tablename__ = "bank_transaction_keys"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    transaction_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(12))


class ReconciliationRuleRecord(Base):
    __tablename__ = "reconciliation_rules"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    fund_code: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(12))
    """learned (from a decision) or keyword (memo words → campaign)."""
    sender_account: Mapped[str | None] = mapped_column(String(40), nullable=True)
    payer_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    memo_words: Mapped[str | None] = mapped_column(String(255), nullable=True)
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    target_label: Mapped[str | None] = mapped_column(String(200), nullable=True)
    donor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    confidence: Mapped[float] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))


class RejectedInputRecord(Base):
    """An input refused as a whole (a webhook with a bad signature or bad JSON, a statement
    file that cannot be read), kept byte for byte for inspection."""

    __tablename__ = "rejected_inputs"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())


__all__ = [
    "BankTransactionKeyRecord",
    "BankTransactionRecord",
    "ReconciliationRuleRecord",
    "RejectedInputRecord",
    "StatementImportRecord",
]
