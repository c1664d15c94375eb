"""Donors (contact details sealed on the way in, opened on the way out), campaigns, pledges
and the money raised towards them, summed in SQL from the donations and their reversals."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_donations.adapters.orm_ledger import DonationRecord, JournalEntryRecord, PostingRecord
from baotro_donations.adapters.orm_parties import (
    CampaignRecord,
    DonorBankAccountRecord,
    DonorRecord,
    PledgeRecord,
)
from baotro_donations.domain.campaigns import Campaign, CampaignKind, Pledge, Raised
from baotro_donations.domain.donors import (
    Contact,
    ContactChannel,
    Donor,
    DonorKind,
    KnownBankAccount,
    refuse,
)
from baotro_shared.crypto import FieldCipher
from baotro_shared.text import fold_lower

ACCOUNT_PURPOSE = "donor.bank_account"
ACCOUNT_TAKEN = "Số tài khoản ngân hàng này đã thuộc về một nhà tài trợ khác."
PLEDGE_TAKEN = "Đơn vị này đã đăng ký cam kết cho đợt vận động này rồi."


@dataclass(frozen=True)
class DonorSummary:
    """What a list or a match shows of a donor: no contact data."""

    id: uuid.UUID
    kind: DonorKind
    display_name: str
    anonymous: bool

    @property
    def public_name(self) -> str | None:
        return None if self.anonymous else self.display_name


@dataclass(frozen=True)
class PledgeLine:
    pledge: Pledge
    unit_name: str


def _context(table: str, row_id: uuid.UUID, field: str) -> str:
    """The AES-GCM associated data, as the registry's key rotation rebuilds it."""
    return f"{table}:{row_id}:{field}"


def _summary(r: DonorRecord) -> DonorSummary:
    return DonorSummary(r.id, DonorKind(r.kind), r.display_name, r.anonymous)


def _campaign(r: CampaignRecord) -> Campaign:
    return Campaign(
        id=r.id,
        fund_code=r.fund_code,
        name=r.name,
        kind=CampaignKind(r.kind),
        starts_on=r.starts_on,
        ends_on=r.ends_on,
        target_amount=r.target_amount,
        restricted=r.restricted,
        created_at=r.created_at,
        created_by=r.created_by,
    )


def _pledge(r: PledgeRecord) -> Pledge:
    return Pledge(
        id=r.id,
        campaign_id=r.campaign_id,
        unit_id=r.unit_id,
        target_amount=r.target_amount,
        headcount=r.headcount,
        average_daily_wage=r.average_daily_wage,
        created_at=r.created_at,
        created_by=r.created_by,
    )


def _reversed_of_donation() -> ColumnElement[int]:
    """Per donation row: what reversing entries took back (their debits), 0 when none."""
    return (
        select(func.coalesce(func.sum(PostingRecord.debit), 0))
        .join(JournalEntryRecord, JournalEntryRecord.id == PostingRecord.entry_id)
        .where(JournalEntryRecord.reverses == DonationRecord.entry_id)
        .correlate(DonationRecord)
        .scalar_subquery()
    )


