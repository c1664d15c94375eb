"""Registering and reading children: duplicates checked, every read of personal data audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import structlog

from baotro_registry.domain.children import (
    PERSONAL_FIELDS,
    Child,
    PersonalData,
    Sex,
    age_band,
    new_child,
)
from baotro_registry.domain.communes import CommuneDirectory
from baotro_registry.domain.duplicates import DuplicateCandidate, MatchLevel, find_duplicates
from baotro_registry.service_layer.unit_of_work import RegistryUnitOfWork
from baotro_shared.events.contracts.registry import ChildRegistered
from baotro_shared.timeutil import today_in_vietnam
from baotro_shared.web.auth import Principal, Role, ensure_commune_access

log = structlog.get_logger(__name__)

PII_ROLES = frozenset({Role.CASE_WORKER, Role.SUPERVISOR, Role.AUDITOR})
"""Roles that see children's personal fields (every read audited); others get the record without."""


def sees_personal_data(principal: Principal) -> bool:
    return principal.role in PII_ROLES


class DuplicatesFoundError(Exception):
    """Likely duplicates exist; the caller must look and confirm before registering."""

    def __init__(self, candidates: list[DuplicateCandidate]) -> None:
        super().__init__("likely duplicates")
        self.candidates = candidates


@dataclass(frozen=True)
class RegisterChild:
    personal: PersonalData
    commune_code: str
    birth_year: int | None
    sex: Sex | None
    groups: list[str]
    at_risk: list[str]
    confirm_not_duplicate: bool = False
    subgroups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Registered:
    child: Child
    possible_duplicates: list[DuplicateCandidate]


async def handle_register_child(
    uow: RegistryUnitOfWork,
    command: RegisterChild,
    *,
    principal: Principal,
    directory: CommuneDirectory,
    path: str,
) -> Registered:
    """Register a child unless a likely duplicate exists and the caller has not confirmed."""
    now = datetime.now(UTC)
    today = today_in_vietnam()
    async with uow:
        child = new_child(
            personal=command.personal,
            commune_code=command.commune_code,
            birth_year=command.birth_year,
            sex=command.sex,
            groups=command.groups,
            at_risk=command.at_risk,
            known_at_risk=await uow.children.known_at_risk(),
            directory=directory,
            created_by=principal.sub,
            now=now,
            today=today,
            subgroups=list(command.subgroups),
            known_subgroups=await uow.children.known_subgroups(),
        )
        ensure_commune_access(principal, child.commune_code)
        candidates = find_duplicates(child, list(await uow.children.candidates(child)))
        likely = [c for c in candidates if c.level is MatchLevel.LIKELY]
        shown = [c for c in candidates if principal.may_access(c.child.commune_code)]
        if shown:
            await uow.audit.record_reads(
                actor_sub=principal.sub,
                actor_role=principal.role.value,
                child_ids=[c.child.id for c in shown],
                fields=["full_name"],
                action="duplicate_check",
                path=path,
            )
        if likely and not command.confirm_not_duplicate:
            await uow.commit()  # the audit rows of what was shown
            raise DuplicatesFoundError(candidates)
        await uow.children.add(child)
        for candidate in likely:
            await uow.children.add_link(
                child_id=child.id,
                other_child_id=candidate.child.id,
                decision="different",
                by=principal.sub,
                at=now,
            )
        await uow.publish(
            ChildRegistered(
                child_id=child.id,
                commune_code=child.commune_code,
                province_code=directory.province_code,
                groups=child.groups,
                at_risk=child.at_risk,
                age_band=age_band(child.age_on(today)),
                registered_at=now,
            )
        )
        await uow.commit()
    log.info("registry.child.registered", child_id=str(child.id), commune_code=child.commune_code)
    return Registered(child, [c for c in candidates if c.level is MatchLevel.POSSIBLE])


