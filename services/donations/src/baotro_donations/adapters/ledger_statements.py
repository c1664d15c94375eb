"""The SQL of the ledger's hot path, built once: posting compiles nothing per call.

SQLAlchemy does not cache compiled ON CONFLICT statements, so the upserts are text;
PostgreSQL and SQLite (3.35+) read the same words, except the one-round-trip entry writer,
which uses PostgreSQL's data-modifying CTEs.
"""

from __future__ import annotations

from sqlalchemy import Date, bindparam, insert, text

from baotro_donations.adapters.base import Base
from baotro_donations.adapters.orm_ledger import JournalEntryRecord, PostingRecord

_TABLES = Base.metadata.tables
ENTRIES = _TABLES[JournalEntryRecord.__tablename__]
INSERT_ENTRY_IF_NEW = text(
    """
    INSERT INTO journal_entries
        (id, fund_code, entry_date, memo, reverses, created_at, created_by)
    VALUES (:id, :fund_code, :entry_date, :memo, :reverses, :created_at, :created_by)
    ON CONFLICT (id) DO NOTHING RETURNING id
    """
).bindparams(*(bindparam(c.name, type_=c.type) for c in ENTRIES.columns))
POSTINGS = _TABLES[PostingRecord.__tablename__]
INSERT_POSTING = insert(POSTINGS)
# PostgreSQL writes an entry, its postings and its pots' totals in one round trip; nothing
# when the entry's id is already in the book. Totals rows are locked in the entry's sorted
# pot order, day totals first, by every writer.
WRITE_ENTRY_POSTGRESQL = text(
    """
    WITH entry AS (
        INSERT INTO journal_entries
            (id, fund_code, entry_date, memo, reverses, created_at, created_by)
        VALUES (:id, :fund_code, :entry_date, :memo, :reverses, :created_at, :created_by)
        ON CONFLICT (id) DO NOTHING RETURNING id
    ), lines AS (
        INSERT INTO postings
            (entry_id, line_no, account_code, restriction_kind, restriction_id, debit, credit)
        SELECT entry.id, l.n, l.account, NULLIF(l.kind, ''), NULLIF(l.rid, ''), l.debit, l.credit
        FROM entry, unnest(
            CAST(:line_accounts AS text[]), CAST(:line_kinds AS text[]),
            CAST(:line_ids AS text[]), CAST(:line_debits AS bigint[]),
            CAST(:line_credits AS bigint[])
        ) WITH ORDINALITY AS l(account, kind, rid, debit, credit, n)
    ), sums AS (
        SELECT t.* FROM entry, unnest(
            CAST(:total_accounts AS text[]), CAST(:total_kinds AS text[]),
            CAST(:total_ids AS text[]), CAST(:total_debits AS bigint[]),
            CAST(:total_credits AS bigint[])
        ) WITH ORDINALITY AS t(account, kind, rid, debit, credit, n)
    ), day_totals AS (
        INSERT INTO pot_day_totals
            (fund_code, account_code, restriction_kind, restriction_id, day, debit, credit)
        SELECT :fund_code, account, kind, rid, :entry_date, debit, credit FROM sums ORDER BY n
        ON CONFLICT (fund_code, account_code, restriction_kind, restriction_id, day) DO UPDATE
        SET debit = pot_day_totals.debit + excluded.debit,
            credit = pot_day_totals.credit + excluded.credit
    ), totals AS (
        INSERT INTO pot_totals
            (fund_code, account_code, restriction_kind, restriction_id, debit, credit)
        SELECT :fund_code, account, kind, rid, debit, credit FROM sums ORDER BY n
        ON CONFLICT (fund_code, account_code, restriction_kind, restriction_id) DO UPDATE
        SET debit = pot_totals.debit + excluded.debit,
            credit = pot_totals.credit + excluded.credit
    )
    SELECT id FROM entry
    """
).bindparams(*(bindparam(c.name, type_=c.type) for c in ENTRIES.columns))


ADD_TO_DAY_TOTALS = text(
    """
    INSERT INTO pot_day_totals
        (fund_code, account_code, restriction_kind, restriction_id, day, debit, credit)
    VALUES (:fund_code, :account_code, :restriction_kind, :restriction_id, :day, :debit, :credit)
    ON CONFLICT (fund_code, account_code, restriction_kind, restriction_id, day) DO UPDATE
    SET debit = pot_day_totals.debit + excluded.debit,
        credit = pot_day_totals.credit + excluded.credit
    """
).bindparams(bindparam("day", type_=Date()))
ADD_TO_TOTALS = text(
    """
    INSERT INTO pot_totals
        (fund_code, account_code, restriction_kind, restriction_id, debit, credit)
    VALUES (:fund_code, :account_code, :restriction_kind, :restriction_id, :debit, :credit)
    ON CONFLICT (fund_code, account_code, restriction_kind, restriction_id) DO UPDATE
    SET debit = pot_totals.debit + excluded.debit,
        credit = pot_totals.credit + excluded.credit
    """
)
NEXT_RECEIPT_SEQ = text(
    """
    INSERT INTO receipt_counters (fund_code, year, last_seq) VALUES (:fund_code, :year, 1)
    ON CONFLICT (fund_code, year) DO UPDATE SET last_seq = receipt_counters.last_seq + 1
    RETURNING last_seq
    """
)
RESERVE_RECEIPT_SEQS = text(
    """
    INSERT INTO receipt_counters (fund_code, year, last_seq) VALUES (:fund_code, :year, :count)
    ON CONFLICT (fund_code, year) DO UPDATE SET last_seq = receipt_counters.last_seq + :count
    RETURNING last_seq
    """
)
