"""The ledger on PostgreSQL: entries and postings, donations, receipt counters, balances.

`load` reads every entry of a fund to rebuild the pure `Ledger` the domain validates against.
That is fine at a provincial fund's volume (thousands of entries a year); later it should load
only the pots an entry touches, or closed-year balances plus the open year.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_donations.adapters.orm_ledger import (
    DonationRecord,
    JournalEntryRecord,
    PostingRecord,
    ReceiptCounterRecord,
)
from baotro_donations.domain.ledger import Ledger
from baotro_donations.domain.ledger_accounts import Fund, Restriction, RestrictionKind
from baotro_donations.domain.ledger_entries import JournalEntry, Posting, Side


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


def _restriction(kind: str | None, rid: str | None) -> Restriction | None:
    if kind is None or rid is None:
        return None
    return Restriction(RestrictionKind(kind), rid)


def _donation(r: DonationRecord) -> StoredDonation:
    return StoredDonation(
        id=r.id,
        fund_code=r.fund_code,
        channel=r.channel,
        asset_account=r.asset_account,
        amount=r.amount,
        received_on=r.received_on,
        receipt_number=r.receipt_number,
        entry_id=r.entry_id,
        target_kind=r.target_kind,
        target_id=r.target_id,
        restricted=r.restricted,
        donor_id=r.donor_id,
        anonymous=r.anonymous,
        created_at=r.created_at,
        created_by=r.created_by,
        original_currency=r.original_currency,
        original_amount=r.original_amount,
        in_kind_description=r.in_kind_description,
        in_kind_quantity=r.in_kind_quantity,
        in_kind_unit=r.in_kind_unit,
    )


class LedgerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock_fund(self, fund_code: str) -> None:
        """Serialise writers of one fund's book until the transaction ends, so that what the
        domain validated (pots never negative, reversals within the remaining amount) still
        holds when the entry is written.

        PostgreSQL only: SQLite (the laptop default, one process) serialises writers itself.
        """
        if self._session.bind.dialect.name != "postgresql":
            return
        await self._session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"ledger:{fund_code}"}
        )

    async def load(self, fund: Fund) -> Ledger:
        """The fund's whole book as a `Ledger` (see the module docstring about volume)."""
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
        missing. Call it with the fund locked."""
        del restrictions, entry_ids
        return await self.load(fund)

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
        self, entry: JournalEntry, *, created_at: datetime, created_by: str
    ) -> None:
        """Write an entry the domain has validated, with its postings, in this transaction."""
        self._session.add(
            JournalEntryRecord(
                id=entry.id,
                fund_code=entry.fund,
                entry_date=entry.date,
                memo=entry.memo,
                reverses=entry.reverses,
                created_at=created_at,
                created_by=created_by,
            )
        )
        await self._session.flush()
        self._session.add_all(
            PostingRecord(
                entry_id=entry.id,
                line_no=number,
                account_code=line.account.code,
                restriction_kind=line.restriction.kind.value if line.restriction else None,
                restriction_id=line.restriction.id if line.restriction else None,
                debit=line.debit,
                credit=line.credit,
            )
            for number, line in enumerate(entry.lines, start=1)
        )
        await self._session.flush()

    async def next_receipt_seq(self, fund_code: str, year: int) -> int:
        """The next receipt sequence of `fund_code` in `year`, gap-free.

        The UPDATE locks the counter row until this transaction ends: concurrent issuers wait
        in turn, and a rolled-back transaction gives its number back (nothing was committed).
        """
        insert = pg_insert if self._session.bind.dialect.name == "postgresql" else sqlite_insert
        await self._session.execute(
            insert(ReceiptCounterRecord)
            .values(fund_code=fund_code, year=year, last_seq=0)
            .on_conflict_do_nothing(index_elements=["fund_code", "year"])
        )
        result = await self._session.execute(
            update(ReceiptCounterRecord)
            .where(ReceiptCounterRecord.fund_code == fund_code, ReceiptCounterRecord.year == year)
            .values(last_seq=ReceiptCounterRecord.last_seq + 1)
            .returning(ReceiptCounterRecord.last_seq)
        )
        return int(result.scalar_one())

    async def add_donation(self, donation: StoredDonation) -> None:
        self._session.add(
            DonationRecord(
                id=donation.id,
                fund_code=donation.fund_code,
                channel=donation.channel,
                asset_account=donation.asset_account,
                amount=donation.amount,
                original_currency=donation.original_currency,
                original_amount=donation.original_amount,
                in_kind_description=donation.in_kind_description,
                in_kind_quantity=donation.in_kind_quantity,
                in_kind_unit=donation.in_kind_unit,
                donor_id=donation.donor_id,
                anonymous=donation.anonymous,
                target_kind=donation.target_kind,
                target_id=donation.target_id,
                restricted=donation.restricted,
                received_on=donation.received_on,
                receipt_number=donation.receipt_number,
                entry_id=donation.entry_id,
                created_at=donation.created_at,
                created_by=donation.created_by,
            )
        )
        await self._session.flush()

    async def donation(self, donation_id: uuid.UUID) -> StoredDonation | None:
        record = await self._session.get(DonationRecord, donation_id)
        return _donation(record) if record else None

    async def donation_by_receipt(self, receipt_number: str) -> StoredDonation | None:
        record = (
            await self._session.execute(
                select(DonationRecord).where(DonationRecord.receipt_number == receipt_number)
            )
        ).scalar_one_or_none()
        return _donation(record) if record else None

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
        or before `as_of`; only `restriction`'s pots when given, or only unrestricted ones."""
        stmt = (
            select(
                PostingRecord.account_code,
                PostingRecord.restriction_kind,
                PostingRecord.restriction_id,
                func.sum(PostingRecord.debit),
                func.sum(PostingRecord.credit),
            )
            .join(JournalEntryRecord, JournalEntryRecord.id == PostingRecord.entry_id)
            .where(JournalEntryRecord.fund_code == fund_code)
            .group_by(
                PostingRecord.account_code,
                PostingRecord.restriction_kind,
                PostingRecord.restriction_id,
            )
            .order_by(
                PostingRecord.account_code,
                PostingRecord.restriction_kind.nulls_first(),
                PostingRecord.restriction_id.nulls_first(),
            )
        )
        if as_of is not None:
            stmt = stmt.where(JournalEntryRecord.entry_date <= as_of)
        if restriction is not None:
            stmt = stmt.where(
                PostingRecord.restriction_kind == restriction.kind.value,
                PostingRecord.restriction_id == restriction.id,
            )
        elif unrestricted_only:
            stmt = stmt.where(PostingRecord.restriction_kind.is_(None))
        rows = (await self._session.execute(stmt)).all()
        return [
            PotTotal(code, _restriction(kind, rid), int(debit), int(credit))
            for code, kind, rid, debit, credit in rows
        ]