async def handle_read_child(
    uow: RegistryUnitOfWork, child_id: uuid.UUID, *, principal: Principal, path: str
) -> Child | None:
    """One child, scoped; personal fields only for the roles that need them, and audited."""
    personal = sees_personal_data(principal)
    async with uow:
        child = await uow.children.get(
            child_id, communes=principal.scope_filter(), personal=personal
        )
        if child is not None and personal:
            await uow.audit.record_reads(
                actor_sub=principal.sub,
                actor_role=principal.role.value,
                child_ids=[child.id],
                fields=PERSONAL_FIELDS,
                action="read",
                path=path,
            )
            await uow.commit()
    return child


LIST_FIELDS = ("full_name", "date_of_birth")


async def handle_list_children(
    uow: RegistryUnitOfWork,
    *,
    principal: Principal,
    path: str,
    **filters: object,
) -> tuple[list[Child], int]:
    personal = sees_personal_data(principal)
    async with uow:
        children, total = await uow.children.find(
            communes=principal.scope_filter(),
            personal=personal,
            only=LIST_FIELDS,
            **filters,  # type: ignore[arg-type]
        )
        if personal and children:
            await uow.audit.record_reads(
                actor_sub=principal.sub,
                actor_role=principal.role.value,
                child_ids=[c.id for c in children],
                fields=LIST_FIELDS,
                action="list",
                path=path,
            )
            await uow.commit()
    if personal:
        children = [
            replace(
                c,
                personal=PersonalData(
                    full_name=c.personal.full_name, date_of_birth=c.personal.date_of_birth
                ),
            )
            for c in children
        ]
    return children, total


@dataclass(frozen=True)
class UpdateChild:
    changes: dict[str, object]


async def handle_update_child(
    uow: RegistryUnitOfWork,
    child_id: uuid.UUID,
    command: UpdateChild,
    *,
    principal: Principal,
    directory: CommuneDirectory,
    path: str,
) -> Child | None:
    """Change personal or other fields; the record is re-validated and re-encrypted."""
    async with uow:
        current = await uow.children.get(child_id, communes=principal.scope_filter(), personal=True)
        if current is None:
            return None
        personal_changes = {k: v for k, v in command.changes.items() if k in PERSONAL_FIELDS}
        merged = replace(current.personal, **personal_changes)  # type: ignore[arg-type]
        other = {k: v for k, v in command.changes.items() if k not in PERSONAL_FIELDS}
        commune_code = str(other.get("commune_code", current.commune_code))
        ensure_commune_access(principal, commune_code)
        rebuilt = new_child(
            personal=merged,
            commune_code=commune_code,
            birth_year=None
            if merged.date_of_birth
            else int(str(other.get("birth_year", current.birth_year))),
            sex=other.get("sex", current.sex),  # type: ignore[arg-type]
            groups=list(other.get("groups", current.groups)),  # type: ignore[call-overload]
            at_risk=list(other.get("at_risk", current.at_risk)),  # type: ignore[call-overload]
            known_at_risk=await uow.children.known_at_risk() | set(current.at_risk),
            directory=directory,
            subgroups=list(other.get("subgroups", current.subgroups)),  # type: ignore[call-overload]
            known_subgroups=await uow.children.known_subgroups(),
            created_by=current.created_by,
            now=datetime.now(UTC),
            today=today_in_vietnam(),
        )
        updated = replace(
            rebuilt, id=current.id, created_at=current.created_at, status=current.status
        )
        await uow.children.save(updated)
        await uow.audit.record_reads(
            actor_sub=principal.sub,
            actor_role=principal.role.value,
            child_ids=[child_id],
            fields=PERSONAL_FIELDS,
            action="update",
            path=path,
        )
        await uow.commit()
    return updated


async def handle_link(
    uow: RegistryUnitOfWork,
    child_id: uuid.UUID,
    other_child_id: uuid.UUID,
    decision: str,
    *,
    principal: Principal,
) -> bool:
    """Record that two records are the same child or different children (no merge)."""
    async with uow:
        scope = principal.scope_filter()
        first = await uow.children.get(child_id, communes=scope, personal=False)
        second = await uow.children.get(other_child_id, communes=None, personal=False)
        if first is None or second is None or first.id == second.id:
            return False
        await uow.children.add_link(
            child_id=child_id,
            other_child_id=other_child_id,
            decision=decision,
            by=principal.sub,
            at=datetime.now(UTC),
        )
        await uow.commit()
    return True
