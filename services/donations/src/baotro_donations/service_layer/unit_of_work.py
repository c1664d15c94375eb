"""The donations unit of work: one transaction, its repositories and the outbox."""

from __future__ import annotations

from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from baotro_donations.adapters.bank_feed_repository import BankFeedRepository
from baotro_donations.adapters.disbursement_repository import DisbursementRepository
from baotro_donations.adapters.ledger_repository import LedgerRepository
from baotro_donations.adapters.party_repository import PartyRepository
from baotro_donations.adapters.payment_code_repository import PaymentCodeRepository
from baotro_donations.settings import DonationsSettings
from baotro_shared.crypto import FieldCipher
from baotro_shared.messaging.outbox import OutboxSignal, OutboxWriter
from baotro_shared.uow import UnitOfWork


class DonationsUnitOfWork(UnitOfWork):
    payment_codes: PaymentCodeRepository
    ledger: LedgerRepository
    parties: PartyRepository
    disbursements: DisbursementRepository
    bank_feeds: BankFeedRepository

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        outbox: OutboxWriter,
        signal: OutboxSignal | None = None,
        *,
        settings: DonationsSettings,
        cipher: FieldCipher,
    ) -> None:
        super().__init__(sessions, outbox, signal)
        self.settings = settings
        self.cipher = cipher

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.payment_codes = PaymentCodeRepository(self.session)
        self.ledger = LedgerRepository(self.session)
        self.parties = PartyRepository(self.session, self.cipher)
        self.disbursements = DisbursementRepository(self.session)
        self.bank_feeds = BankFeedRepository(self.session, self.cipher)
        return self
