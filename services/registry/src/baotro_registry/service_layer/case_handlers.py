"""Registry use cases; each is one transaction, events written to the outbox inside it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog

from baotro_registry.domain.case import Case, open_case
from baotro_registry.domain.communes import CommuneDirectory
from baotro_registry.service_layer.unit_of_work import RegistryUnitOfWork
from baotro_shared.events.contracts.registry import CaseOpened
from baotro_shared.web.auth import Principal, ensure_commune_access

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class OpenCase:
    commune_code: str
    groups: list[str]
    child_id: uuid.UUID | None = None


async def handle_open_case(
    uow: RegistryUnitOfWork, command: OpenCase, *, principal: Principal, directory: CommuneDirectory
) -> Case:
    """Open a case and announce `case.opened` (no personal data in the event)."""
    case = open_case(
        commune_code=command.commune_code,
        groups=command.groups,
        directory=directory,
        opened_by=principal.sub,
        now=datetime.now(UTC),
        child_id=command.child_id,
    )
    ensure_commune_access(principal, case.commune_code)
    async with uow:
        await uow.cases.add(case)
        await uow.publish(
            CaseOpened(
                case_id=case.id,
                child_id=case.child_id,
                commune_code=case.commune_code,
                province_code=directory.province_code,
                groups=case.groups,
                stage=case.stage.value,
                opened_at=case.opened_at,
                opened_by_role=principal.role.value,
            )
        )
        await uow.commit()
    log.info("registry.case.opened", case_id=str(case.id), commune_code=case.commune_code)
    return case
