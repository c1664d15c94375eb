"""The reporting unit of work."""

from __future__ import annotations

from typing import Self

from baotro_reporting.adapters.money_queries import MoneyQueries
from baotro_reporting.adapters.money_views import MoneyViewRepository
from baotro_reporting.adapters.portal_queries import PortalQueries
from baotro_reporting.adapters.records import RecordRepository
from baotro_reporting.adapters.repository import CaseViewRepository
from baotro_reporting.adapters.statement_queries import StatementQueries
from baotro_shared.uow import UnitOfWork


class ReportingUnitOfWork(UnitOfWork):
    case_views: CaseViewRepository
    money_views: MoneyViewRepository
    money: MoneyQueries
    statement: StatementQueries
    portal: PortalQueries
    records: RecordRepository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.case_views = CaseViewRepository(self.session)
        self.money_views = MoneyViewRepository(self.session)
        self.money = MoneyQueries(self.session)
        self.statement = StatementQueries(self.session)
        self.portal = PortalQueries(self.session)
        self.records = RecordRepository(self.session)
        return self
