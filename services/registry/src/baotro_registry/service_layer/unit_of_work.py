"""The registry's unit of work: one transaction, its repositories and the outbox."""

from __future__ import annotations

from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from baotro_registry.adapters.appeal_repository import AppealRepository
from baotro_registry.adapters.audit_repository import AuditRepository
from baotro_registry.adapters.case_repository import CaseRepository
from baotro_registry.adapters.child_repository import ChildRepository
from baotro_registry.adapters.consent_repository import ConsentRepository
from baotro_registry.adapters.import_repository import ImportRepository
from baotro_registry.adapters.sponsorship_repository import SponsorshipRepository
from baotro_shared.crypto import FieldCipher
from baotro_shared.messaging.outbox import OutboxSignal, OutboxWriter
from baotro_shared.uow import UnitOfWork


class RegistryUnitOfWork(UnitOfWork):
    cases: CaseRepository
    children: ChildRepository
    consents: ConsentRepository
    audit: AuditRepository
    appeals: AppealRepository
    sponsorships: SponsorshipRepository
    imports: ImportRepository

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        outbox: OutboxWriter,
        signal: OutboxSignal | None = None,
        *,
        cipher: FieldCipher,
    ) -> None:
        super().__init__(sessions, outbox, signal)
        self.cipher = cipher

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.cases = CaseRepository(self.session)
        self.children = ChildRepository(self.session, self.cipher)
        self.consents = ConsentRepository(self.session)
        self.audit = AuditRepository(self.session)
        self.appeals = AppealRepository(self.session, self.cipher)
        self.sponsorships = SponsorshipRepository(self.session, self.cipher)
        self.imports = ImportRepository(self.session, self.cipher)
        return self