class PartyRepository:
    def __init__(self, session: AsyncSession, cipher: FieldCipher) -> None:
        self.session = session
        self.cipher = cipher

    def account_index(self, number: str) -> str:
        return self.cipher.blind_index(number, purpose=ACCOUNT_PURPOSE)

    # -- donors: writes -----------------------------------------------------------------
    def _seal_contact(self, record: DonorRecord, contact: Contact) -> None:
        seal = self.cipher.encrypt
        record.email_enc = seal(contact.email, context=_context("donors", record.id, "email"))
        record.phone_enc = seal(contact.phone, context=_context("donors", record.id, "phone"))
        record.address_enc = seal(contact.address, context=_context("donors", record.id, "address"))
        record.key_id = self.cipher.active_key_id

    def _fill(self, record: DonorRecord, donor: Donor) -> None:
        record.kind = donor.kind.value
        record.display_name = donor.display_name
        record.name_folded = fold_lower(donor.display_name)[:200]
        record.salutation = donor.salutation
        record.anonymous = donor.anonymous
        record.preferred_channel = (
            donor.preferred_channel.value if donor.preferred_channel else None
        )
        record.opted_out = donor.opted_out
        record.headcount = donor.headcount
        record.average_daily_wage = donor.average_daily_wage
        record.commune_code = donor.commune_code
        record.updated_at = donor.updated_at
        self._seal_contact(record, donor.contact)

    async def _write_accounts(self, donor: Donor) -> None:
        await self.session.execute(
            delete(DonorBankAccountRecord).where(DonorBankAccountRecord.donor_id == donor.id)
        )
        await self.session.flush()
        for position, account in enumerate(donor.bank_accounts):
            row_id = uuid.uuid4()
            self.session.add(
                DonorBankAccountRecord(
                    id=row_id,
                    donor_id=donor.id,
                    position=position,
                    bank_bin=account.bank_bin,
                    bank_name=account.bank_name,
                    key_id=self.cipher.active_key_id,
                    number_enc=self.cipher.encrypt(
                        account.number, context=_context("donor_bank_accounts", row_id, "number")
                    ),
                    number_bidx=self.account_index(account.number),
                )
            )
        try:
            await self.session.flush()
        except IntegrityError as exc:  # a concurrent donor took the account first
            raise refuse(ACCOUNT_TAKEN, field="bank_accounts", status=409) from exc

    async def add_donor(self, donor: Donor) -> None:
        record = DonorRecord(id=donor.id, created_at=donor.created_at, created_by=donor.created_by)
        self._fill(record, donor)
        self.session.add(record)
        await self.session.flush()
        await self._write_accounts(donor)

    async def save_donor(self, donor: Donor) -> None:
        record = await self.session.get(DonorRecord, donor.id, with_for_update=True)
        if record is None:
            raise LookupError(donor.id)
        self._fill(record, donor)
        await self._write_accounts(donor)

    # -- donors: reads ------------------------------------------------------------------
    async def donor(self, donor_id: uuid.UUID, *, lock: bool = False) -> Donor | None:
        """The donor with contact details and account numbers decrypted."""
        record = await self.session.get(DonorRecord, donor_id, with_for_update=lock)
        if record is None:
            return None
        return (await self._donors_of([record]))[0]

    async def donors(self, donor_ids: list[uuid.UUID]) -> list[Donor]:
        """The donors of `donor_ids` that exist (two queries whatever their number)."""
        if not donor_ids:
            return []
        records = (
            await self.session.scalars(select(DonorRecord).where(DonorRecord.id.in_(donor_ids)))
        ).all()
        return await self._donors_of(list(records))

    async def _donors_of(self, records: list[DonorRecord]) -> list[Donor]:
        rows = (
            await self.session.scalars(
                select(DonorBankAccountRecord)
                .where(DonorBankAccountRecord.donor_id.in_([r.id for r in records]))
                .order_by(DonorBankAccountRecord.donor_id, DonorBankAccountRecord.position)
            )
        ).all()
        accounts: dict[uuid.UUID, list[DonorBankAccountRecord]] = {}
        for row in rows:
            accounts.setdefault(row.donor_id, []).append(row)
        return [self._donor(record, accounts.get(record.id, [])) for record in records]

    def _donor(self, record: DonorRecord, account_rows: list[DonorBankAccountRecord]) -> Donor:
        open_ = self.cipher.decrypt
        accounts = tuple(
            KnownBankAccount(
                number=open_(a.number_enc, context=_context("donor_bank_accounts", a.id, "number"))
                or "",
                bank_bin=a.bank_bin,
                bank_name=a.bank_name,
            )
            for a in account_rows
        )
        contact = Contact(
            email=open_(record.email_enc, context=_context("donors", record.id, "email")),
            phone=open_(record.phone_enc, context=_context("donors", record.id, "phone")),
            address=open_(record.address_enc, context=_context("donors", record.id, "address")),
        )
        return Donor(
            id=record.id,
            kind=DonorKind(record.kind),
            display_name=record.display_name,
            created_at=record.created_at,
            updated_at=record.updated_at,
            created_by=record.created_by,
            salutation=record.salutation,
            anonymous=record.anonymous,
            contact=contact,
            preferred_channel=(
                ContactChannel(record.preferred_channel) if record.preferred_channel else None
            ),
            opted_out=record.opted_out,
            headcount=record.headcount,
            average_daily_wage=record.average_daily_wage,
            commune_code=record.commune_code,
            bank_accounts=accounts,
        )

    async def donor_summary(self, donor_id: uuid.UUID) -> DonorSummary | None:
        record = await self.session.get(DonorRecord, donor_id)
        return None if record is None else _summary(record)

    async def search_donors(
        self, *, query: str | None, kind: DonorKind | None, limit: int, offset: int
    ) -> tuple[list[DonorSummary], int]:
        """Donors whose folded name contains the folded query ("nguyen van an" finds
        "Nguyễn Văn An"), by name."""
        stmt = select(DonorRecord)
        folded = fold_lower(query or "")
        if folded:
            escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            stmt = stmt.where(DonorRecord.name_folded.like(f"%{escaped}%", escape="\\"))
        if kind is not None:
            stmt = stmt.where(DonorRecord.kind == kind.value)
        total = (
            await self.session.execute(select(func.count()).select_from(stmt.subquery()))
        ).scalar_one()
        page = stmt.order_by(DonorRecord.name_folded, DonorRecord.id).limit(limit).offset(offset)
        records = (await self.session.scalars(page)).all()
        return [_summary(r) for r in records], int(total)

    async def donors_by_bank_account(self, number: str) -> list[DonorSummary]:
        """The donors known to transfer from `number` (any punctuation; digits compared)."""
        digits = "".join(ch for ch in number if ch.isdigit())
        if not digits:
            return []
        stmt = (
            select(DonorRecord)
            .join(DonorBankAccountRecord, DonorBankAccountRecord.donor_id == DonorRecord.id)
            .where(DonorBankAccountRecord.number_bidx == self.account_index(digits))
            .order_by(DonorRecord.id)
        )
        return [_summary(r) for r in (await self.session.scalars(stmt)).all()]

    async def accounts_of_others(self, numbers: Sequence[str], *, donor_id: uuid.UUID) -> list[str]:
        """Which of `numbers` another donor already transfers from."""
        by_index = {self.account_index(n): n for n in numbers}
        if not by_index:
            return []
        stmt = select(DonorBankAccountRecord.number_bidx).where(
            DonorBankAccountRecord.number_bidx.in_(by_index),
            DonorBankAccountRecord.donor_id != donor_id,
        )
        return [by_index[i] for i in (await self.session.scalars(stmt)).all()]

    # -- campaigns and pledges ----------------------------------------------------------
    async def add_campaign(self, c: Campaign) -> None:
        self.session.add(
            CampaignRecord(
                id=c.id,
                fund_code=c.fund_code,
                name=c.name,
                kind=c.kind.value,
                starts_on=c.starts_on,
                ends_on=c.ends_on,
                target_amount=c.target_amount,
                restricted=c.restricted,
                created_at=c.created_at,
                created_by=c.created_by,
            )
        )
        await self.session.flush()

    async def campaign(self, campaign_id: uuid.UUID) -> Campaign | None:
        record = await self.session.get(CampaignRecord, campaign_id)
        return None if record is None else _campaign(record)

    async def campaigns(
        self, *, fund_code: str | None, kind: CampaignKind | None, limit: int, offset: int
    ) -> tuple[list[Campaign], int]:
        stmt: Select[tuple[CampaignRecord]] = select(CampaignRecord)
        if fund_code is not None:
            stmt = stmt.where(CampaignRecord.fund_code == fund_code)
        if kind is not None:
            stmt = stmt.where(CampaignRecord.kind == kind.value)
        total = (
            await self.session.execute(select(func.count()).select_from(stmt.subquery()))
        ).scalar_one()
        page = stmt.order_by(CampaignRecord.starts_on.desc(), CampaignRecord.id)
        records = (await self.session.scalars(page.limit(limit).offset(offset))).all()
        return [_campaign(r) for r in records], int(total)

    async def add_pledge(self, p: Pledge) -> None:
        self.session.add(
            PledgeRecord(
                id=p.id,
                campaign_id=p.campaign_id,
                unit_id=p.unit_id,
                target_amount=p.target_amount,
                headcount=p.headcount,
                average_daily_wage=p.average_daily_wage,
                created_at=p.created_at,
                created_by=p.created_by,
            )
        )
        try:
            await self.session.flush()
        except IntegrityError as exc:  # a concurrent request pledged first
            raise refuse(PLEDGE_TAKEN, field="unit_id", status=409) from exc

    async def pledge(self, pledge_id: uuid.UUID) -> Pledge | None:
        record = await self.session.get(PledgeRecord, pledge_id)
        return None if record is None else _pledge(record)

    async def pledge_of(self, campaign_id: uuid.UUID, unit_id: uuid.UUID) -> Pledge | None:
        stmt = select(PledgeRecord).where(
            PledgeRecord.campaign_id == campaign_id, PledgeRecord.unit_id == unit_id
        )
        record = (await self.session.scalars(stmt)).first()
        return None if record is None else _pledge(record)

    async def unit_has_pledges(self, unit_id: uuid.UUID) -> bool:
        stmt = select(PledgeRecord.id).where(PledgeRecord.unit_id == unit_id).limit(1)
        return (await self.session.scalars(stmt)).first() is not None

    async def pledges(self, campaign_id: uuid.UUID) -> list[PledgeLine]:
        """The campaign's pledges with their units' names, by unit name."""
        stmt = (
            select(PledgeRecord, DonorRecord.display_name)
            .join(DonorRecord, DonorRecord.id == PledgeRecord.unit_id)
            .where(PledgeRecord.campaign_id == campaign_id)
            .order_by(DonorRecord.name_folded, PledgeRecord.id)
        )
        return [PledgeLine(_pledge(r), name) for r, name in (await self.session.execute(stmt))]

    # -- money raised -------------------------------------------------------------------
    async def raised_for_campaign(self, campaign_id: uuid.UUID) -> Raised:
        """Gifts counted towards the campaign (directly or via pledges), less reversals."""
        stmt = select(
            func.coalesce(func.sum(DonationRecord.amount), 0),
            func.coalesce(func.sum(_reversed_of_donation()), 0),
        ).where(DonationRecord.campaign_id == campaign_id)
        gross, reversed_ = (await self.session.execute(stmt)).one()
        return Raised(int(gross), int(reversed_))

    async def raised_per_pledge(
        self, *, campaign_id: uuid.UUID | None = None, pledge_id: uuid.UUID | None = None
    ) -> dict[uuid.UUID, Raised]:
        """Per pledge (of a campaign, or one pledge): gifts less reversals."""
        stmt = select(
            DonationRecord.pledge_id,
            func.sum(DonationRecord.amount),
            func.sum(_reversed_of_donation()),
        ).group_by(DonationRecord.pledge_id)
        if campaign_id is not None:
            stmt = stmt.where(
                DonationRecord.campaign_id == campaign_id, DonationRecord.pledge_id.is_not(None)
            )
        if pledge_id is not None:
            stmt = stmt.where(DonationRecord.pledge_id == pledge_id)
        rows = (await self.session.execute(stmt)).all()
        return {pid: Raised(int(gross), int(back)) for pid, gross, back in rows if pid}
