"""Bank transactions, their deduplication keys, statement imports, reconciliation rules and
refused inputs; and the bulk look-ups matching needs (payment codes, donors' accounts,
open pledges)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_donations.adapters.base import Base
from baotro_donations.adapters.orm_bank_feeds import (
    BankTransactionKeyRecord,
    BankTransactionRecord,
    ReconciliationRuleRecord,
    RejectedInputRecord,
    StatementImportRecord,
)
from baotro_donations.adapters.orm_parties import (
    CampaignRecord,
    DonorBankAccountRecord,
    DonorRecord,
    PledgeRecord,
)
from baotro_donations.adapters.orm_payment_codes import PaymentCodeRecord
from baotro_donations.adapters.party_repository import ACCOUNT_PURPOSE
from baotro_donations.domain.bank_dedupe import key_kind
from baotro_shared.crypto import FieldCipher
from baotro_shared.db import copy_records, json_text
from baotro_shared.text import fold_lower

_CHUNK = 5_000
_KEY_COLUMNS = ("key", "transaction_id", "kind")
_TRANSACTIONS = Base.metadata.tables[BankTransactionRecord.__tablename__]
_KEYS = Base.metadata.tables[BankTransactionKeyRecord.__tablename__]
_KNOWN_KEYS_POSTGRESQL = text(
    "SELECT key, transaction_id FROM bank_transaction_keys "
    "WHERE key = ANY(string_to_array(:keys, ' '))"
)
_ADD_KEY = text(
    "INSERT INTO bank_transaction_keys (key, transaction_id, kind) "
    "VALUES (:key, :transaction_id, :kind) ON CONFLICT (key) DO NOTHING"
)


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class BankFeedRepository:
    def __init__(self, session: AsyncSession, cipher: FieldCipher) -> None:
        self.session = session
        self.cipher = cipher

    def detach_all(self) -> None:
        """Keep the records read so far usable after the transaction ends (leaving a unit of
        work rolls back, which would expire them)."""
        self.session.expunge_all()

    # -- locking and keys ---------------------------------------------------------------
    async def lock_account(self, fund_code: str, bank_account: str) -> None:
        """Serialise the writers of one bank account until the transaction ends (PostgreSQL;
        SQLite has one writer anyway): deduplication reads and registers keys under it."""
        conn = await self.session.connection()
        if conn.dialect.name == "postgresql":
            await conn.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:name))"),
                {"name": f"bank-account:{fund_code}/{bank_account}"},
            )

    async def known_keys(self, keys: Iterable[str]) -> dict[str, uuid.UUID]:
        wanted = list(dict.fromkeys(keys))
        found: dict[str, uuid.UUID] = {}
        conn = await self.session.connection()
        if conn.dialect.name == "postgresql":
            # One text parameter, split by the server: no statement with thousands of
            # placeholders to build, nor an array of thousands of values to encode (keys
            # are "kind:hex", without spaces).
            result = await conn.execute(_KNOWN_KEYS_POSTGRESQL, {"keys": " ".join(wanted)})
            return {key: tx for key, tx in result}
        for chunk in _chunks(wanted):
            rows = await self.session.execute(
                select(_KEYS.c.key, _KEYS.c.transaction_id).where(_KEYS.c.key.in_(chunk))
            )
            found.update({key: tx for key, tx in rows})
        return found

    async def has_key_kind(self, transaction_id: uuid.UUID, kind: str) -> bool:
        stmt = select(_KEYS.c.key).where(
            _KEYS.c.transaction_id == transaction_id, _KEYS.c.kind == kind
        )
        return (await self.session.execute(stmt.limit(1))).first() is not None

    async def add_keys(self, keys: Mapping[str, uuid.UUID]) -> None:
        """Register keys (a key already registered keeps its transaction)."""
        rows = [{"key": k, "transaction_id": t, "kind": key_kind(k)} for k, t in keys.items()]
        conn = await self.session.connection()
        for chunk in _chunks(rows):
            await conn.execute(_ADD_KEY, list(chunk))

    async def add_new_keys(self, keys: Mapping[str, uuid.UUID]) -> None:
        """Register keys known to be new (checked under the account's lock), in bulk."""
        records = [(k, t, key_kind(k)) for k, t in keys.items()]
        await copy_records(self.session, _KEYS, _KEY_COLUMNS, records)

    # -- transactions -------------------------------------------------------------------
    async def add_transactions(self, rows: Sequence[dict[str, Any]]) -> None:
        """Write new transactions, each row with the same keys (`transaction_row`)."""
        if not rows:
            return
        columns = list(rows[0])
        values = itemgetter(*columns)
        at = columns.index("donation_ids")
        records = []
        for row in rows:
            record = values(row)
            if record[at] is not None:
                record = (*record[:at], json_text(record[at]), *record[at + 1 :])
            records.append(record)
        await copy_records(self.session, _TRANSACTIONS, columns, records)

    async def transaction(
        self, transaction_id: uuid.UUID, *, lock: bool = False
    ) -> BankTransactionRecord | None:
        stmt = select(BankTransactionRecord).where(BankTransactionRecord.id == transaction_id)
        if lock:
            stmt = stmt.with_for_update()
        return (await self.session.scalars(stmt)).first()

    async def transactions(
        self,
        *,
        status: str | None,
        import_id: uuid.UUID | None,
        direction: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[BankTransactionRecord], int]:
        stmt = select(BankTransactionRecord)
        if status is not None:
            stmt = stmt.where(BankTransactionRecord.status == status)
        if import_id is not None:
            stmt = stmt.where(BankTransactionRecord.import_id == import_id)
        if direction is not None:
            stmt = stmt.where(BankTransactionRecord.direction == direction)
        total = (
            await self.session.execute(select(func.count()).select_from(stmt.subquery()))
        ).scalar_one()
        page = stmt.order_by(
            BankTransactionRecord.booked_on,
            BankTransactionRecord.line_no,
            BankTransactionRecord.id,
        )
        records = (await self.session.scalars(page.limit(limit).offset(offset))).all()
        return list(records), int(total)

    async def credit_by_reference(
        self, fund_code: str, bank_account: str, reference: str
    ) -> BankTransactionRecord | None:
        """The credit whose bank reference is `reference` (a refund names it)."""
        stmt = (
            select(BankTransactionRecord)
            .where(
                BankTransactionRecord.fund_code == fund_code,
                BankTransactionRecord.bank_account == bank_account,
                or_(
                    BankTransactionRecord.bank_reference == reference,
                    BankTransactionRecord.cited_references.like(f"% {reference} %"),
                ),
                BankTransactionRecord.direction == "credit",
            )
            .order_by(BankTransactionRecord.booked_on.desc())
            .limit(1)
        )
        return (await self.session.scalars(stmt)).first()

    async def donations_of_credit(
        self, fund_code: str, bank_account: str, reference: str
    ) -> list[str]:
        """The donations recorded from the credit with `reference` (what a refund returns)."""
        original = await self.credit_by_reference(fund_code, bank_account, reference)
        return list(original.donation_ids or []) if original else []

    async def count_by_status(self, import_id: uuid.UUID) -> dict[str, int]:
        stmt = (
            select(BankTransactionRecord.status, func.count())
            .where(BankTransactionRecord.import_id == import_id)
            .group_by(BankTransactionRecord.status)
        )
        return {status: int(n) for status, n in await self.session.execute(stmt)}

    # -- imports and refused inputs -----------------------------------------------------
    async def add_import(self, record: StatementImportRecord) -> None:
        self.session.add(record)
        await self.session.flush()

    async def has_raw_file(self, content_sha256: str) -> bool:
        stmt = select(StatementImportRecord.id).where(
            StatementImportRecord.content_sha256 == content_sha256,
            func.length(StatementImportRecord.raw) > 0,
        )
        return (await self.session.execute(stmt.limit(1))).first() is not None

    async def imported_whole_before(
        self,
        content_sha256: str,
        *,
        fund_code: str,
        bank_account: str,
        other_than: uuid.UUID,
        read_as: tuple[str | None, str | None] | None = None,
    ) -> bool:
        """Whether an import other than `other_than` brought the same file into the same
        account to its end (read as `read_as`, its (format, profile), when given)."""
        stmt = select(StatementImportRecord.id).where(
            StatementImportRecord.content_sha256 == content_sha256,
            StatementImportRecord.fund_code == fund_code,
            StatementImportRecord.bank_account == bank_account,
            StatementImportRecord.status == "done",
            StatementImportRecord.id != other_than,
        )
        if read_as is not None:
            stmt = stmt.where(
                StatementImportRecord.format.is_not_distinct_from(read_as[0]),
                StatementImportRecord.profile.is_not_distinct_from(read_as[1]),
            )
        return (await self.session.execute(stmt.limit(1))).first() is not None

    async def statement_import(self, import_id: uuid.UUID) -> StatementImportRecord | None:
        return await self.session.get(StatementImportRecord, import_id)

    async def update_import(self, import_id: uuid.UUID, **values: Any) -> None:
        await self.session.execute(
            update(StatementImportRecord)
            .where(StatementImportRecord.id == import_id)
            .values(**values)
        )

    async def fail_processing_imports(self, *, message: str, at: datetime) -> int:
        result = await self.session.execute(
            update(StatementImportRecord)
            .where(StatementImportRecord.status == "processing")
            .values(status="failed", message=message, finished_at=at)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def keep_rejected(
        self, *, kind: str, reason: str, raw: bytes, headers: dict[str, str] | None
    ) -> uuid.UUID:
        record = RejectedInputRecord(
            id=uuid.uuid4(),
            kind=kind,
            reason=reason,
            raw=raw,
            headers=headers or {},
            received_at=datetime.now(UTC),
        )
        self.session.add(record)
        await self.session.flush()
        return record.id

    # -- rules --------------------------------------------------------------------------
    async def rules(self, fund_code: str) -> list[ReconciliationRuleRecord]:
        stmt = (
            select(ReconciliationRuleRecord)
            .where(
                ReconciliationRuleRecord.fund_code == fund_code,
                ReconciliationRuleRecord.active.is_(True),
            )
            .order_by(ReconciliationRuleRecord.created_at.desc())
        )
        return list((await self.session.scalars(stmt)).all())

    async def add_rule(self, record: ReconciliationRuleRecord) -> None:
        self.session.add(record)
        await self.session.flush()

    async def rule(self, rule_id: uuid.UUID) -> ReconciliationRuleRecord | None:
        return await self.session.get(ReconciliationRuleRecord, rule_id)

    # -- what matching looks up ---------------------------------------------------------
    async def payment_codes(self, codes: Iterable[str]) -> list[PaymentCodeRecord]:
        wanted = list(dict.fromkeys(codes))
        found: list[PaymentCodeRecord] = []
        for chunk in _chunks(wanted):
            stmt = select(PaymentCodeRecord).where(PaymentCodeRecord.code.in_(chunk))
            found.extend((await self.session.scalars(stmt)).all())
        return found

    async def donors_by_accounts(self, numbers: Iterable[str]) -> dict[str, list[uuid.UUID]]:
        """Donors known to transfer from each of `numbers` (digits), through the blind index."""
        by_index = {
            self.cipher.blind_index(n, purpose=ACCOUNT_PURPOSE): n for n in dict.fromkeys(numbers)
        }
        found: dict[str, list[uuid.UUID]] = defaultdict(list)
        for chunk in _chunks(list(by_index)):
            stmt = (
                select(DonorBankAccountRecord.number_bidx, DonorBankAccountRecord.donor_id)
                .where(DonorBankAccountRecord.number_bidx.in_(chunk))
                .order_by(DonorBankAccountRecord.donor_id)
            )
            for index, donor_id in await self.session.execute(stmt):
                found[by_index[index]].append(donor_id)
        return dict(found)

    async def donor_names(
        self, *, containing: str | None = None, limit: int = 100_000
    ) -> dict[uuid.UUID, str]:
        """Folded names of donors that may be suggested by name (not anonymous), those
        whose name has the word `containing` when given."""
        stmt = (
            select(DonorRecord.id, DonorRecord.name_folded)
            .where(DonorRecord.anonymous.is_(False))
            .limit(limit)
        )
        if containing is not None:
            word = fold_lower(containing)
            stmt = stmt.where((" " + DonorRecord.name_folded + " ").contains(f" {word} "))
        # Stored lower case for search; memos are read upper case (`fold`).
        return {donor_id: name.upper() for donor_id, name in await self.session.execute(stmt)}

    async def load_donors(self, donor_ids: Iterable[uuid.UUID]) -> list[DonorRecord]:
        """Read the donors `donor_ids` into this session in one statement: while the caller
        holds the records (the session keeps them weakly), recording many gifts finds each
        giver there (`session.get`) instead of asking the database one by one."""
        found: list[DonorRecord] = []
        for chunk in _chunks(list(dict.fromkeys(donor_ids))):
            stmt = select(DonorRecord).where(DonorRecord.id.in_(chunk))
            found.extend((await self.session.scalars(stmt)).all())
        return found

    async def donor_labels(self, donor_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
        ids = list(dict.fromkeys(donor_ids))
        if not ids:
            return {}
        stmt = select(DonorRecord.id, DonorRecord.display_name).where(DonorRecord.id.in_(ids))
        return {donor_id: name for donor_id, name in await self.session.execute(stmt)}

    async def campaigns(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, tuple[str, date]]:
        """Name and last day of each campaign."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        stmt = select(CampaignRecord.id, CampaignRecord.name, CampaignRecord.ends_on).where(
            CampaignRecord.id.in_(wanted)
        )
        return {cid: (name, ends) for cid, name, ends in await self.session.execute(stmt)}

    async def open_pledges(
        self, fund_code: str, first: date, last: date
    ) -> list[tuple[PledgeRecord, CampaignRecord, str]]:
        """Pledges of the fund's campaigns running some time between `first` and `last`, with
        their campaign and the unit's name."""
        stmt = (
            select(PledgeRecord, CampaignRecord, DonorRecord.display_name)
            .join(CampaignRecord, CampaignRecord.id == PledgeRecord.campaign_id)
            .join(DonorRecord, DonorRecord.id == PledgeRecord.unit_id)
            .where(
                CampaignRecord.fund_code == fund_code,
                CampaignRecord.starts_on <= last,
                CampaignRecord.ends_on >= first,
            )
        )
        return [(p, c, name) for p, c, name in await self.session.execute(stmt)]
