"""Registry use cases; each is one transaction, events written to the outbox inside it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog

from baotro_registry.domain.case import (
    Case,
    CaseRejectedError,
    StageChange,
    ensure_child_commune,
    open_case,
)
from baotro_registry.domain.children import age_band
from baotro_registry.domain.communes import CommuneDirectory
from baotro_registry.service_layer.unit_of_work import RegistryUnitOfWork
from baotro_shared.events.contracts.registry import AgeBand, CaseOpened, CaseStageChanged
from baotro_shared.timeutil import VIETNAM
from baotro_shared.web.auth import Principal, ensure_commune_access
from baotro_shared.web.problems import ProblemError

log = structlog.get_logger(__name__)

CASE_NOT_FOUND = "Không tìm thấy hồ sơ này trong địa bàn của bạn."


@dataclass(frozen=True)
class OpenCase:
    commune_code: str
    groups: list[str]
    child_id: uuid.UUID | None = None


async def handle_open_case(
    uow: RegistryUnitOfWork, command: OpenCase, *, principal: Principal, directory: CommuneDirectory
) -> Case:
    """Open a case and announce `case.opened` (no personal data in the event).

    A linked child must be registered in the caller's area, and the case is opened in the
    child's commune; the event then carries the child's age band, never a birth date.
    """
    now = datetime.now(UTC)
    case = open_case(
        commune_code=command.commune_code,
        groups=command.groups,
        directory=directory,
        opened_by=principal.sub,
        now=now,
        child_id=command.child_id,
    )
    ensure_commune_access(principal, case.commune_code)
    async with uow:
        band: AgeBand | None = None
        if case.child_id is not None:
            child = await uow.children.get(
                case.child_id, communes=principal.scope_filter(), personal=False
            )
            if child is None:
                raise CaseRejectedError(
                    "child_id", "Không tìm thấy trẻ em này trong sổ theo dõi thuộc địa bàn của bạn."
                )
            ensure_child_commune(case.commune_code, child.commune_code)
            band = age_band(child.age_on(now.astimezone(VIETNAM).date()))
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
                age_band=band,
            )
        )
        await uow.commit()
    log.info("registry.case.opened", case_id=str(case.id), commune_code=case.commune_code)
    return case


async def load_case(
    uow: RegistryUnitOfWork, case_id: uuid.UUID, principal: Principal, *, for_update: bool = False
) -> Case:
    """The case in the caller's area (locked for a write), or 404: out of area looks absent."""
    case = await uow.cases.get(case_id, communes=principal.scope_filter(), for_update=for_update)
    if case is None:
        raise ProblemError(404, CASE_NOT_FOUND)
    return case


async def publish_stage_change(uow: RegistryUnitOfWork, change: StageChange | None) -> None:
    """Every stage change (and every transfer) is announced as `case.stage_changed`."""
    if change is None:
        return
    await uow.publish(
        CaseStageChanged(
            case_id=change.case_id,
            commune_code=change.commune_code,
            from_stage=change.from_stage.value,
            to_stage=change.to_stage.value,
            status=change.status.value,
            changed_at=change.at,
        )
    )
    log.info(
        "registry.case.stage_changed",
        case_id=str(change.case_id),
        from_stage=change.from_stage.value,
        to_stage=change.to_stage.value,
    )
