"""Public appeals: drafted from a case, approved by another person, withdrawn when consent goes.

Every handler is one transaction; `withdraw_appeals_of_case` and `withdraw_appeals_of_child`
work inside the caller's transaction (consent withdrawal, case closure).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog

from baotro_registry.domain.appeal import (
    Appeal,
    AppealRefusedError,
    AppealStatus,
    NeedKind,
    WithdrawReason,
    approve,
    check_story,
    draft_appeal,
    ensure_may_appear_publicly,
    ensure_public_consent,
    reject,
    withdraw,
)
from baotro_registry.domain.case import CaseStatus
from baotro_registry.domain.children import Child, ChildStatus, age_band
from baotro_registry.domain.communes import CommuneDirectory
from baotro_registry.domain.pii_guard import markers_of
from baotro_registry.service_layer.unit_of_work import RegistryUnitOfWork
from baotro_shared.events.contracts.registry import AppealPublished, AppealWithdrawn
from baotro_shared.timeutil import today_in_vietnam
from baotro_shared.web.auth import Principal

log = structlog.get_logger(__name__)

SYSTEM_ACTOR = "system"
NOT_FOUND = "Không tìm thấy bài kêu gọi này trong địa bàn của bạn."


@dataclass(frozen=True)
class CreateAppeal:
    need_kind: NeedKind
    amount_sought: int
    story: str | None = None


async def _child_of_case(
    uow: RegistryUnitOfWork, case_id: uuid.UUID, principal: Principal
) -> tuple[tuple[str, ...], Child]:
    """The case's groups and its child (personal data loaded, for the checks only)."""
    case = await uow.cases.get(case_id, communes=principal.scope_filter())
    if case is None:
        raise AppealRefusedError(404, "Không tìm thấy hồ sơ này trong địa bàn của bạn.")
    if case.status is not CaseStatus.OPEN:
        raise AppealRefusedError(409, "Hồ sơ đã đóng hoặc đã chuyển; không thể kêu gọi.")
    if case.child_id is None:
        raise AppealRefusedError(
            422, "Hồ sơ chưa gắn với trẻ nào; cần gắn trẻ trước khi lập bài kêu gọi."
        )
    child = await uow.children.get(case.child_id, communes=principal.scope_filter(), personal=True)
    if child is None:
        raise AppealRefusedError(404, "Không tìm thấy trẻ của hồ sơ này trong địa bàn của bạn.")
    if child.status is not ChildStatus.ACTIVE:
        raise AppealRefusedError(409, "Trẻ không còn được quỹ theo dõi; không thể kêu gọi.")
    return case.groups, child


async def _ensure_publishable(
    uow: RegistryUnitOfWork, groups: tuple[str, ...], child: Child
) -> None:
    ensure_may_appear_publicly((*groups, *child.groups))
    consents = await uow.consents.for_child(child.id)
    ensure_public_consent(consents, child.age_on(today_in_vietnam()))


async def handle_create_appeal(
    uow: RegistryUnitOfWork,
    case_id: uuid.UUID,
    command: CreateAppeal,
    *,
    principal: Principal,
    directory: CommuneDirectory,
) -> Appeal:
    """Draft an anonymised appeal from a case; it waits for a supervisor's approval.

    The child's personal data is decrypted only to check the story; nothing of it is kept in
    the appeal, so this automated check is not a read in the access audit.
    """
    now = datetime.now(UTC)
    async with uow:
        groups, child = await _child_of_case(uow, case_id, principal)
        await _ensure_publishable(uow, groups, child)
        await uow.appeals.lock_case(case_id)
        existing, _ = await uow.appeals.find(communes=None, case_id=case_id, limit=200)
        if any(a.active for a in existing):
            raise AppealRefusedError(
                409, "Hồ sơ này đã có một bài kêu gọi đang chờ duyệt hoặc đang đăng."
            )
        commune = directory.get(child.commune_code)
        markers = markers_of(
            child,
            place_names=(commune.name,) if commune else (),
            province_name=directory.province_name,
        )
        appeal = draft_appeal(
            appeal_id=uuid.uuid4(),
            case_id=case_id,
            child=child,
            band=age_band(child.age_on(today_in_vietnam())),
            province_code=directory.province_code,
            province_name=directory.province_name,
            need_kind=command.need_kind,
            amount_sought=command.amount_sought,
            story=check_story(command.story, markers),
            created_by=principal.sub,
            now=now,
        )
        await uow.appeals.add(appeal)
        await uow.commit()
    log.info("registry.appeal.drafted", appeal_id=str(appeal.id), case_id=str(case_id))
    return appeal


