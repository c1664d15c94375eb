"""The ledger on PostgreSQL: entries and postings, day totals, donations, receipt counters.

The domain validates against a `Ledger`; `load_for` builds the smallest one that decides like
the whole book: nothing for money coming in, the day totals of the asset pots an entry may
take money from, and the real entries a reversal mirrors. `pot_totals` and `pot_day_totals`
are kept in the transaction that writes the postings, so they always equal them summed.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter

from sqlalchemy import func, insert, or_, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from baotro_donations.adapters import ledger_statements as sql
from baotro_donations.adapters.orm_ledger import DonationRecord, JournalEntryRecord, PostingRecord
from baotro_donations.adapters.orm_ledger_totals import (
    UNRESTRICTED,
    PotDayTotalRecord,
    PotTotalRecord,
)
from baotro_donations.domain.ledger import Ledger
from baotro_donations.domain.ledger_accounts import (
    AccountKind,
    Fund,
    LedgerRefusedError,
    Restriction,
    RestrictionKind,
)
from baotro_donations.domain.ledger_entries import JournalEntry, Posting, Side
from baotro_donations.domain.ledger_snapshot import PotDay, snapshot_ledger
from baotro_shared.db import bulk_insert, copy_records


@dataclass(frozen=True)
class StoredDonation:
    id: uuid.UUID
    fund_code: str
    channel: str
    asset_account: str
    amount: int
    received_on: date
    receipt_number: str
    entry_id: uuid.UUID
    target_kind: str
    target_id: str | None
    restricted: bool
    donor_id: uuid.UUID | None
    anonymous: bool
    created_at: datetime
    created_by: str
    original_currency: str | None = None
    original_amount: Decimal | None = None
    in_kind_description: str | None = None
    in_kind_quantity: Decimal | None = None
    in_kind_unit: str | None = None
    campaign_id: uuid.UUID | None = None
    pledge_id: uuid.UUID | None = None
    public_memo: str | None = None


@dataclass(frozen=True)
class PotTotal:
    """Sums of one account for one restriction (None = unrestricted)."""

    account_code: str
    restriction: Restriction | None
    debit: int
    credit: int


@dataclass(frozen=True)
class StoredEntry:
    entry: JournalEntry
    created_at: datetime
    created_by: str


_DONATION_FIELDS = tuple(f.name for f in fields(StoredDonation))
_DONATIONS = DonationRecord.metadata.tables[DonationRecord.__tablename__]
_donation_values = attrgetter(*_DONATION_FIELDS)
_SELECT_DONATION = select(*(_DONATIONS.c[name] for name in _DONATION_FIELDS))
# Built once: the hot path of `record_donation` compiles nothing and skips the ORM flush.
_INSERT_DONATION = insert(_DONATIONS)


_POSTING_COLUMNS = (
    "entry_id",
    "line_no",
    "account_code",
    "restriction_kind",
    "restriction_id",
    "debit",
    "credit",
)


def _restriction(kind: str | None, rid: str | None) -> Restriction | None:
    if not kind or not rid:
        return None
    return Restriction(RestrictionKind(kind), rid)


def _key(restriction: Restriction | None) -> tuple[str, str]:
    """(restriction_kind, restriction_id) as `pot_day_totals` keys them."""
    if restriction is None:
        return UNRESTRICTED, UNRESTRICTED
    return restriction.kind.value, restriction.id


class LedgerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock_fund(self, fund_code: str) -> None:
        """Serialise writers that take money out of one fund's book until the transaction
        ends, so that what the domain validated (pots never negative, reversals within the
        remaining amount) still holds when the entry is written. Money coming in needs no
        lock: it can only raise what a concurrent check saw.

        PostgreSQL only: SQLite (the laptop default, one process) serialises writers itself.
        """
        if self._session.bind.dialect.name != "postgresql":
            return
        await self._session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"ledger:{fund_code}"}
        )

    async def load(self, fund: Fund) -> Ledger:
        """The fund's whole book as a `Ledger`: for audits and tests, not for posting (see
        `load_for`)."""
        stored = await self.entries(fund)
        return Ledger(funds={fund.code: fund}, entries=tuple(s.entry for s in stored))

    async def load_for(
        self,
        fund: Fund,
        *,
        restrictions: Iterable[Restriction | None] = (),
        entry_ids: Iterable[uuid.UUID] = (),
    ) -> Ledger:
        """A `Ledger` that is enough to validate an entry touching the pots of `restrictions`
        (every asset account) and reversing `entry_ids`: balances of other pots may be
        missing. Call it with the fund locked.

        Nothing is read when both are empty (money coming in never makes a pot negative).
        The entries `entry_ids` and their reversals are loaded as they are, the pots of
        `restrictions` and of those entries as one summary entry per day."""
        ids = list(dict.fromkeys(entry_ids))
        real = [s.entry for s in await self._entries_and_reversals(fund, ids)] if ids else []
        wanted = set(restrictions) | {line.restriction for e in real for line in e.lines}
        if not wanted:
            return Ledger(funds={fund.code: fund}, entries=tuple(real))
        return snapshot_ledger(fund, await self._asset_day_changes(fund, wanted), real)

    async def _entries_and_reversals(self, fund: Fund, ids: list[uuid.UUID]) -> list[StoredEntry]:
        records = (
            await self._session.execute(
                select(JournalEntryRecord)
                .where(
                    JournalEntryRecord.fund_code == fund.code,
                    or_(JournalEntryRecord.id.in_(ids), JournalEntryRecord.reverses.in_(ids)),
                )
                .order_by(JournalEntryRecord.created_at, JournalEntryRecord.id)
            )
        ).scalars()
        return await self._stored(fund, list(records))

    async def _asset_day_changes(
        self, fund: Fund, restrictions: set[Restriction | None]
    ) -> dict[PotDay, int]:
        """Debit − credit per asset account, restriction and day, over the whole book."""
        assets = [code for code, a in fund.accounts.items() if a.kind is AccountKind.ASSET]
        t = PotDayTotalRecord
        rows = await self._session.execute(
            select(
                t.account_code, t.restriction_kind, t.restriction_id, t.day, t.debit - t.credit
            ).where(
                t.fund_code == fund.code,
                t.account_code.in_(assets),
                tuple_(t.restriction_kind, t.restriction_id).in_(
                    sorted(_key(r) for r in restrictions)
                ),
            )
        )
        return {
            (code, _restriction(kind, rid), day): int(change)
            for code, kind, rid, day, change in rows
        }

    async def entries(
        self,
        fund: Fund,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        account: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[StoredEntry]:
        """Entries of `fund` in posting order, optionally filtered by date and account."""
        stmt = select(JournalEntryRecord).where(JournalEntryRecord.fund_code == fund.code)
        if date_from is not None:
            stmt = stmt.where(JournalEntryRecord.entry_date >= date_from)
        if date_to is not None:
            stmt = stmt.where(JournalEntryRecord.entry_date <= date_to)
        if account is not None:
            stmt = stmt.where(
                JournalEntryRecord.id.in_(
                    select(PostingRecord.entry_id).where(PostingRecord.account_code == account)
                )
            )
        stmt = stmt.order_by(JournalEntryRecord.created_at, JournalEntryRecord.id).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        records = list((await self._session.execute(stmt)).scalars())
        return await self._stored(fund, records)

    async def _stored(self, fund: Fund, records: list[JournalEntryRecord]) -> list[StoredEntry]:
        """`records` with their postings, as domain entries."""
        if not records:
            return []
        lines: dict[uuid.UUID, list[PostingRecord]] = defaultdict(list)
        rows = (
            await self._session.execute(
                select(PostingRecord)
                .where(PostingRecord.entry_id.in_([r.id for r in records]))
                .order_by(PostingRecord.entry_id, PostingRecord.line_no)
            )
        ).scalars()
        for row in rows:
            lines[row.entry_id].append(row)
        return [
            StoredEntry(
                entry=JournalEntry(
                    id=r.id,
                    fund=r.fund_code,
                    date=r.entry_date,
                    memo=r.memo,
                    reverses=r.reverses,
                    lines=tuple(
                        Posting(
                            fund.account(p.account_code),
                            Side.DEBIT if p.debit else Side.CREDIT,
                            p.debit or p.credit,
                            _restriction(p.restriction_kind, p.restriction_id),
                        )
                        for p in lines[r.id]
                    ),
                ),
                created_at=r.created_at,
                created_by=r.created_by,
            )
            for r in records
        ]

    async def count_entries(
        self,
        fund_code: str,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        account: str | None = None,
    ) -> int:
        stmt = select(func.count()).where(JournalEntryRecord.fund_code == fund_code)
        if date_from is not None:
            stmt = stmt.where(JournalEntryRecord.entry_date >= date_from)
        if date_to is not None:
            stmt = stmt.where(JournalEntryRecord.entry_date <= date_to)
        if account is not None:
            stmt = stmt.where(
                JournalEntryRecord.id.in_(
                    select(PostingRecord.entry_id).where(PostingRecord.account_code == account)
                )
            )
        return int((await self._session.execute(stmt)).scalar_one())

    async def add_entry(
        self,
        entry: JournalEntry,
        *,
        created_at: datetime,
        created_by: str,
        if_new: bool = False,
    ) -> bool:
        """Write an entry the domain has validated, with its postings, and add it to the
        totals of its pots (in all and for its day), in this transaction: one statement on
        PostgreSQL. The pots' rows stay locked until the transaction ends.

        An entry whose id is already in the book (or being written by a transaction still
        open, which is waited for) is not written: 409, or False with `if_new`, when the id
        is the idempotency key of the caller's operation."""
        row = {
            "id": entry.id,
            "fund_code": entry.fund,
            "entry_date": entry.date,
            "memo": entry.memo,
            "reverses": entry.reverses,
            "created_at": created_at,
            "created_by": created_by,
        }
        lines = [(line.account.code, *_key(line.restriction), line) for line in entry.lines]
        sums: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
        for code, kind, rid, line in lines:
            total = sums[code, kind, rid]
            total[0] += line.debit
            total[1] += line.credit
        # Sorted keys: every transaction locks the rows it shares with another in the same
        # order, so two postings never wait for each other in a circle.
        totals = sorted(sums.items())
        conn = await self._session.connection()
        if conn.dialect.name == "postgresql":
            written = await conn.execute(
                sql.WRITE_ENTRY_POSTGRESQL,
                {
                    **row,
                    "line_accounts": [code for code, _, _, _ in lines],
                    "line_kinds": [kind for _, kind, _, _ in lines],
                    "line_ids": [rid for _, _, rid, _ in lines],
                    "line_debits": [line.debit for *_, line in lines],
                    "line_credits": [line.credit for *_, line in lines],
                    "total_accounts": [code for (code, _, _), _ in totals],
                    "total_kinds": [kind for (_, kind, _), _ in totals],
                    "total_ids": [rid for (_, _, rid), _ in totals],
                    "total_debits": [debit for _, (debit, _) in totals],
                    "total_credits": [credit for _, (_, credit) in totals],
                },
            )
        else:
            written = await conn.execute(sql.INSERT_ENTRY_IF_NEW, row)
        if written.first() is None:
            if if_new:
                return False
            raise LedgerRefusedError(409, f"Bút toán {entry.id} đã được ghi sổ.")
        if conn.dialect.name != "postgresql":
            await self._write_lines(conn, entry, lines, totals)
        return True

    @staticmethod
    async def _write_lines(
        conn: AsyncConnection,
        entry: JournalEntry,
        lines: list[tuple[str, str, str, Posting]],
        totals: list[tuple[tuple[str, str, str], list[int]]],
    ) -> None:
        """Postings and totals of a written entry, one statement each (SQLite)."""
        await conn.execute(
            sql.INSERT_POSTING,
            [
                {
                    "entry_id": entry.id,
                    "line_no": number,
                    "account_code": code,
                    "restriction_kind": kind or None,
                    "restriction_id": rid or None,
                    "debit": line.debit,
                    "credit": line.credit,
                }
                for number, (code, kind, rid, line) in enumerate(lines, start=1)
            ],
        )
        await conn.execute(
            sql.ADD_TO_DAY_TOTALS,
            [
                {
                    "fund_code": entry.fund,
                    "account_code": code,
                    "restriction_kind": kind,
                    "restriction_id": rid,
                    "day": entry.date,
                    "debit": debit,
                    "credit": credit,
                }
                for (code, kind, rid), (debit, credit) in totals
            ],
        )
        await conn.execute(
            sql.ADD_TO_TOTALS,
            [
                {
                    "fund_code": entry.fund,
                    "account_code": code,
                    "restriction_kind": kind,
                    "restriction_id": rid,
                    "debit": debit,
                    "credit": credit,
                }
                for (code, kind, rid), (debit, credit) in totals
            ],
        )

    async def add_new_entries(
        self, entries: Sequence[JournalEntry], *, created_at: datetime, created_by: str
    ) -> None:
        """Write many validated entries whose ids are new, in bulk: one multi-row statement
        for the entries, one for their postings, and their pots' totals summed over the batch
        (day totals first, every pot in sorted order, as `add_entry` locks them). An id already
        in the book fails the statement, and so the caller's transaction."""
        if not entries:
            return
        await bulk_insert(
            self._session,
            sql.ENTRIES,
            [
                {
                    "id": e.id,
                    "fund_code": e.fund,
                    "entry_date": e.date,
                    "memo": e.memo,
                    "reverses": e.reverses,
                    "created_at": created_at,
                    "created_by": created_by,
                }
                for e in entries
            ],
        )
        postings = []
        days: dict[tuple[str, str, str, str, date], list[int]] = defaultdict(lambda: [0, 0])
        totals: dict[tuple[str, str, str, str], list[int]] = defaultdict(lambda: [0, 0])
        for entry in entries:
            for number, line in enumerate(entry.lines, start=1):
                kind, rid = _key(line.restriction)
                code, debit, credit = line.account.code, line.debit, line.credit
                postings.append((entry.id, number, code, kind or None, rid or None, debit, credit))
                for total in (
                    days[code, kind, rid, entry.fund, entry.date],
                    totals[code, kind, rid, entry.fund],
                ):
                    total[0] += debit
                    total[1] += credit
        await copy_records(self._session, sql.POSTINGS, _POSTING_COLUMNS, postings)
        conn = await self._session.connection()
        await conn.execute(
            sql.ADD_TO_DAY_TOTALS,
            [
                {
                    "fund_code": fund,
                    "account_code": code,
                    "restriction_kind": kind,
                    "restriction_id": rid,
                    "day": day,
                    "debit": debit,
                    "credit": credit,
                }
                for (code, kind, rid, fund, day), (debit, credit) in sorted(days.items())
            ],
        )
        await conn.execute(
            sql.ADD_TO_TOTALS,
            [
                {
                    "fund_code": fund,
                    "account_code": code,
                    "restriction_kind": kind,
                    "restriction_id": rid,
                    "debit": debit,
                    "credit": credit,
                }
                for (code, kind, rid, fund), (debit, credit) in sorted(totals.items())
            ],
        )

    async def reserve_receipt_seqs(self, fund_code: str, year: int, count: int) -> int:
        """The first of `count` consecutive receipt sequences of `fund_code` in `year`
        (gap-free, one counter update; the row stays locked until the transaction ends)."""
        conn = await self._session.connection()
        result = await conn.execute(
            sql.RESERVE_RECEIPT_SEQS, {"fund_code": fund_code, "year": year, "count": count}
        )
        return int(result.scalar_one()) - count + 1

    async def add_donations(self, donations: Sequence[StoredDonation]) -> None:
        await copy_records(
            self._session, _DONATIONS, _DONATION_FIELDS, list(map(_donation_values, donations))
        )

    async def next_receipt_seq(self, fund_code: str, year: int) -> int:
        """The next receipt sequence of `fund_code` in `year`, gap-free.

        The upsert locks the counter row until this transaction ends: concurrent issuers wait
        in turn, and a rolled-back transaction gives its number back (nothing was committed).
        """
        conn = await self._session.connection()
        result = await conn.execute(sql.NEXT_RECEIPT_SEQ, {"fund_code": fund_code, "year": year})
        return int(result.scalar_one())

    async def add_donation(self, donation: StoredDonation) -> None:
        conn = await self._session.connection()
        await conn.execute(
            _INSERT_DONATION, {name: getattr(donation, name) for name in _DONATION_FIELDS}
        )

    async def donation(self, donation_id: uuid.UUID) -> StoredDonation | None:
        row = (
            await self._session.execute(_SELECT_DONATION.where(_DONATIONS.c.id == donation_id))
        ).first()
        return None if row is None else StoredDonation(**row._mapping)

    async def donation_by_receipt(self, receipt_number: str) -> StoredDonation | None:
        stmt = _SELECT_DONATION.where(_DONATIONS.c.receipt_number == receipt_number)
        row = (await self._session.execute(stmt)).first()
        return None if row is None else StoredDonation(**row._mapping)

    async def reversed_amount(self, entry_id: uuid.UUID) -> int:
        """What reversals of entry `entry_id` took back so far (their total debits)."""
        stmt = (
            select(func.coalesce(func.sum(PostingRecord.debit), 0))
            .join(JournalEntryRecord, JournalEntryRecord.id == PostingRecord.entry_id)
            .where(JournalEntryRecord.reverses == entry_id)
        )
        return int((await self._session.execute(stmt)).scalar_one())

    async def pot_totals(
        self,
        fund_code: str,
        *,
        as_of: date | None = None,
        restriction: Restriction | None = None,
        unrestricted_only: bool = False,
    ) -> list[PotTotal]:
        """SUM(debit), SUM(credit) per account and restriction of `fund_code`, entries dated on
        or before `as_of`; only `restriction`'s pots when given, or only unrestricted ones.

        Read from the totals kept per pot (all entries) or per pot and day (`as_of`): a row
        per pot, or per pot and day, whatever the number of entries."""
        t: type[PotTotalRecord] | type[PotDayTotalRecord]
        t = PotTotalRecord if as_of is None else PotDayTotalRecord
        stmt = (
            select(
                t.account_code,
                t.restriction_kind,
                t.restriction_id,
                func.sum(t.debit),
                func.sum(t.credit),
            )
            .where(t.fund_code == fund_code)
            .group_by(t.account_code, t.restriction_kind, t.restriction_id)
            .order_by(t.account_code, t.restriction_kind, t.restriction_id)
        )
        if as_of is not None:
            stmt = stmt.where(PotDayTotalRecord.day <= as_of)
        if restriction is not None or unrestricted_only:
            kind, rid = _key(restriction)
            stmt = stmt.where(t.restriction_kind == kind, t.restriction_id == rid)
        rows = (await self._session.execute(stmt)).all()
        return [
            PotTotal(code, _restriction(kind, rid), int(debit), int(credit))
            for code, kind, rid, debit, credit in rows
        ]
