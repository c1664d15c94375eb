"""Reference data: legal groups, communes (new and old), editable at-risk categories."""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from baotro_registry.adapters.import_repository import AtRiskCategoryRepository
from baotro_registry.adapters.subgroup_repository import SubgroupRepository
from baotro_registry.domain.legacy_communes import LegacyCommune, LegacyDirectory, ResolvedCommune
from baotro_registry.domain.legal_groups import LEGAL_GROUPS
from baotro_registry.service_layer.unit_of_work import RegistryUnitOfWork
from baotro_shared.web.auth import Principal
from baotro_shared.web.problems import ProblemError

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class AtRiskCategory:
    code: str
    name_vi: str
    active: bool


async def handle_list_at_risk(
    uow: RegistryUnitOfWork, *, include_inactive: bool
) -> list[AtRiskCategory]:
    async with uow:
        records = await AtRiskCategoryRepository(uow.session).categories(
            include_inactive=include_inactive
        )
        return [AtRiskCategory(r.code, r.name_vi, r.active) for r in records]


@dataclass(frozen=True)
class SaveAtRiskCategory:
    code: str
    name_vi: str
    active: bool


async def handle_save_at_risk(
    uow: RegistryUnitOfWork, command: SaveAtRiskCategory, *, principal: Principal
) -> tuple[AtRiskCategory, bool]:
    """Add, rename or (de)activate a category; returns it and whether it was created.

    A category is never deleted: children keep the codes they were registered with.
    """
    name = " ".join(command.name_vi.split())
    async with uow:
        created, changed = await AtRiskCategoryRepository(uow.session).save(
            command.code, name_vi=name, active=command.active
        )
        await uow.commit()
    if changed:
        log.info(
            "registry.reference.at_risk_saved",
            code=command.code,
            created=created,
            active=command.active,
            by=principal.sub,
        )
    return AtRiskCategory(command.code, name, command.active), created


@dataclass(frozen=True)
class Resolution:
    """A resolved commune, or the old units an ambiguous name could mean."""

    commune: ResolvedCommune | None
    ambiguous: list[LegacyCommune]


def resolve_commune(
    legacy: LegacyDirectory, query: str, district: str | None, *, old_only: bool
) -> Resolution:
    """Old or new code or name → the new unit (no storage involved)."""
    found = legacy.resolve(query, district, legacy=old_only)
    if found is not None or query.strip().isdigit():
        return Resolution(found, [])
    return Resolution(None, legacy.find(query, district))


@dataclass(frozen=True)
class Subgroup:
    code: str
    group_code: str
    name_vi: str
    active: bool


async def handle_list_subgroups(
    uow: RegistryUnitOfWork, *, include_inactive: bool
) -> list[Subgroup]:
    async with uow:
        records = await SubgroupRepository(uow.session).all(include_inactive=include_inactive)
        return [Subgroup(r.code, r.group_code, r.name_vi, r.active) for r in records]


async def handle_save_subgroup(
    uow: RegistryUnitOfWork, subgroup: Subgroup, *, principal: Principal
) -> tuple[Subgroup, bool]:
    """Add, rename or (de)activate a sub-group; never deleted (children keep their codes)."""
    if subgroup.group_code not in LEGAL_GROUPS:
        raise ProblemError(
            422,
            f"Nhóm '{subgroup.group_code}' không phải một trong 14 nhóm theo Điều 10 Luật Trẻ em.",
            errors=[{"field": "group_code", "message": "không hợp lệ"}],
        )
    name = " ".join(subgroup.name_vi.split())
    async with uow:
        created = await SubgroupRepository(uow.session).save(
            subgroup.code, group_code=subgroup.group_code, name_vi=name, active=subgroup.active
        )
        await uow.commit()
    log.info("registry.reference.subgroup_saved", code=subgroup.code, by=principal.sub)
    return Subgroup(subgroup.code, subgroup.group_code, name, subgroup.active), created