async def handle_approve_appeal(
    uow: RegistryUnitOfWork, appeal_id: uuid.UUID, *, principal: Principal, comment: str | None
) -> Appeal:
    """Publish (four eyes: not the author); the rules are checked again, since groups or
    consent may have changed; `appeal.published` carries the public form only."""
    now = datetime.now(UTC)
    async with uow:
        appeal = await uow.appeals.get(
            appeal_id, communes=principal.scope_filter(), for_update=True
        )
        if appeal is None:
            raise AppealRefusedError(404, NOT_FOUND)
        published = approve(appeal, by=principal.sub, now=now, comment=comment)
        groups, child = await _child_of_case(uow, appeal.case_id, principal)
        await _ensure_publishable(uow, groups, child)
        await uow.appeals.save(published)
        await uow.publish(
            AppealPublished(
                appeal_id=published.id,
                alias=published.alias,
                age_band=published.age_band,
                province_code=published.province_code,
                province_name=published.province_name,
                need_kind=published.need_kind.value,
                amount_sought=published.amount_sought,
                story=published.story or "",
                published_at=now,
            )
        )
        await uow.commit()
    log.info("registry.appeal.published", appeal_id=str(appeal_id))
    return published


async def handle_reject_appeal(
    uow: RegistryUnitOfWork, appeal_id: uuid.UUID, *, principal: Principal, comment: str
) -> Appeal:
    """Send back with a comment (kept encrypted: it may name the child)."""
    async with uow:
        appeal = await uow.appeals.get(
            appeal_id, communes=principal.scope_filter(), for_update=True
        )
        if appeal is None:
            raise AppealRefusedError(404, NOT_FOUND)
        rejected = reject(appeal, by=principal.sub, now=datetime.now(UTC), comment=comment)
        await uow.appeals.save(rejected)
        await uow.commit()
    log.info("registry.appeal.rejected", appeal_id=str(appeal_id))
    return rejected


async def _withdraw_all(
    uow: RegistryUnitOfWork, appeals: list[Appeal], reason: WithdrawReason, by: str
) -> list[Appeal]:
    now = datetime.now(UTC)
    withdrawn = []
    for appeal in appeals:
        done = withdraw(appeal, by=by, now=now, reason=reason)
        await uow.appeals.save(done)
        await uow.publish(AppealWithdrawn(appeal_id=done.id, reason=reason.value, withdrawn_at=now))
        withdrawn.append(done)
        log.info("registry.appeal.withdrawn", appeal_id=str(done.id), reason=reason.value)
    return withdrawn


async def withdraw_appeals_of_child(
    uow: RegistryUnitOfWork,
    child_id: uuid.UUID,
    reason: WithdrawReason | str,
    *,
    by: str = SYSTEM_ACTOR,
) -> list[Appeal]:
    """Inside the caller's transaction: every pending or published appeal of the child is
    withdrawn and `appeal.withdrawn` written to the outbox. The caller commits."""
    appeals = await uow.appeals.active_of(child_id=child_id)
    return await _withdraw_all(uow, appeals, WithdrawReason(reason), by)


async def withdraw_appeals_of_case(
    uow: RegistryUnitOfWork,
    case_id: uuid.UUID,
    reason: WithdrawReason | str = WithdrawReason.CASE_CLOSED,
    *,
    by: str = SYSTEM_ACTOR,
) -> list[Appeal]:
    """Inside the caller's transaction (e.g. closing the case): every pending or published
    appeal of the case is withdrawn and `appeal.withdrawn` written. The caller commits."""
    appeals = await uow.appeals.active_of(case_id=case_id)
    return await _withdraw_all(uow, appeals, WithdrawReason(reason), by)


async def handle_withdraw_appeal(
    uow: RegistryUnitOfWork, appeal_id: uuid.UUID, *, principal: Principal
) -> Appeal:
    """A supervisor takes an appeal off the portal."""
    async with uow:
        appeal = await uow.appeals.get(
            appeal_id, communes=principal.scope_filter(), for_update=True
        )
        if appeal is None:
            raise AppealRefusedError(404, NOT_FOUND)
        [withdrawn] = await _withdraw_all(uow, [appeal], WithdrawReason.SUPERVISOR, principal.sub)
        await uow.commit()
    return withdrawn


async def handle_read_appeal(
    uow: RegistryUnitOfWork, appeal_id: uuid.UUID, *, principal: Principal
) -> Appeal:
    async with uow:
        appeal = await uow.appeals.get(appeal_id, communes=principal.scope_filter())
    if appeal is None:
        raise AppealRefusedError(404, NOT_FOUND)
    return appeal


async def handle_list_appeals(
    uow: RegistryUnitOfWork,
    *,
    principal: Principal,
    status: AppealStatus | None,
    case_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> tuple[list[Appeal], int]:
    async with uow:
        return await uow.appeals.find(
            communes=principal.scope_filter(),
            status=status,
            case_id=case_id,
            limit=limit,
            offset=offset,
        )


async def handle_public_appeals(
    uow: RegistryUnitOfWork, *, need_kind: NeedKind | None, limit: int, offset: int
) -> tuple[list[Appeal], int]:
    """Published appeals for the portal (the caller shows their public form only)."""
    async with uow:
        return await uow.appeals.published(need_kind=need_kind, limit=limit, offset=offset)
